"""The nightly task on a real Celery worker (Redis): beat enqueues it, the
worker stores the snapshots the dashboard then reads."""

import datetime
import time

import pytest

from core.models import WorkerHeartbeat
from core.tasks import record_worker_heartbeat
from stats.models import Snapshot, SnapshotKind
from stats.tasks import precompute_snapshots
from tests.caseload.factories import DepartementFactory, TerritoryFactory
from tests.core.conftest import celery_worker  # noqa: F401 - the real worker fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for(predicate, timeout=30):
    limit = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < limit, "the worker did not finish in time"
        time.sleep(0.05)


def test_the_worker_stores_the_night_s_snapshots(celery_worker):  # noqa: F811
    departement = DepartementFactory(code="79", name="Nuit")
    territory = TerritoryFactory(departement=departement, name="Centre")
    marker = datetime.datetime.now(tz=datetime.UTC)

    precompute_snapshots.delay()
    record_worker_heartbeat.delay()
    _wait_for(lambda: WorkerHeartbeat.objects.filter(last_seen_at__gte=marker).exists())

    rows = Snapshot.objects.filter(departement=departement)
    assert set(rows.values_list("kind", "scope")) == {
        (kind, str(territory.pk)) for kind in SnapshotKind.values
    }
    assert all(row.computed_at >= marker for row in rows)
