import pytest
from django.db import transaction

from stats.figures import Filters
from tests.stats.world import END, START, TODAY, build_stat_world


@pytest.fixture(scope="module")
def stat_world(django_db_setup, django_db_blocker):
    """Built once per module, in a transaction rolled back at the end; each
    test runs in its own savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_stat_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def nord_filters(stat_world):
    def make(**changes):
        values = {
            "departement_id": stat_world.departement.pk,
            "territory_ids": (stat_world.nord.pk,),
            "start": START,
            "end": END,
            "today": TODAY.date(),
        }
        values.update(changes)
        return Filters(**values)

    return make


@pytest.fixture
def worker_id(request):
    """xdist's worker name (the real worker's queue), also without xdist."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")
