import pytest
from django.utils import translation

from caseload.perms import forget_scope


def pytest_collection_modifyitems(items):
    """Every test may use the database; browser and worker tests mark
    themselves `django_db(transaction=True)`."""
    for item in items:
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture
def login(client):
    """Log a staff profile's user in the test client and return the client."""

    def _login(profile):
        user = profile.user if hasattr(profile, "user") else profile
        forget_scope(user)
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def french_by_default(settings):
    """Each test starts in the site's language: a request in English made by
    an earlier test on the same worker leaves its language active in the
    thread, which would otherwise change what later tests render."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
