import pytest

from tests.beneficiaries.records import record_followed_by_every_role
from tests.caseload.world import world  # noqa: F401  (fixture shared by the scoping tests)


@pytest.fixture
def record(db):
    """A person with a NIR and a health note, followed by one staff member of
    each referent role; a manager of the territory; an admin of the Département."""
    return record_followed_by_every_role()
