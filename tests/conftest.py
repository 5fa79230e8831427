import pytest

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
