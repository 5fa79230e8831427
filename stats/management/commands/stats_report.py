import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stats.figures import computable
from stats.report import departement_filters, headline_report, parse_period, report_csv


class Command(BaseCommand):
    help = (
        "Affiche les indicateurs d'un Département sur une période [début, fin) "
        "(minuit heure de Paris), en JSON ou en CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departement", required=True, help="Code du Département (45, 2A…).")
        parser.add_argument("--start", required=True, help="Premier jour, AAAA-MM-JJ.")
        parser.add_argument("--end", required=True, help="Jour suivant le dernier, AAAA-MM-JJ.")
        parser.add_argument("--format", default="json", help="json (par défaut) ou csv.")

    def handle(self, *args, departement, start, end, format, **options):
        if not computable():
            raise CommandError(
                "Les statistiques se calculent sur PostgreSQL : définissez DATABASE_URL "
                "(postgres://…) ; la base SQLite intégrée ne les permet pas."
            )
        if format not in ("json", "csv"):
            raise CommandError(f"--format : « {format} » inconnu (json ou csv).")
        try:
            start_day, end_day = parse_period(start, end)
            filters = departement_filters(departement, start_day, end_day)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        report = headline_report(filters)
        if format == "csv":
            self.stdout.write(report_csv(report), ending="")
        else:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
