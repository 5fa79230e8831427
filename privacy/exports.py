"""Files made with personal data for one user, downloaded through an
expiring link: written to private storage (`STORAGES["exports"]`) under an
opaque id, served to their owner only until `EXPORT_LINK_VALIDITY_HOURS`
after they were made, then deleted with their row by the beat
(`purge_expired_exports`).

Only the access export (`privacy.subject_access`) stores a file. The other
files the application produces with personal data (rejected import rows,
statistics tables, convocation letters) are made on request and streamed to
the user who asked, never written to disk: see docs/rgpd.md.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from privacy.models import ExportFile

logger = logging.getLogger(__name__)

PURGE_BATCH = 500


def export_file_create(*, owner, kind, content: bytes, filename, content_type, beneficiary=None):
    """Store `content` for `owner` behind an expiring link. A file whose row
    never made it (a transaction rolled back) is deleted by the purge."""
    created_at = timezone.now()
    export = ExportFile(
        created_at=created_at,
        expires_at=created_at + datetime.timedelta(hours=settings.EXPORT_LINK_VALIDITY_HOURS),
        owner=owner,
        kind=kind,
        beneficiary=beneficiary,
        filename=filename,
        content_type=content_type,
        size=len(content),
    )
    export.file.save(export.extension or "export", ContentFile(content), save=False)
    export.save()
    return export


def export_files_of(user):
    """The user's files, newest first: those still downloadable and those
    expired but not yet purged (shown as such). One query."""
    return list(
        ExportFile.objects.owned_by(user)
        .select_related("beneficiary")
        .order_by("-created_at", "-pk")
    )


def export_mark_downloaded(export, *, now=None):
    """The first download's time, kept for the list ("téléchargé le")."""
    if export.downloaded_at is None:
        export.downloaded_at = now or timezone.now()
        ExportFile.objects.filter(pk=export.pk, downloaded_at__isnull=True).update(
            downloaded_at=export.downloaded_at
        )
    return export


def exports_purge_expired(*, now=None, limit=PURGE_BATCH):
    """Delete the expired files and their rows, and any stored file left
    without a row for longer than a link's validity; returns how many rows."""
    now = now or timezone.now()
    purged = 0
    while True:
        batch = list(ExportFile.objects.expired(now).order_by("expires_at", "pk")[:limit])
        for export in batch:
            if export.file.name:
                export.file.storage.delete(export.file.name)
        ExportFile.objects.filter(pk__in=[e.pk for e in batch]).delete()
        purged += len(batch)
        if len(batch) < limit:
            break
    _delete_orphans(now)
    return purged


def _delete_orphans(now):
    storage = storages["exports"]
    try:
        _folders, names = storage.listdir("")
    except FileNotFoundError:
        return
    known = {
        str(name)
        for name in ExportFile.objects.filter(file__in=names).values_list("file", flat=True)
    }
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_LINK_VALIDITY_HOURS)
    for name in names:
        if name not in known and storage.get_created_time(name) < cutoff:
            storage.delete(name)


@shared_task(name="privacy.purge_expired_exports", ignore_result=True, time_limit=600)
def purge_expired_exports():
    """Beat: the files past their link's validity are deleted with their rows."""
    purged = exports_purge_expired()
    if purged:
        logger.info("expired exports deleted: %s", purged)
    return purged
