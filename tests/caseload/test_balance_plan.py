"""The balancing plan ranks each person as the one-by-one ranking would,
with the per-territory heaps it keeps across the plan."""

from decimal import Decimal

import pytest

from caseload.enums import Programme, StaffRole
from caseload.selectors import SuggestionPool, previous_referents
from caseload.services import assignment_create
from pathways.selectors import roles_for_stage
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, set_cap, territory_team
from web.console.queue import balance_plan

DC = Programme.DROIT_COMMUN


@pytest.fixture
def crowded_territory(db):
    """A territory with referents of several roles, caps and working times,
    some already following people, and more people waiting than room."""
    territory, manager, referent = territory_team()
    departement = territory.departement
    set_cap(departement, StaffRole.SOCIOPRO_REFERENT, DC, 4)
    set_cap(departement, StaffRole.SOCIAL_WORKER, DC, 3)
    set_cap(departement, StaffRole.PE_ADVISOR, DC, 5)
    set_cap(departement, StaffRole.JOB_CONSULTANT, DC, 2)
    staff = [
        referent,
        StaffProfileFactory(structure=referent.structure, territories=[territory]),
        StaffProfileFactory(
            structure=referent.structure, territories=[territory], part_time_ratio=Decimal("0.5")
        ),
        StaffProfileFactory(
            social_worker=True, structure=referent.structure, territories=[territory]
        ),
        StaffProfileFactory(
            job_consultant=True, structure=referent.structure, territories=[territory]
        ),
    ]
    for index, member in enumerate(staff):
        for _ in range(index % 3):
            assignment_create(
                beneficiary=new_applicant(territory), staff=member, acting_user=manager.user
            )
    for days in range(20):
        new_applicant(territory, days_ago=days)
    return manager


def _one_by_one(user, people):
    """The plan as ranking every member for each person would make it."""
    pool = SuggestionPool(user)
    previous = previous_referents(p.pk for p in people)
    chosen = []
    for person in people:
        found = pool.candidates(
            territory_id=person.territory_id,
            roles=roles_for_stage(person.pathway_stage),
            programme=person.pathway_programme or DC,
            previous_staff_ids=previous.get(person.pk, set()),
            limit=1,
            resolve=False,
        )
        choice = found[0] if found else None
        if choice is not None:
            pool.take(choice)
        chosen.append(choice and choice.staff_id)
    return chosen


def test_the_plan_chooses_the_referents_the_one_by_one_ranking_chooses(crowded_territory):
    plan = balance_plan(crowded_territory.user)

    people = [person for person, _choice in plan]
    assert [choice and choice.staff_id for _person, choice in plan] == _one_by_one(
        crowded_territory.user, people
    )


def test_the_plan_leaves_people_waiting_once_every_cap_is_reached(crowded_territory):
    plan = balance_plan(crowded_territory.user)

    assert any(choice is None for _person, choice in plan)
    assert any(choice is not None for _person, choice in plan)
