import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app


@pytest.fixture
def celery_worker(worker_id):
    """A real Celery worker, in a thread, consuming from Redis.

    Each xdist process gets its own queue so parallel test processes never
    take each other's tasks.
    """
    queue = f"tests-{worker_id}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    celery_app.amqp.queues.select_add(queue)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        celery_app.conf.task_default_queue = previous_queue
