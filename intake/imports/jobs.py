"""The work of applicant imports that runs in the background (Celery tasks
and the `import_applicants` command): the dry run, the import, and the
cancellation of stale uploads. The admin's steps that start them are in
`intake.imports.services`."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest, Now
from django.utils import timezone
from django.utils.translation import gettext as _

from core.logs import log_failure
from intake.enums import ImportPhase, ImportStatus, MatchDecision
from intake.imports import reading
from intake.imports.engine import ImportEngine, Recorder
from intake.models import (
    ApplicantImport,
    ImportMatchDecision,
    ImportRowChange,
    ImportRowFix,
    ImportRowIssue,
)

logger = logging.getLogger(__name__)


class DatabaseRecorder(Recorder):
    """Writes each batch's counts, progress and problem rows to the import, in
    the batch's own transaction."""

    def __init__(self, applicant_import, phase):
        super().__init__()
        self.applicant_import = applicant_import
        self.phase = phase

    def batch_done(self, counts, processed, issues, outcomes=()):
        super().batch_done(counts, processed, issues, outcomes)
        ImportRowChange.objects.bulk_create(
            [
                ImportRowChange(
                    applicant_import=self.applicant_import,
                    phase=self.phase,
                    kind=outcome.kind,
                    line_number=outcome.line_number,
                    beneficiary_id=outcome.beneficiary_id,
                    name=outcome.name[:310],
                    changes=[
                        {"field": label, "old": old, "new": new}
                        for label, old, new in outcome.changes
                    ],
                )
                for outcome in outcomes
            ]
        )
        ImportRowIssue.objects.bulk_create(
            [
                ImportRowIssue(
                    applicant_import=self.applicant_import,
                    phase=self.phase,
                    severity=issue.severity,
                    line_number=issue.line_number,
                    problems=_problems(issue),
                    cells=issue.cells,
                )
                for issue in issues
            ]
        )
        ApplicantImport.objects.filter(pk=self.applicant_import.pk).update(
            processed_rows=F("processed_rows") + processed,
            total_rows=_greatest(F("total_rows"), F("processed_rows") + processed),
            created_count=F("created_count") + counts.created,
            updated_count=F("updated_count") + counts.updated,
            unchanged_count=F("unchanged_count") + counts.unchanged,
            rejected_count=F("rejected_count") + counts.rejected,
            warning_count=F("warning_count") + counts.warnings,
            assigned_count=F("assigned_count") + counts.assigned,
            touched_at=Now(),
        )


def _problems(issue):
    """The problems as stored; a row "à confirmer" names the person proposed
    (for the admin's confirm / reject buttons)."""
    problems = [{"column": c, "reason": r} for c, r in issue.problems]
    if issue.candidate is not None and problems:
        problems[0]["candidate"] = issue.candidate
    return problems


def _greatest(*expressions):
    return Greatest(*expressions)


def open_upload(applicant_import):
    return applicant_import.file.open("rb")


def _engine(applicant_import, fileobj, *, dry_run, recorder):
    return ImportEngine(
        departement=applicant_import.departement,
        fileobj=fileobj,
        info=reading.FileInfo(
            kind=applicant_import.file_kind,
            encoding=applicant_import.encoding,
            separator=applicant_import.separator,
        ),
        columns=applicant_import.columns,
        sheet_name=applicant_import.sheet_name,
        acting_user=applicant_import.confirmed_by or applicant_import.created_by,
        dry_run=dry_run,
        recorder=recorder,
        label=f"import n° {applicant_import.pk}",
        kind=applicant_import.kind,
        fixes=dict(
            ImportRowFix.objects.filter(applicant_import=applicant_import).values_list(
                "line_number", "cells"
            )
        ),
        decisions={
            line: (pk, decision == MatchDecision.SAME)
            for line, pk, decision in ImportMatchDecision.objects.filter(
                applicant_import=applicant_import
            ).values_list("line_number", "beneficiary_id", "decision")
        },
    )


def _reset_counts(**extra):
    return {
        "processed_rows": 0,
        "created_count": 0,
        "updated_count": 0,
        "unchanged_count": 0,
        "rejected_count": 0,
        "warning_count": 0,
        "assigned_count": 0,
        **extra,
    }


def import_analyse(*, import_id):
    """The dry run: every row checked and matched, nothing written but the
    report. Runs in the worker."""
    applicant_import = (
        ApplicantImport.objects.select_related("departement").filter(pk=import_id).first()
    )
    if applicant_import is None or applicant_import.status != ImportStatus.ANALYSING:
        return
    try:
        with open_upload(applicant_import) as fileobj:
            info = reading.FileInfo(
                kind=applicant_import.file_kind,
                encoding=applicant_import.encoding,
                separator=applicant_import.separator,
            )
            total = reading.count_rows(fileobj, info, applicant_import.sheet_name)
            ImportRowIssue.objects.filter(applicant_import=applicant_import).delete()
            ImportRowChange.objects.filter(applicant_import=applicant_import).delete()
            ApplicantImport.objects.filter(pk=import_id).update(
                **_reset_counts(total_rows=total, phase_started_at=timezone.now(), touched_at=Now())
            )
            recorder = DatabaseRecorder(applicant_import, ImportPhase.DRY_RUN)
            _engine(applicant_import, fileobj, dry_run=True, recorder=recorder).run(total=total)
    except reading.UnreadableFile as exc:
        _fail(applicant_import, str(exc))
        return
    except Exception as exc:
        log_failure(logger, "dry run of import %s failed", import_id, exc=exc)
        _fail(applicant_import, _("L'analyse s'est arrêtée sur une erreur inattendue."))
        return
    ApplicantImport.objects.filter(pk=import_id, status=ImportStatus.ANALYSING).update(
        status=ImportStatus.ANALYSED, total_rows=F("processed_rows")
    )


def import_run(*, import_id):
    """The import itself, batch by batch (see engine.py for what a failure
    leaves). A task delivered again after its worker died resumes after the
    rows already committed."""
    applicant_import = (
        ApplicantImport.objects.select_related("departement", "created_by", "confirmed_by")
        .filter(pk=import_id)
        .first()
    )
    if applicant_import is None:
        return
    resume_after = 0
    if applicant_import.status == ImportStatus.QUEUED:
        with transaction.atomic():
            started = ApplicantImport.objects.filter(
                pk=import_id, status=ImportStatus.QUEUED
            ).update(
                **_reset_counts(
                    status=ImportStatus.RUNNING,
                    phase=ImportPhase.RUN,
                    phase_started_at=timezone.now(),
                    touched_at=Now(),
                )
            )
            if not started:
                return
            ImportRowIssue.objects.filter(applicant_import=applicant_import).delete()
            ImportRowChange.objects.filter(applicant_import=applicant_import).delete()
    elif applicant_import.status == ImportStatus.RUNNING:
        resume_after = applicant_import.processed_rows
        logger.warning("import %s resumes after %s rows", import_id, resume_after)
    else:
        return
    applicant_import.refresh_from_db()
    try:
        with open_upload(applicant_import) as fileobj:
            recorder = DatabaseRecorder(applicant_import, ImportPhase.RUN)
            _engine(applicant_import, fileobj, dry_run=False, recorder=recorder).run(
                total=applicant_import.total_rows, resume_after=resume_after
            )
    except reading.UnreadableFile as exc:
        _fail(applicant_import, str(exc))
        return
    except Exception as exc:
        log_failure(logger, "import %s failed", import_id, exc=exc)
        _fail(
            applicant_import,
            _(
                "L'import s'est arrêté sur une erreur inattendue. Les lots déjà enregistrés "
                "sont complets ; déposez de nouveau le fichier pour importer le reste "
                "(les personnes déjà importées seront reconnues)."
            ),
        )
        return
    ApplicantImport.objects.filter(pk=import_id, status=ImportStatus.RUNNING).update(
        status=ImportStatus.DONE, finished_at=timezone.now(), total_rows=F("processed_rows")
    )
    _delete_file(applicant_import)


def import_cancel(*, applicant_import):
    """Cancel an import not yet writing: uploaded, analysed, or waiting for
    (or in) its dry run or its queue — also when the task never got to the
    broker. A dry run still going stops at its next batch's end (its result
    is then ignored); an import already running cannot be cancelled."""
    cancelled = ApplicantImport.objects.filter(
        pk=applicant_import.pk, status__in=ImportStatus.cancellable()
    ).update(status=ImportStatus.CANCELLED, finished_at=timezone.now(), touched_at=Now())
    if cancelled:
        _delete_file(applicant_import)
    return bool(cancelled)


def imports_cancel_stale(*, now=None):
    """Clean every kind of stale import, deleting its file; run by Celery
    beat. An upload never stays on disk because an admin walked away or a
    task was lost:

    - uploaded or analysed, never confirmed for `IMPORT_PENDING_MAX_HOURS`
      after the upload: cancelled;
    - analysing, queued or running with no activity (no status change, no
      batch) for as long: failed, with a French message (a lost task, a
      worker gone);
    - finished with a file still stored (the deletion failed): file deleted.

    Returns the number of imports cancelled or stopped."""
    limit = (now or timezone.now()) - datetime.timedelta(hours=settings.IMPORT_PENDING_MAX_HOURS)
    stale = ApplicantImport.objects.filter(
        status__in=[ImportStatus.UPLOADED, ImportStatus.ANALYSED], created_at__lt=limit
    )
    cleaned = 0
    for applicant_import in stale.order_by("pk"):
        cleaned += import_cancel(applicant_import=applicant_import)
    stalled = ApplicantImport.objects.filter(
        status__in=ImportStatus.in_progress(), touched_at__lt=limit
    )
    for applicant_import in stalled.order_by("pk"):
        stopped = ApplicantImport.objects.filter(
            pk=applicant_import.pk, status=applicant_import.status, touched_at__lt=limit
        ).update(
            status=ImportStatus.FAILED,
            error_message=_(
                "L'import n'avançait plus depuis plus de %(hours)s heures : il a été arrêté et "
                "le fichier supprimé. Les lots déjà enregistrés sont complets ; déposez de "
                "nouveau le fichier (les personnes déjà importées seront reconnues)."
            )
            % {"hours": settings.IMPORT_PENDING_MAX_HOURS},
            finished_at=timezone.now(),
        )
        if stopped:
            _delete_file(applicant_import)
            cleaned += 1
    leftovers = ApplicantImport.objects.filter(status__in=ImportStatus.finished()).exclude(file="")
    for applicant_import in leftovers.order_by("pk"):
        _delete_file(applicant_import)
    return cleaned


def _fail(applicant_import, message):
    # Guarded: an import cancelled during its dry run stays cancelled.
    ApplicantImport.objects.filter(
        pk=applicant_import.pk, status__in=ImportStatus.in_progress()
    ).update(status=ImportStatus.FAILED, error_message=message[:500], finished_at=timezone.now())
    _delete_file(applicant_import)


def _delete_file(applicant_import):
    if applicant_import.file:
        applicant_import.file.delete(save=False)
        ApplicantImport.objects.filter(pk=applicant_import.pk).update(file="")
