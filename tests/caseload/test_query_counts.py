"""The team page runs the same number of queries whatever the team's size."""

import itertools
from decimal import Decimal

import pytest

from beneficiaries.models import Beneficiary
from caseload.enums import Programme, StaffRole
from caseload.models import Assignment
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import StaffProfileFactory, StructureFactory, TerritoryFactory

# session, user, scope (staff profile, territories), staff with loads, caps
TEAM_QUERIES = 6

ROLES = itertools.cycle(
    [StaffRole.SOCIOPRO_REFERENT, StaffRole.SOCIAL_WORKER, StaffRole.PE_ADVISOR]
)
RATIOS = itertools.cycle([Decimal("1.00"), Decimal("0.80"), Decimal("0.50")])


def team_with_assignments(size):
    """A manager and `size` staff of mixed roles and working times, each
    following people in every programme."""
    structure = StructureFactory()
    territory = TerritoryFactory(departement=structure.departement)
    staff = [
        StaffProfileFactory(
            structure=structure,
            territories=[territory],
            role=next(ROLES),
            part_time_ratio=next(RATIOS),
        )
        for _ in range(size)
    ]
    people = Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build_batch(
            size * 3, departement=structure.departement, territory=territory
        )
    )
    Assignment.objects.bulk_create(
        Assignment(beneficiary=person, staff=member, programme=programme)
        for (member, programme), person in zip(
            itertools.product(staff, Programme), people, strict=True
        )
    )
    return StaffProfileFactory(structure=structure, territories=[territory], manager=True)


@pytest.mark.parametrize("size", [3, 30])
def test_the_team_page_takes_the_same_queries_at_any_size(login, django_assert_num_queries, size):
    client = login(team_with_assignments(size))

    with django_assert_num_queries(TEAM_QUERIES):
        response = client.get("/equipe/")

    assert len(response.context["rows"]) == size
