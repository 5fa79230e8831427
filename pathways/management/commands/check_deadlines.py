from django.core.management.base import BaseCommand
from django.db import transaction

from pathways.reminders import scan_deadlines


class _DryRunRollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Envoie maintenant les rappels de délais dus (ce que fait la tâche périodique). "
        "Se termine par la ligne « sent: N, skipped: M »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="N'envoie rien : affiche ce qui serait envoyé.",
        )
        parser.add_argument("--limit", type=int, default=None, help="Nombre maximal de rappels.")
        parser.add_argument("--batch-size", type=int, default=None, help="Rappels par lot.")

    def handle(self, *args, dry_run=False, limit=None, batch_size=None, verbosity=1, **options):
        describe = dry_run or verbosity > 1
        if dry_run:
            # The real scan, in one transaction rolled back at the end: what it
            # prints is exactly what a scan would send now; the emails, queued
            # on commit, are dropped with the rollback.
            try:
                with transaction.atomic():
                    result = scan_deadlines(limit=limit, batch_size=batch_size, describe=True)
                    raise _DryRunRollback
            except _DryRunRollback:
                pass
            self.stdout.write("dry run: nothing was sent; a scan now would send:")
        else:
            result = scan_deadlines(limit=limit, batch_size=batch_size, describe=describe)
        if describe:
            for line in result.lines:
                self.stdout.write(line)
        self.stdout.write(result.summary)
