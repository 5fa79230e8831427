"""Writes of applicant imports: the life of an `ApplicantImport`, from the
upload to the report. The admin's steps, called by the views; the work they
start in the background is in `intake.imports.jobs`.

Statuses: uploaded → (columns chosen) analysing → analysed → (confirmed)
queued → running → done; failed when the file cannot be read or the import
stops on an error; cancelled by the admin before confirming. Every change of
status is a guarded UPDATE (`filter(status=expected)`), so a double click or
a task delivered twice does nothing the second time. The uploaded file is
deleted as soon as the import is done, failed or cancelled.
"""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from core.logs import log_failure
from intake import tasks
from intake.enums import ImportPhase, ImportStatus
from intake.imports import reading
from intake.imports.columns import guess_columns
from intake.imports.jobs import open_upload
from intake.models import ApplicantImport, ColumnMapping

logger = logging.getLogger(__name__)


def import_upload(*, acting_user, departement, uploaded_file, mapping=None):
    """Store an uploaded file, detect its kind by content and read its
    headers. Raises ValidationError (French) when it cannot be read; nothing
    is kept then."""
    try:
        info = reading.detect(uploaded_file)
        sheet_name = (
            reading.best_sheet(uploaded_file, info.sheet_names) if info.kind == "xlsx" else ""
        )
        headers = reading.read_headers(uploaded_file, info, sheet_name)
    except reading.UnreadableFile as exc:
        raise ValidationError(str(exc), code="unreadable") from exc
    uploaded_file.seek(0)
    applicant_import = ApplicantImport(
        departement=departement,
        token=secrets.token_hex(16),
        file_name=(uploaded_file.name or "fichier")[-255:],
        file_kind=info.kind,
        file_size=uploaded_file.size or 0,
        encoding=info.encoding,
        separator=info.separator,
        sheet_names=info.sheet_names,
        sheet_name=sheet_name,
        headers=headers,
        columns=guess_columns(headers, mapping.columns if mapping else None),
        mapping=mapping,
        created_by=acting_user,
    )
    applicant_import.file.save(applicant_import.token, uploaded_file, save=False)
    try:
        applicant_import.save()
    except Exception:
        applicant_import.file.delete(save=False)
        raise
    return applicant_import


def import_change_sheet(*, applicant_import, sheet_name):
    """Another sheet of the workbook: its headers, guessed again."""
    with open_upload(applicant_import) as fileobj:
        try:
            headers = reading.read_headers(fileobj, reading.FileInfo(kind="xlsx"), sheet_name)
        except reading.UnreadableFile as exc:
            raise ValidationError(str(exc), code="unreadable") from exc
    saved = applicant_import.mapping.columns if applicant_import.mapping else None
    applicant_import.sheet_name = sheet_name
    applicant_import.headers = headers
    applicant_import.columns = guess_columns(headers, saved)
    applicant_import.save(update_fields=["sheet_name", "headers", "columns"])


@transaction.atomic
def import_analyse_request(*, applicant_import, acting_user, columns, save_as=""):
    """The admin has checked the columns: save them (and the source's
    mapping when named) and start the dry run in the background."""
    if save_as:
        mapping, _created = ColumnMapping.objects.update_or_create(
            departement=applicant_import.departement,
            name=save_as,
            defaults={"columns": columns, "updated_by": acting_user},
        )
        applicant_import.mapping = mapping
    applicant_import.columns = columns
    applicant_import.save(update_fields=["columns", "mapping"])
    started = ApplicantImport.objects.filter(
        pk=applicant_import.pk, status=ImportStatus.UPLOADED
    ).update(
        status=ImportStatus.ANALYSING,
        phase=ImportPhase.DRY_RUN,
        phase_started_at=None,
        error_message="",
        touched_at=Now(),
    )
    if started:
        transaction.on_commit(
            lambda: _enqueue(
                tasks.analyse_import,
                applicant_import,
                sent=ImportStatus.ANALYSING,
                back_to=ImportStatus.UPLOADED,
                message=_(
                    "L'analyse n'a pas pu être lancée : le service des tâches en arrière-plan "
                    "ne répond pas. Rien n'est perdu : relancez l'analyse dans quelques "
                    "minutes, ou annulez l'import."
                ),
            )
        )
    return bool(started)


@transaction.atomic
def import_confirm(*, applicant_import, acting_user):
    """The admin confirms after reading the dry run: queue the import."""
    queued = ApplicantImport.objects.filter(
        pk=applicant_import.pk, status=ImportStatus.ANALYSED
    ).update(
        status=ImportStatus.QUEUED, confirmed_by=acting_user, error_message="", touched_at=Now()
    )
    if queued:
        transaction.on_commit(
            lambda: _enqueue(
                tasks.run_import,
                applicant_import,
                sent=ImportStatus.QUEUED,
                back_to=ImportStatus.ANALYSED,
                message=_(
                    "L'import n'a pas pu être lancé : le service des tâches en arrière-plan "
                    "ne répond pas. Rien n'a été enregistré : confirmez de nouveau dans "
                    "quelques minutes, ou annulez l'import."
                ),
            )
        )
    return bool(queued)


def _enqueue(task, applicant_import, *, sent, back_to, message):
    """Send the task; when the broker cannot take it, the import goes back
    to the step before (`back_to`) with a French message, so that the admin
    can try again or cancel — never left waiting for a task that was never
    sent."""
    try:
        task.delay(applicant_import.pk)
    except Exception as exc:  # noqa: BLE001 - kombu, redis and socket errors alike
        log_failure(logger, "import %s could not be queued", applicant_import.pk, exc=exc)
        ApplicantImport.objects.filter(pk=applicant_import.pk, status=sent).update(
            status=back_to, error_message=message, touched_at=Now()
        )
        return False
    return True
