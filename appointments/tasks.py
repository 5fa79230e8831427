from celery import shared_task

from appointments.outbox import send_messages
from appointments.reminders import reminders_scan

__all__ = ["scan_reminders", "send_messages"]


@shared_task(name="appointments.scan_reminders", ignore_result=True, time_limit=600)
def scan_reminders():
    """Beat: the reminders due to people (state in the database)."""
    return reminders_scan()
