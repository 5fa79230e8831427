"""python manage.py import_applicants FILE [--mapping NAME] [--dry-run] [--kind contacts]

`--kind contacts` reads a CAF contact file (phones and emails of people
already known; nobody is created); without it the kind is detected from the
file's columns.

The same engine as the browser import. Prints the rejected rows and the
warnings, then ends with one line that scripts rely on:

    created: N, updated: N, unchanged: N, rejected: N

Exit code 0 when the file could be read (rejected rows are reported, not
fatal); 1 with a French message when it cannot be read or its columns are
missing.
"""

import secrets
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from caseload.models import Departement
from intake.enums import ImportKind, ImportPhase, ImportStatus, IssueSeverity
from intake.imports import reading
from intake.imports.columns import guess_columns, is_contact_file
from intake.imports.engine import ImportEngine, Issue, MemoryRecorder
from intake.imports.jobs import DatabaseRecorder
from intake.models import ApplicantImport, ColumnMapping, ImportRowIssue


class Command(BaseCommand):
    help = "Importe un fichier de demandeurs du RSA (CSV ou XLSX) de la CAF ou du Département."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV ou XLSX")
        parser.add_argument("--mapping", help="nom d'une correspondance de colonnes enregistrée")
        parser.add_argument("--dry-run", action="store_true", help="analyser sans rien enregistrer")
        parser.add_argument(
            "--departement",
            help="code du Département (obligatoire quand la base en compte plusieurs)",
        )
        parser.add_argument("--sheet", default="", help="feuille du classeur XLSX")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument(
            "--kind",
            choices=[choice.value for choice in ImportKind],
            default="",
            help="people : demandeurs ; contacts : coordonnées CAF des personnes connues "
            "(détecté d'après les colonnes quand absent)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Le fichier « {path} » est introuvable.")
        departement = self._departement(options["departement"])
        saved = None
        if options["mapping"]:
            saved = ColumnMapping.objects.filter(
                departement=departement, name=options["mapping"]
            ).first()
            if saved is None:
                raise CommandError(
                    f"Aucune correspondance de colonnes « {options['mapping']} » "
                    f"pour le Département {departement.code}."
                )
        applicant_import = None
        with path.open("rb") as fileobj:
            try:
                info = reading.detect(fileobj)
                sheet = options["sheet"] or (
                    reading.best_sheet(fileobj, info.sheet_names) if info.kind == "xlsx" else ""
                )
                headers = reading.read_headers(fileobj, info, sheet)
                columns = guess_columns(headers, saved.columns if saved else None)
                kind = options["kind"] or (
                    ImportKind.CONTACTS if is_contact_file(headers) else ImportKind.PEOPLE
                )
                recorder, applicant_import = self._recorder(
                    options, departement, path, info, sheet, headers, columns, saved, kind
                )
                ImportEngine(
                    departement=departement,
                    fileobj=fileobj,
                    info=info,
                    columns=columns,
                    sheet_name=sheet,
                    dry_run=options["dry_run"],
                    recorder=recorder,
                    batch_size=options["batch_size"],
                    label="import en ligne de commande",
                    kind=kind,
                ).run()
            except reading.UnreadableFile as exc:
                self._finish(applicant_import, ImportStatus.FAILED, str(exc))
                raise CommandError(str(exc)) from exc
            except BaseException:
                self._finish(applicant_import, ImportStatus.FAILED, "Import interrompu.")
                raise
        self._finish(applicant_import, ImportStatus.DONE)
        issues = (
            recorder.issues if applicant_import is None else self._stored_issues(applicant_import)
        )
        for issue in sorted(issues, key=lambda i: (i.line_number, i.severity)):
            label = "rejetée" if issue.severity == IssueSeverity.ERROR else "avertissement"
            reasons = " ; ".join(f"{column} : {reason}" for column, reason in issue.problems)
            self.stdout.write(f"ligne {issue.line_number} ({label}) — {reasons}")
        if options["dry_run"]:
            self.stdout.write("Analyse seule : rien n'a été enregistré.")
        self.stdout.write(recorder.counts.summary())

    def _finish(self, applicant_import, status, message=""):
        if applicant_import is not None:
            ApplicantImport.objects.filter(pk=applicant_import.pk).update(
                status=status, error_message=message[:500], finished_at=timezone.now()
            )

    def _departement(self, code):
        if code:
            departement = Departement.objects.filter(code=code).first()
            if departement is None:
                raise CommandError(f"Le Département « {code} » n'existe pas.")
            return departement
        departements = list(Departement.objects.all()[:2])
        if len(departements) != 1:
            raise CommandError(
                "Précisez le Département avec --departement CODE "
                f"(la base en compte {Departement.objects.count()})."
            )
        return departements[0]

    def _recorder(self, options, departement, path, info, sheet, headers, columns, saved, kind):
        if options["dry_run"]:
            return MemoryRecorder(), None
        with transaction.atomic():
            applicant_import = ApplicantImport.objects.create(
                departement=departement,
                token=secrets.token_hex(16),
                file_name=path.name[-255:],
                file_kind=info.kind,
                file_size=path.stat().st_size,
                encoding=info.encoding,
                separator=info.separator,
                sheet_names=info.sheet_names,
                sheet_name=sheet,
                headers=headers,
                columns=columns,
                kind=kind,
                mapping=saved,
                status=ImportStatus.RUNNING,
                phase=ImportPhase.RUN,
                phase_started_at=timezone.now(),
            )
        return DatabaseRecorder(applicant_import, ImportPhase.RUN), applicant_import

    def _stored_issues(self, applicant_import):
        return [
            Issue(
                line_number=row.line_number,
                severity=row.severity,
                problems=[(p["column"], p["reason"]) for p in row.problems],
                cells=row.cells,
            )
            for row in ImportRowIssue.objects.filter(applicant_import=applicant_import).order_by(
                "line_number", "pk"
            )
        ]
