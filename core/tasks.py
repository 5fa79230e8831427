import socket

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat


@shared_task(name="core.tasks.record_worker_heartbeat", ignore_result=True)
def record_worker_heartbeat():
    """Written by beat every minute; /healthz reads it to tell whether a worker runs."""
    WorkerHeartbeat.objects.update_or_create(
        name=socket.gethostname(), defaults={"last_seen_at": timezone.now()}
    )
