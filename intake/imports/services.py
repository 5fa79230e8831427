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
from django.db.models import F
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from beneficiaries.services import access_logs_record_bulk
from core.logs import log_failure
from intake import tasks
from intake.enums import ImportKind, ImportPhase, ImportStatus, IssueSeverity, MatchDecision
from intake.imports import reading
from intake.imports.columns import guess_columns, is_contact_file
from intake.imports.jobs import open_upload
from intake.models import (
    ApplicantImport,
    ColumnMapping,
    ImportMatchDecision,
    ImportRowChange,
    ImportRowFix,
    ImportRowIssue,
)

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
        kind=ImportKind.CONTACTS if is_contact_file(headers) else ImportKind.PEOPLE,
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
    applicant_import.kind = ImportKind.CONTACTS if is_contact_file(headers) else ImportKind.PEOPLE
    applicant_import.save(update_fields=["sheet_name", "headers", "columns", "kind"])


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


# --- Saved column mappings -----------------------------------------------------------


def mapping_rename(*, mapping, name, acting_user):
    """A saved mapping under a new name, unique in its Département (a French
    ValidationError otherwise)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Indiquez un nom.")}, code="required")
    if (
        ColumnMapping.objects.filter(departement_id=mapping.departement_id, name=name)
        .exclude(pk=mapping.pk)
        .exists()
    ):
        raise ValidationError(
            {"name": _("Une correspondance de ce nom existe déjà.")}, code="unique"
        )
    mapping.name = name
    mapping.updated_by = acting_user
    mapping.save(update_fields=["name", "updated_by", "updated_at"])
    return mapping


def mapping_delete(*, mapping):
    """Forget a saved mapping; the imports that used it keep their columns."""
    mapping.delete()


# --- Fixing a rejected row in the dry run ----------------------------------------------


def _locked_for_dry_run(applicant_import, message):
    locked = (
        ApplicantImport.objects.select_for_update(of=("self",))
        .select_related("departement")
        .filter(pk=applicant_import.pk, status=ImportStatus.ANALYSED, phase=ImportPhase.DRY_RUN)
        .first()
    )
    if locked is None:
        raise ValidationError(message, code="not_analysed")
    return locked


def _decisions(applicant_import):
    return {
        line: (pk, decision == MatchDecision.SAME)
        for line, pk, decision in ImportMatchDecision.objects.filter(
            applicant_import=applicant_import
        ).values_list("line_number", "beneficiary_id", "decision")
    }


def _other_rows_keys(applicant_import, line_number):
    """The identity keys (NIR; allocation number + role) of the file's rows
    other than `line_number` that the dry run accepted (rows fixed since:
    their corrected cells), key → line, read again from the upload."""
    from intake.imports.engine import KIND_PEOPLE
    from intake.imports.validation import RowChecker

    rejected = set(
        ImportRowIssue.objects.filter(
            applicant_import=applicant_import,
            phase=ImportPhase.DRY_RUN,
            severity=IssueSeverity.ERROR,
        ).values_list("line_number", flat=True)
    )
    fixes = dict(
        ImportRowFix.objects.filter(applicant_import=applicant_import).values_list(
            "line_number", "cells"
        )
    )
    columns = {
        key: field
        for key, field in applicant_import.columns.items()
        if field in ("nir", "caf_number", "household_role")
    }
    if not columns:
        return {}
    info = reading.FileInfo(
        kind=applicant_import.file_kind,
        encoding=applicant_import.encoding,
        separator=applicant_import.separator,
    )
    seen = {}
    with open_upload(applicant_import) as fileobj:
        headers, rows = reading.iter_rows(fileobj, info, applicant_import.sheet_name)
        checker = RowChecker(
            headers,
            columns,
            required=(),
            nir_finds=applicant_import.kind == KIND_PEOPLE,
        )
        for row in rows:
            if row.line_number == line_number or row.line_number in rejected:
                continue
            checked = checker.check(fixes.get(row.line_number, row.cells))
            values = checked.values
            if checked.errors:
                continue
            if values.get("nir"):
                seen.setdefault(("nir", values["nir"]), row.line_number)
            if values.get("caf_number"):
                seen.setdefault(
                    ("caf", values["caf_number"], values["household_role"]), row.line_number
                )
    return seen


def _recheck(locked, issue, cells, *, seen=None):
    """The row checked and matched again as the dry run does: the recorder."""
    from intake.imports.engine import ImportEngine, MemoryRecorder

    engine = ImportEngine(
        departement=locked.departement,
        fileobj=None,
        info=None,
        columns=locked.columns,
        dry_run=True,
        recorder=MemoryRecorder(),
        kind=locked.kind,
        label=f"import n° {locked.pk}",
        decisions=_decisions(locked),
    )
    return engine.check_one(locked.headers, issue.line_number, cells, seen=seen)


def _row_passed(locked, issue, recorder):
    """A rejected row that now passes: it leaves the report, what it does
    joins it, and the dry run's counts follow."""
    ImportRowIssue.objects.filter(pk=issue.pk).delete()
    counts = recorder.counts
    ImportRowChange.objects.bulk_create(
        ImportRowChange(
            applicant_import=locked,
            phase=ImportPhase.DRY_RUN,
            kind=outcome.kind,
            line_number=outcome.line_number,
            beneficiary_id=outcome.beneficiary_id,
            name=outcome.name[:310],
            changes=[
                {"field": label, "old": old, "new": new} for label, old, new in outcome.changes
            ],
        )
        for outcome in recorder.outcomes
    )
    for warning in recorder.issues:
        ImportRowIssue.objects.create(
            applicant_import=locked,
            phase=ImportPhase.DRY_RUN,
            severity=IssueSeverity.WARNING,
            line_number=warning.line_number,
            problems=[{"column": c, "reason": r} for c, r in warning.problems],
            cells=warning.cells,
        )
    ApplicantImport.objects.filter(pk=locked.pk).update(
        rejected_count=F("rejected_count") - 1,
        created_count=F("created_count") + counts.created,
        updated_count=F("updated_count") + counts.updated,
        unchanged_count=F("unchanged_count") + counts.unchanged,
        warning_count=F("warning_count") + counts.warnings,
    )


def _errors(recorder):
    return [
        problem
        for issue in recorder.issues
        if issue.severity == IssueSeverity.ERROR
        for problem in issue.problems
    ]


@transaction.atomic
def import_row_fix(*, applicant_import, issue, cells, acting_user):
    """An admin corrects the cells of a row the dry run rejected, without
    uploading the file again. The row is checked again — its cells, then the
    people it designates, as the import will, and against the file's other
    rows (the same NIR, or the same allocation number and role, as another
    accepted row is a duplicate) — and when it passes, the fix is kept
    (`ImportRowFix`: before, after, who, when), the rejection leaves the
    report and the dry run's counts follow. Returns the problems
    [(column, reason)] that still reject the row (nothing is kept then)."""
    locked = _locked_for_dry_run(
        applicant_import,
        _("Cet import n'est plus à l'étape de l'analyse : la ligne ne peut plus être corrigée."),
    )
    cells = [str(cell or "").strip() for cell in cells][: len(locked.headers)]
    cells += [""] * (len(locked.headers) - len(cells))
    seen = _other_rows_keys(locked, issue.line_number) if locked.file else {}
    recorder = _recheck(locked, issue, cells, seen=seen)
    errors = _errors(recorder)
    if errors:
        return errors
    ImportRowFix.objects.update_or_create(
        applicant_import=locked,
        line_number=issue.line_number,
        defaults={"original_cells": issue.cells, "cells": cells, "fixed_by": acting_user},
        create_defaults={
            "original_cells": issue.cells,
            "cells": cells,
            "fixed_by": acting_user,
        },
    )
    _row_passed(locked, issue, recorder)
    logger.info("import %s: line %s fixed by user %s", locked.pk, issue.line_number, acting_user.pk)
    return []


def issue_candidate(issue):
    """The person a row "à confirmer" proposes (its pk), or None."""
    for problem in issue.problems or ():
        if isinstance(problem, dict) and problem.get("candidate"):
            return problem["candidate"]
    return None


@transaction.atomic
def import_match_decide(*, applicant_import, issue, decision, acting_user):
    """The admin's answer to a row "à confirmer" (a person of the same
    names and birth date already recorded): `MatchDecision.SAME` → the
    import updates that person, `DIFFERENT` → it creates a new one. Kept
    (`ImportMatchDecision`, with its history) and traced in the proposed
    person's access log; the row is checked again with the decision and,
    when it passes, leaves the rejected rows. Returns the problems that
    still reject the row."""
    locked = _locked_for_dry_run(
        applicant_import,
        _("Cet import n'est plus à l'étape de l'analyse : la ligne ne peut plus être tranchée."),
    )
    candidate = issue_candidate(issue)
    if (
        candidate is None
        or decision not in MatchDecision.values
        or not Beneficiary.objects.filter(pk=candidate, departement=locked.departement).exists()
    ):
        raise ValidationError(
            _("Cette ligne ne propose aucune personne à confirmer."), code="no_candidate"
        )
    ImportMatchDecision.objects.update_or_create(
        applicant_import=locked,
        line_number=issue.line_number,
        defaults={"beneficiary_id": candidate, "decision": decision, "decided_by": acting_user},
        create_defaults={
            "beneficiary_id": candidate,
            "decision": decision,
            "decided_by": acting_user,
        },
    )
    access_logs_record_bulk(
        user=acting_user,
        beneficiary_ids=[candidate],
        detail=(
            f"import n° {locked.pk} : ligne {issue.line_number} "
            + ("rapprochée de la personne" if decision == MatchDecision.SAME else "écartée")
        ),
    )
    fixed = ImportRowFix.objects.filter(applicant_import=locked, line_number=issue.line_number)
    cells = next(iter(fixed.values_list("cells", flat=True)), issue.cells)
    recorder = _recheck(locked, issue, cells)
    errors = _errors(recorder)
    if errors:
        return errors
    _row_passed(locked, issue, recorder)
    logger.info(
        "import %s: line %s decided (%s) by user %s",
        locked.pk,
        issue.line_number,
        decision,
        acting_user.pk,
    )
    return []
