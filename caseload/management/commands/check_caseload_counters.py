"""Compare the stored loads (`caseload.StaffLoad`) with a recount of the
active assignments; exit 1 on a difference, or fix it with `--repair`."""

from django.core.management.base import BaseCommand, CommandError

from caseload.enums import Programme
from caseload.selectors import load_counter_drift
from caseload.services.loads import load_counters_repair


class Command(BaseCommand):
    help = (
        "Vérifie que les charges enregistrées (personnes suivies par professionnel et par "
        "dispositif) correspondent au décompte des affectations en cours ; --repair les corrige."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Corriger les charges qui diffèrent du décompte.",
        )

    def handle(self, *args, repair=False, **options):
        drifts = load_counters_repair() if repair else load_counter_drift()
        for drift in drifts:
            self.stdout.write(
                f"Professionnel {drift.staff_id}, {Programme(drift.programme).label} : "
                f"{drift.stored} enregistrée(s), {drift.counted} décomptée(s)"
                + (" — corrigée." if repair else ".")
            )
        if not drifts:
            self.stdout.write("Les charges enregistrées correspondent aux affectations en cours.")
        elif repair:
            self.stdout.write(f"{len(drifts)} charge(s) corrigée(s).")
        else:
            raise CommandError(
                f"{len(drifts)} charge(s) diffèrent du décompte des affectations en cours : "
                "relancez avec --repair pour les corriger.",
                returncode=1,
            )
