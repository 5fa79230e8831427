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
    ).update(status=ImportStatus.ANALYSING, phase=ImportPhase.DRY_RUN, phase_started_at=None)
    if started:
        transaction.on_commit(lambda: tasks.analyse_import.delay(applicant_import.pk))
    return bool(started)


@transaction.atomic
def import_confirm(*, applicant_import, acting_user):
    """The admin confirms after reading the dry run: queue the import."""
    queued = ApplicantImport.objects.filter(
        pk=applicant_import.pk, status=ImportStatus.ANALYSED
    ).update(status=ImportStatus.QUEUED, confirmed_by=acting_user)
    if queued:
        transaction.on_commit(lambda: tasks.run_import.delay(applicant_import.pk))
    return bool(queued)
