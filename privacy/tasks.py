from celery import shared_task

from core.audit import command_context
from privacy.retention import apply_retention as run_retention


@shared_task(name="privacy.apply_retention", ignore_result=True, time_limit=1800)
def apply_retention():
    """Beat, every night: anonymise the records past their retention delay,
    then purge the access log, the history, import rows and files and the
    notifications past theirs (privacy.retention, privacy.purges)."""
    with command_context("privacy.apply_retention"):
        result = run_retention()
    return result.anonymised
