from celery import shared_task

from pathways.notifications import send_notification_emails
from pathways.reminders import scan_deadlines as scan
from pathways.services.deadlines import deadlines_recompute

# Defined beside the services that send the emails; named here with the other tasks.
__all__ = ["recompute_deadlines", "scan_deadlines", "send_notification_emails"]


@shared_task(
    name="pathways.tasks.scan_deadlines",
    ignore_result=True,
    time_limit=600,
    soft_time_limit=540,
)
def scan_deadlines():
    """Beat, every few minutes: send the due reminders (see pathways.reminders)."""
    return scan().summary


@shared_task(name="pathways.tasks.recompute_deadlines", ignore_result=True, time_limit=1800)
def recompute_deadlines(departement_id=None):
    """After an admin changed a delay setting: recompute open deadlines."""
    return deadlines_recompute(departement_id=departement_id)
