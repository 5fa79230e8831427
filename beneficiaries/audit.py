"""Reads of the audit trail about one person: who opened their record, and
what changed in it (django-pghistory events, PostgreSQL only)."""

from django.conf import settings
from django.db import connection

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary, RecordAccessLog

# Fields never shown in a history: a health note's text and its disability
# recognition (RQTH / AAH) stay with the people allowed to read health notes.
MASKED_FIELDS = {
    "beneficiaries.HealthNoteHistory": {"text", "content", "body", "disability_recognised"}
}


def recent_readers(person, referent_user_ids, *, limit=None):
    """The last times the person's referents (current or previous: the ids
    given) opened their record, newest first (one query, none without ids)."""
    limit = limit or settings.AUDIT_RECENT_READERS
    return list(
        RecordAccessLog.objects.filter(
            beneficiary_id=person.pk, action=AccessAction.READ, user_id__in=referent_user_ids
        )
        .order_by("-at", "-pk")
        .values("user_id", "at", "detail")[:limit]
    )


def access_rows(person):
    """Every access row of the person, newest first, with the user."""
    return (
        RecordAccessLog.objects.filter(beneficiary_id=person.pk)
        .select_related("user")
        .order_by("-at", "-pk")
    )


def history_available():
    """The change history exists only on PostgreSQL (triggers)."""
    return connection.vendor == "postgresql"


def change_events(person):
    """The change events of the person's row and of every row pointing at them
    (contact, health notes, consent, assignments, pathway, interviews…),
    newest first, each with its old → new values (`pgh_diff`)."""
    from pghistory.models import Events

    return Events.objects.references(Beneficiary(pk=person.pk)).order_by(
        "-pgh_created_at", "-pgh_id"
    )


def masked_diff(event):
    """(field, old, new) of an event, masked fields hidden."""
    masked = MASKED_FIELDS.get(event.pgh_model, set())
    diff = event.pgh_diff or {}
    if not diff and event.pgh_label in ("insert", "delete"):
        diff = {key: [None, value] for key, value in (event.pgh_data or {}).items()}
    return [
        (field, "•••" if field in masked else old, "•••" if field in masked else new)
        for field, (old, new) in sorted(diff.items())
    ]
