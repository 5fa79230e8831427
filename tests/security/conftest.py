"""Two Départements, A and B, each with its reference data and staff, for
the Django admin's escalation tests. The tests act as A's admin."""

from dataclasses import dataclass

import pytest

from caseload.models import CapPolicy
from caseload.services import admin_group
from tests.caseload.factories import (
    BinomeFactory,
    CommuneFactory,
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.pathways.factories import ServiceOfferFactory


@dataclass
class Side:
    departement: object
    territory: object
    commune: object
    structure: object
    admin: object
    nurse: object
    binome: object
    offer: object
    cap_policy: object


def build_side(code, name):
    departement = DepartementFactory(code=code, name=name)
    territory = TerritoryFactory(departement=departement, name=f"Territoire {name}")
    structure = StructureFactory(departement=departement, name=f"Service {name}")
    admin = StaffProfileFactory(
        structure=structure, territories=[], admin=True, user__username=f"admin-{code}"
    )
    admin.user.groups.add(admin_group())
    nurse = StaffProfileFactory(
        structure=structure,
        territories=[territory],
        nurse=True,
        user__username=f"infirmiere-{code}",
    )
    binome = BinomeFactory(
        pe_advisor__structure=structure,
        pe_advisor__territories=[territory],
        social_worker__territories=[territory],
    )
    return Side(
        departement=departement,
        territory=territory,
        commune=CommuneFactory(territory=territory),
        structure=structure,
        admin=admin,
        nurse=nurse,
        binome=binome,
        offer=ServiceOfferFactory(departement=departement, territory=territory),
        cap_policy=CapPolicy.objects.filter(departement=departement).order_by("pk").first(),
    )


@pytest.fixture
def a():
    return build_side("45", "Loiret")


@pytest.fixture
def b():
    return build_side("10", "Aube")


@pytest.fixture
def operator():
    return UserFactory(username="operatrice", is_staff=True, is_superuser=True)


@pytest.fixture
def as_admin(login, a):
    """The test client logged in as A's admin."""
    return login(a.admin)
