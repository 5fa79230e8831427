"""Rows that belong to a person are visible exactly when the person is."""

import pytest

from pathways.models import Deadline, Interview, Pathway
from tests.pathways.factories import DeadlineFactory, InterviewFactory, PathwayFactory


@pytest.fixture
def rows(world):
    """A pathway, a deadline and an interview for every person of the world."""
    made = {}
    for person in world.everyone:
        pathway = PathwayFactory(beneficiary=person)
        made[person] = {
            "pathway": pathway,
            "deadline": DeadlineFactory(pathway=pathway),
            "interview": InterviewFactory(beneficiary=person, pathway=pathway),
        }
    return made


def rows_of(rows, people, kind):
    return {rows[person][kind] for person in people}


@pytest.mark.parametrize(
    ("model", "kind"),
    [(Pathway, "pathway"), (Deadline, "deadline"), (Interview, "interview")],
)
class TestRowsOfPeople:
    def test_a_referent_sees_only_the_rows_of_the_people_they_follow(
        self, world, rows, model, kind
    ):
        seen = set(model.objects.visible_to(world.referent.user))

        assert seen == rows_of(rows, [world.own_person], kind)

    def test_a_binome_member_sees_the_rows_of_the_person_followed_together(
        self, world, rows, model, kind
    ):
        seen = set(model.objects.visible_to(world.pe_advisor.user))

        assert seen == rows_of(rows, [world.binome_person], kind)

    def test_a_manager_sees_the_rows_of_their_territories_people(self, world, rows, model, kind):
        seen = set(model.objects.visible_to(world.other_territory_manager.user))

        assert seen == rows_of(rows, [world.other_territory_person], kind)

    def test_an_admin_sees_the_rows_of_their_departement_only(self, world, rows, model, kind):
        seen = set(model.objects.visible_to(world.admin.user))

        assert seen == rows_of(rows, world.departement_a_people, kind)

    def test_a_user_without_staff_profile_sees_no_rows(self, world, rows, model, kind):
        assert not model.objects.visible_to(world.no_profile_user).exists()
