"""Purges of the RGPD delays, and the one sanctioned way to rewrite the audit
tables.

The access log and the change history (django-pghistory's event tables) are
append-only: PostgreSQL triggers refuse UPDATE and DELETE there, and the
application role may only INSERT and SELECT them (`core.db_roles`). The
retention job is the one writer allowed to rewrite them, for two reasons only:
the history of an anonymised person loses what anonymisation removed, and rows
older than `AUDIT_RETENTION_DAYS` are deleted. It does so through
`audit_writes()`:

- as the owner role when `DATABASE_OWNER_URL` is set (the `audit_owner`
  connection, its own transaction), since the application role may not;
- otherwise (one role, the tests) on the usual connection;
- with exactly the append-only triggers of the audit tables ignored
  (`pgtrigger.ignore`), for the statements of this block only.

On SQLite (the embedded mode) there are neither triggers nor roles.
"""

import contextlib
import datetime
import logging
from dataclasses import dataclass

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone
from pghistory.models import Event

from beneficiaries.enums import AccessAction
from beneficiaries.models import RecordAccessLog
from beneficiaries.services import access_log_list
from intake.enums import ImportStatus
from intake.models import ApplicantImport, ImportRowFix, ImportRowIssue
from pathways.models import Notification

logger = logging.getLogger(__name__)

AUDIT_OWNER_ALIAS = "audit_owner"
ACCESS_LOG_TRIGGER = "beneficiaries.RecordAccessLog:access_log_append_only"


def audit_database():
    """The connection the audit tables are rewritten through: the owner's
    when one is configured, otherwise the application's."""
    return AUDIT_OWNER_ALIAS if AUDIT_OWNER_ALIAS in connections.settings else DEFAULT_DB_ALIAS


def history_models():
    """Every event (history) model of django-pghistory."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Event) and model._meta.managed and not model._meta.proxy
    ]


def audit_trigger_uris():
    """The append-only triggers of the audit tables, as pgtrigger names them."""
    uris = [ACCESS_LOG_TRIGGER]
    for model in history_models():
        uris.append(f"{model._meta.app_label}.{model._meta.object_name}:append_only")
    return uris


@contextlib.contextmanager
def audit_writes():
    """A transaction on `audit_database()` in which the retention job may
    UPDATE and DELETE the audit tables. Yields the connection alias."""
    using = audit_database()
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with pgtrigger.ignore(*audit_trigger_uris(), databases=[using]):
                yield using
        else:
            yield using


# --- Purges --------------------------------------------------------------------


@dataclass
class PurgeReport:
    """What one run purged (or would purge, in a dry run)."""

    history_rows: int = 0
    access_rows: int = 0
    import_rows: int = 0
    import_files: int = 0
    notifications: int = 0

    def counts(self):
        return [
            f"historique {self.history_rows}",
            f"accès {self.access_rows}",
            f"lignes d'import {self.import_rows}",
            f"fichiers {self.import_files}",
            f"notifications {self.notifications}",
        ]

    @property
    def total(self):
        return (
            self.history_rows
            + self.access_rows
            + self.import_rows
            + self.import_files
            + self.notifications
        )

    def lines(self, dry_run):
        verb = "à purger" if dry_run else "purgé(e)s"
        return [
            f"historique des modifications {verb} : {self.history_rows}",
            f"traces d'accès {verb} : {self.access_rows}",
            f"lignes d'import rejetées ou signalées {verb} : {self.import_rows}",
            f"fichiers d'import {verb} : {self.import_files}",
            f"notifications {verb} : {self.notifications}",
        ]


def _cutoff(now, days):
    return now - datetime.timedelta(days=days)


def purge_audit(*, now, dry_run=False):
    """Access rows and history rows older than `AUDIT_RETENTION_DAYS`:
    (history rows, access rows) deleted, or counted in a dry run."""
    cutoff = _cutoff(now, settings.AUDIT_RETENTION_DAYS)
    using = audit_database()
    history = 0
    if dry_run:
        for model in history_models():
            history += model.objects.using(using).filter(pgh_created_at__lt=cutoff).count()
        access = RecordAccessLog.objects.using(using).filter(at__lt=cutoff).count()
        return history, access
    with audit_writes() as using:
        for model in history_models():
            history += model.objects.using(using).filter(pgh_created_at__lt=cutoff).delete()[0]
        access = RecordAccessLog.objects.using(using).filter(at__lt=cutoff).delete()[0]
    return history, access


def _expired_imports(now):
    """Imports uploaded more than `IMPORT_FILE_RETENTION_DAYS` ago and no
    longer running."""
    cutoff = _cutoff(now, settings.IMPORT_FILE_RETENTION_DAYS)
    return ApplicantImport.objects.filter(created_at__lt=cutoff).exclude(
        status__in=ImportStatus.in_progress()
    )


def purge_import_rows(*, now, dry_run=False):
    """The original cells of rejected rows (and of rows imported with a
    warning) and of their fixes, with their history copies, once the import
    is older than `IMPORT_FILE_RETENTION_DAYS`. The import keeps its counts."""
    imports = _expired_imports(now).values("pk")
    issues = ImportRowIssue.objects.filter(applicant_import__in=imports)
    fixes = ImportRowFix.objects.filter(applicant_import__in=imports)
    if dry_run:
        return issues.count() + fixes.count()
    with transaction.atomic():
        issue_ids = list(issues.values_list("pk", flat=True))
        fix_ids = list(fixes.values_list("pk", flat=True))
        ImportRowIssue.objects.filter(pk__in=issue_ids).delete()
        ImportRowFix.objects.filter(pk__in=fix_ids).delete()
    if issue_ids or fix_ids:
        # The history keeps a copy of each deleted row: it goes too.
        with audit_writes() as using:
            for model, ids in ((ImportRowIssue, issue_ids), (ImportRowFix, fix_ids)):
                for event_model in model.pgh_event_models.values():
                    event_model.objects.using(using).filter(pgh_obj_id__in=ids).delete()
    return len(issue_ids) + len(fix_ids)


def purge_import_files(*, now, dry_run=False):
    """Uploaded files of imports older than `IMPORT_FILE_RETENTION_DAYS`
    (normally deleted at the end of the import; this catches the rest)."""
    imports = _expired_imports(now).exclude(file="")
    if dry_run:
        return imports.count()
    purged = 0
    for applicant_import in imports.only("pk", "file"):
        storage = applicant_import.file.storage
        name = applicant_import.file.name
        try:
            if storage.exists(name):
                storage.delete(name)
        except OSError:
            logger.exception("import file %s could not be deleted", applicant_import.pk)
            continue
        ApplicantImport.objects.filter(pk=applicant_import.pk).update(file="")
        purged += 1
    return purged


def purge_notifications(*, now, dry_run=False):
    """Notifications older than `NOTIFICATION_RETENTION_DAYS`."""
    cutoff = _cutoff(now, settings.NOTIFICATION_RETENTION_DAYS)
    notifications = Notification.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return notifications.count()
    count = notifications.count()
    notifications.delete()
    return count


def purge_all(*, now=None, dry_run=False):
    """Every purge of the delays, as one report."""
    now = now or timezone.now()
    report = PurgeReport()
    report.import_rows = purge_import_rows(now=now, dry_run=dry_run)
    report.import_files = purge_import_files(now=now, dry_run=dry_run)
    report.notifications = purge_notifications(now=now, dry_run=dry_run)
    report.history_rows, report.access_rows = purge_audit(now=now, dry_run=dry_run)
    if not dry_run and report.total:
        # The purge is traced in the access log it has just purged.
        access_log_list(
            user=None,
            detail="purge des délais de conservation : " + ", ".join(report.counts()),
            row_count=report.total,
            action=AccessAction.CHANGE,
        )
    return report


# --- History of anonymised people -------------------------------------------------


def _event_ids(model, beneficiary_ids, using):
    """Ids of the rows of `model` that belong to these people, live or only
    left in the history (deleted since)."""
    ids = set()
    if model._meta.label == "beneficiaries.Beneficiary":
        return set(beneficiary_ids)
    ids.update(
        model.objects.using(using)
        .filter(beneficiary_id__in=beneficiary_ids)
        .values_list("pk", flat=True)
    )
    for event_model in getattr(model, "pgh_event_models", {}).values():
        ids.update(
            event_model.objects.using(using)
            .filter(beneficiary_id__in=beneficiary_ids)
            .values_list("pgh_obj_id", flat=True)
        )
    return ids


def history_scrub(*, rules, beneficiary_ids, birth_dates, using):
    """Apply the anonymisation `rules` to the history rows of these people.

    `rules` is `privacy.retention.ANONYMISATION_RULES`: (model, path to the
    person, replacement values). `birth_dates` maps each person to the date
    that replaces their birth date. Runs inside `audit_writes()`."""
    rows = 0
    for model, path, values in rules:
        event_models = getattr(model, "pgh_event_models", {}).values()
        if not event_models:
            continue
        if path is None:
            condition = Q(pgh_obj_id__in=beneficiary_ids)
        elif "__" not in path:
            condition = Q(**{f"{path}_id__in": beneficiary_ids})
        else:
            parent_field, _rest = path.split("__", 1)
            parent = model._meta.get_field(parent_field).related_model
            parent_ids = _event_ids(parent, beneficiary_ids, using)
            condition = Q(**{f"{parent_field}_id__in": parent_ids})
        for event_model in event_models:
            events = event_model.objects.using(using).filter(condition)
            if values:
                rows += events.update(**values)
            if path is None:
                for person_id, birth_date in birth_dates.items():
                    event_model.objects.using(using).filter(pgh_obj_id=person_id).update(
                        birth_date=birth_date
                    )
    return rows
