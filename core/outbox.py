"""What every outbox of the project shares (the staff's emails in
`pathways.notifications`, the messages to people in `appointments.outbox`):
rows written in the database first, claimed one at a time with
`SELECT … FOR UPDATE SKIP LOCKED`, retried with exponential backoff."""

import datetime

from django.db import transaction


def backoff(attempts, *, base_seconds=60, max_seconds=3600):
    """Delay before the next attempt after `attempts` failures."""
    seconds = base_seconds * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, max_seconds))


def send_due(*, due, send_one, limit):
    """Send the rows of the queryset `due` (still due when claimed), each in
    its own transaction: `send_one(row)` gets the locked row and returns True
    when sent, False when it failed or was skipped. Another process sending
    a row at the same moment is left alone (skip locked). Returns
    (sent, not sent)."""
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    sent = failed = 0
    for pk in ids:
        with transaction.atomic():
            row = due.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
            if row is None:
                continue
            if send_one(row):
                sent += 1
            else:
                failed += 1
    return sent, failed
