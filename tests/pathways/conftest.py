import datetime

import pytest

from caseload.enums import StaffRole
from intake.people import beneficiary_create
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory, TerritoryFactory
from tests.caseload.world import world  # noqa: F401  (fixture shared by the scoping tests)
from tests.core.conftest import celery_worker  # noqa: F401 - the real worker fixture

DAY0 = datetime.date(2026, 3, 2)  # a Monday


@pytest.fixture
def territory():
    return TerritoryFactory()


@pytest.fixture
def referent(territory):
    return StaffProfileFactory(
        structure__departement=territory.departement,
        territories=[territory],
        user__first_name="Camille",
        user__email="camille@example.org",
    )


@pytest.fixture
def manager(territory):
    return StaffProfileFactory(
        role=StaffRole.MANAGER,
        structure__departement=territory.departement,
        territories=[territory],
        user__email="chef@example.org",
    )


@pytest.fixture
def new_applicant(territory):
    """A new applicant created through the real service: a pathway and its
    deadlines; `followed_by` assigns a referent."""
    counter = iter(range(10**6))

    def _new(*, applied_on=DAY0, followed_by=None, person_territory=territory, **fields):
        person = beneficiary_create(
            acting_user=None,
            departement=territory.departement,
            territory=person_territory,
            caf_number=f"{3000000 + next(counter)}",
            household_role="demandeur",
            first_name=fields.pop("first_name", "Maria"),
            last_name=fields.pop("last_name", "Lopez"),
            rsa_application_date=applied_on,
            **fields,
        )
        if followed_by is not None:
            AssignmentFactory(beneficiary=person, staff=followed_by)
        return person

    return _new
