from celery import shared_task
from django.db import transaction

from pathways.notifications import digests_prepare, emails_enqueue, send_emails
from pathways.reminders import scan_deadlines as scan
from pathways.services.deadlines import deadlines_recompute

# `send_emails` is defined beside the services that send the emails; named
# here with the other tasks.
__all__ = ["recompute_deadlines", "scan_deadlines", "send_digests", "send_emails"]


@shared_task(
    name="pathways.tasks.scan_deadlines",
    ignore_result=True,
    time_limit=600,
    soft_time_limit=540,
)
def scan_deadlines():
    """Beat, every few minutes: send the due reminders (see pathways.reminders)."""
    return scan().summary


@shared_task(name="pathways.tasks.send_digests", ignore_result=True, time_limit=600)
def send_digests():
    """Beat, once a day: one digest email per recipient of the notifications
    waiting for it, written to the outbox, then sent."""
    email_ids = digests_prepare()
    transaction.on_commit(lambda: emails_enqueue(email_ids))
    return len(email_ids)


@shared_task(name="pathways.tasks.recompute_deadlines", ignore_result=True, time_limit=1800)
def recompute_deadlines(departement_id=None):
    """After an admin changed a delay setting: recompute open deadlines."""
    return deadlines_recompute(departement_id=departement_id)
