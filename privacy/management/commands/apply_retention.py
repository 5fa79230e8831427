from django.core.management.base import BaseCommand, CommandError

from caseload.models import Departement
from core.audit import command_context
from privacy.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation (ce que fait la tâche de nuit) : anonymise "
        "les dossiers arrivés au terme de leur conservation, puis purge les traces "
        "d'accès, l'historique, les lignes et fichiers d'import et les notifications "
        "anciens. Se termine par la ligne « anonymised: N » (« would anonymise: N » "
        "avec --dry-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Ne modifie rien : compte ce qui serait anonymisé et purgé.",
        )
        parser.add_argument(
            "--departement",
            default=None,
            help="Code du Département (45, 2A…) : n'anonymise que ses dossiers "
            "(les purges portent sur toute la base).",
        )

    def handle(self, *args, dry_run=False, departement=None, **options):
        scope = None
        if departement is not None:
            code = departement.strip().upper()
            scope = Departement.objects.filter(code=code).first()
            if scope is None:
                raise CommandError(f"Département inconnu : « {departement} ».")
        with command_context("apply_retention"):
            result = apply_retention(departement=scope, dry_run=dry_run)
        for line in result.purged.lines(dry_run):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(f"would anonymise: {result.anonymised}")
        else:
            self.stdout.write(f"anonymised: {result.anonymised}")
