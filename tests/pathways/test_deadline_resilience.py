"""Acceptance: a real `celery -A config worker` process on a private Redis
server, killed with SIGKILL in the middle of a send, and Redis emptied with
reminders pending. Each reminder goes out exactly once.

The Redis server is started for these tests only (its own port), so that
FLUSHALL and the kill touch nothing else. Nothing is slept: the tests poll
the database, Redis and a marker file, each wait bounded.
"""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from kombu import Connection

from config.celery import app as celery_app
from pathways.enums import ReminderStatus
from pathways.models import DeadlineReminder, Notification, NotificationReminder

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)
SCAN = "pathways.tasks.scan_deadlines"


def _wait_for(predicate, timeout, what):
    limit = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < limit, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail(
            "These tests start their own Redis: install redis-server (apt install redis-server)."
        )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    try:
        _wait_for(lambda: _pings(client), 10, "redis-server")
        yield f"redis://127.0.0.1:{port}/0", client
    finally:
        server.terminate()
        server.wait(timeout=10)


def _pings(client):
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def worker_process(private_redis, tmp_path):
    """Start `celery -A config worker` processes on the private Redis and the
    test database; stop (or kill) them at the end."""
    url, _ = private_redis
    processes, logs = [], []

    def _start(**extra_env):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": url,
            # A message of a dead worker comes back after 2 s, looked for every second.
            "CELERY_VISIBILITY_TIMEOUT": "2",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "CONN_MAX_AGE": "0",
            **extra_env,
        }
        log = (tmp_path / f"worker-{len(processes)}.log").open("w")
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool child dies with it
        )
        processes.append(process)
        return process

    yield _start
    for process in processes:
        if process.poll() is None:
            # The test is over and the database is the source of truth: no
            # need for a graceful shutdown.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
    for log in logs:
        log.close()


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _enqueue_scan(url):
    """What beat does on each tick, sent to the private Redis."""
    with Connection(url) as conn:
        celery_app.send_task(SCAN, queue="celery", connection=conn)


def _broker_idle(client):
    """No message waiting, none delivered and not acknowledged."""
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def _people_due_today(new_applicant, referent, count):
    applied = datetime.date.today() - datetime.timedelta(days=8)
    return [new_applicant(followed_by=referent, applied_on=applied) for _ in range(count)]


def test_a_worker_killed_mid_send_then_restarted_sends_the_reminder_once(
    worker_process, private_redis, new_applicant, referent, tmp_path
):
    url, client = private_redis
    _people_due_today(new_applicant, referent, 1)
    marker = tmp_path / "paused"

    first = worker_process(
        DEADLINE_SCAN_TEST_PAUSE_SECONDS="120", DEADLINE_SCAN_TEST_PAUSE_MARKER=str(marker)
    )
    _enqueue_scan(url)
    # The worker claimed the reminder and wrote the notification, uncommitted.
    _wait_for(marker.exists, 60, "the worker to be in the middle of the send")
    # Its message is delivered and not acknowledged (or already put back in the
    # queue by the visibility timeout, when the machine is slow): never lost.
    assert client.hlen("unacked") + client.llen("celery") == 1
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    # Nothing went out: the transaction died with the worker.
    assert not Notification.objects.exists()
    due = DeadlineReminder.objects.filter(step="before_7", deadline__kind="entry")
    assert due.get().status == ReminderStatus.PENDING

    worker_process()  # restarted; the killed worker's message is delivered again
    _wait_for(lambda: due.get().status == ReminderStatus.SENT, 60, "the reminder to be sent")
    _wait_for(lambda: _broker_idle(client), 60, "the redelivered scan to finish")
    _enqueue_scan(url)  # and beat's next tick finds nothing more to send
    _wait_for(lambda: _broker_idle(client), 60, "the next scan to finish")

    assert Notification.objects.filter(reminders=due.get()).count() == 1
    assert Notification.objects.count() == 1


# Beside the other tests that empty Redis or count in it (same worker).
@pytest.mark.xdist_group("redis_flush")
def test_redis_flushall_with_reminders_pending_then_the_next_scan_sends_each_once(
    worker_process, private_redis, new_applicant, referent
):
    url, client = private_redis
    _people_due_today(new_applicant, referent, 5)
    _enqueue_scan(url)
    _enqueue_scan(url)
    assert client.llen("celery") == 2

    client.flushall()  # every queued scan is lost; the reminders are in PostgreSQL
    assert client.dbsize() == 0
    worker_process()
    _enqueue_scan(url)  # beat's next tick
    _enqueue_scan(url)  # and one more, for good measure
    _wait_for(
        lambda: not DeadlineReminder.objects.due(datetime.date.today()).exists(),
        60,
        "every due reminder to be processed",
    )
    _wait_for(lambda: _broker_idle(client), 60, "the scans to finish")

    sent = DeadlineReminder.objects.filter(status=ReminderStatus.SENT)
    assert sent.count() == 5
    # One grouped notification for the referent, each reminder carried once.
    assert sum(Notification.objects.values_list("count", flat=True)) == 5
    assert NotificationReminder.objects.values("reminder").distinct().count() == 5
    assert NotificationReminder.objects.count() == 5
