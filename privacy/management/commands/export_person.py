"""python manage.py export_person --caf NUMBER --role ROLE --departement CODE --output DIR

For operators answering an access request (RGPD art. 15) outside the pages:
writes the person's PDF and JSON into DIR (the same files an admin gets from
the person's page), traces the export in the person's access log with its
purpose, and prints the two paths. Health notes are counted, never written
(no user of the command may read them). Exit code 1 with a French message for
an unknown Département or person, a bad household role or a folder that
cannot be written.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beneficiaries.enums import AccessAction, HouseholdRole
from beneficiaries.models import Beneficiary
from beneficiaries.services import access_log_record
from caseload.models import Departement
from core.audit import command_context
from privacy.subject_access import PURPOSE, export_stem, subject_access_files


class Command(BaseCommand):
    help = (
        "Exporte tout ce que l'application détient sur une personne (droit d'accès, "
        "RGPD art. 15) : un PDF et un fichier JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--caf", required=True, help="numéro allocataire")
        parser.add_argument(
            "--role",
            required=True,
            help="rôle dans le foyer : " + ", ".join(HouseholdRole.values),
        )
        parser.add_argument("--departement", required=True, help="code du Département")
        parser.add_argument("--output", required=True, help="dossier où écrire les deux fichiers")

    def handle(self, *args, **options):
        role = options["role"].strip().lower()
        if role not in HouseholdRole.values:
            raise CommandError(
                f"Rôle dans le foyer « {options['role']} » inconnu : "
                f"{' ou '.join(HouseholdRole.values)}."
            )
        departement = Departement.objects.filter(code=options["departement"].strip()).first()
        if departement is None:
            raise CommandError(f"Aucun Département de code « {options['departement']} ».")
        caf = options["caf"].strip()
        person = Beneficiary.objects.filter(
            departement=departement, caf_number=caf, household_role=role
        ).first()
        if person is None:
            raise CommandError(
                f"Aucune personne avec ce numéro allocataire et le rôle « {role} » "
                f"dans le Département {departement.code}."
            )
        output = Path(options["output"])
        if not output.is_dir():
            raise CommandError(f"Le dossier « {output} » n'existe pas.")
        if not os.access(output, os.W_OK | os.X_OK):
            raise CommandError(f"Impossible d'écrire dans le dossier « {output} ».")

        with command_context("export_person"):
            # The export is an access: traced first, so the files list it.
            access_log_record(
                user=None, beneficiary=person, action=AccessAction.EXPORT, detail=PURPOSE
            )
            person, pdf, data = subject_access_files(
                person.pk, generated_by="commande export_person"
            )
            stem = export_stem(person)
            paths = [output / f"{stem}.pdf", output / f"{stem}.json"]
            try:
                for path, content in zip(paths, (pdf, data), strict=True):
                    path.write_bytes(content)
                    path.chmod(0o600)
            except OSError as error:
                raise CommandError(
                    f"Impossible d'écrire dans le dossier « {output} » : {error.strerror}."
                ) from error
        for path in paths:
            self.stdout.write(str(path))
