"""Portfolio and record pages run the same number of queries whatever the size
of the data, so an N+1 in a view or a template fails here."""

import factory
import pytest

from beneficiaries.enums import BarrierKind
from tests.beneficiaries.factories import BarrierFactory, BeneficiaryFactory, HealthNoteFactory
from tests.caseload.factories import (
    AssignmentFactory,
    BinomeFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.pathways.factories import (
    DeadlineFactory,
    InterviewFactory,
    PathwayFactory,
    people_with_pathways,
)
from web.workspace.record import RECORD_INTERVIEWS

# session, user, scope (staff profile with its territories, one query), the
# Département's tags (the filter), count, page, the referent's deadlines due
# this week, the list's access row
PORTFOLIO_QUERIES = 8
# session, user, the verified second factor, scope (one query), the
# Département's tags, count, page, the list's access row
MANAGER_PORTFOLIO_QUERIES = 8
# The full record (referent workspace): identity, household, referents,
# pathway timeline, deadlines, barriers, contract, prescriptions, interviews,
# outreach, health notes, change requests, the referents who opened it, the
# objections and restrictions that hold, the person's tags, and the access
# log insert.
RECORD_QUERIES = 24


@pytest.fixture
def team(db):
    structure = StructureFactory()
    territory = TerritoryFactory(departement=structure.departement)
    return structure, territory


@pytest.mark.parametrize("size", [5, 200])
def test_a_referents_portfolio_takes_the_same_queries_at_any_size(
    login, django_assert_num_queries, team, size
):
    structure, territory = team
    referent = StaffProfileFactory(structure=structure, territories=[territory])
    people_with_pathways(
        size, departement=structure.departement, territory=territory, followed_by=referent
    )
    client = login(referent)

    with django_assert_num_queries(PORTFOLIO_QUERIES):
        response = client.get("/portefeuille/")

    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [5, 200])
def test_a_managers_portfolio_takes_the_same_queries_at_any_size(
    login, django_assert_num_queries, team, size
):
    structure, territory = team
    manager = StaffProfileFactory(structure=structure, territories=[territory], manager=True)
    people_with_pathways(size, departement=structure.departement, territory=territory)
    client = login(manager)

    with django_assert_num_queries(MANAGER_PORTFOLIO_QUERIES):
        response = client.get("/portefeuille/")

    assert response.context["page"].paginator.count == size


def a_rich_record(structure, territory, size):
    """A person followed in binôme by a social worker, with `size` interviews
    by different authors, and a history (past referents, closed pathways,
    barriers, health notes) growing with `size`."""
    social_worker = StaffProfileFactory(
        structure=structure, territories=[territory], social_worker=True
    )
    binome = BinomeFactory(
        social_worker=social_worker,
        pe_advisor=StaffProfileFactory(
            structure=structure, territories=[territory], pe_advisor=True
        ),
    )
    person = BeneficiaryFactory(departement=structure.departement, territory=territory)
    for member in (binome.pe_advisor, binome.social_worker):
        AssignmentFactory(beneficiary=person, staff=member, binome=binome)
    history = max(1, size // 10)
    for _ in range(history):
        AssignmentFactory(
            beneficiary=person,
            staff=StaffProfileFactory(structure=structure, territories=[territory]),
            ended=True,
        )
        closed = PathwayFactory(beneficiary=person, closed=True)
        DeadlineFactory(pathway=closed, reference_date=closed.opened_on, met=True)
        HealthNoteFactory(beneficiary=person)
    for kind in list(BarrierKind)[:history]:
        BarrierFactory(beneficiary=person, kind=kind)
    pathway = PathwayFactory(beneficiary=person)
    DeadlineFactory(pathway=pathway)
    authors = UserFactory.create_batch(size)
    InterviewFactory.create_batch(
        size, beneficiary=person, pathway=pathway, author=factory.Iterator(authors)
    )
    return person, social_worker


@pytest.mark.parametrize("size", [2, 60])
def test_a_record_takes_the_same_queries_at_any_size(login, django_assert_num_queries, team, size):
    person, social_worker = a_rich_record(*team, size)
    client = login(social_worker)

    with django_assert_num_queries(RECORD_QUERIES):
        response = client.get(person.get_absolute_url())

    assert len(response.context["interviews"]) == min(size, RECORD_INTERVIEWS)
