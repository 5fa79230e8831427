import socket
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat
from core.services import notification_emails_send

# Email retries back off exponentially up to 10 minutes, well under the Redis
# visibility timeout (settings.CELERY_BROKER_TRANSPORT_OPTIONS), so that a
# retry waiting for its countdown is never delivered twice.
EMAIL_RETRY_BACKOFF_MAX = 600


@shared_task(name="core.tasks.record_worker_heartbeat", ignore_result=True)
def record_worker_heartbeat():
    """Written by beat every minute; /healthz reads it to tell whether a worker runs."""
    WorkerHeartbeat.objects.update_or_create(
        name=socket.gethostname(), defaults={"last_seen_at": timezone.now()}
    )


@shared_task(
    name="core.tasks.send_notification_emails",
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=EMAIL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=8,
    time_limit=300,
    soft_time_limit=240,
)
def send_notification_emails(notification_ids):
    """Email notifications already shown in the app. A failure retries with
    backoff; the in-app notification never waits for it."""
    notification_emails_send(notification_ids=notification_ids)
