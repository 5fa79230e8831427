import pytest
from django.test import Client
from django.utils import translation

from caseload.perms import forget_scope
from tests.two_factor import mark_verified, needs_second_factor


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


@pytest.fixture(autouse=True)
def second_factor_verified_on_force_login(request, monkeypatch):
    """`client.force_login` of a user whose role requires a second factor
    also marks the session verified, as a code typed after the password would:
    tests of pages are not tests of the login. Tests of the second factor
    itself log in through the form, or are marked `second_factor_unverified`."""
    if request.node.get_closest_marker("second_factor_unverified"):
        return
    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if needs_second_factor(user):
            mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_verified)
