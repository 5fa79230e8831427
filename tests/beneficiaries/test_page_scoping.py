"""The portfolio list and the record page show only people the user may see."""

import pytest

from beneficiaries.models import Beneficiary
from tests.caseload.html import record_links

ROLES = [
    "referent",
    "colleague",
    "pe_advisor",
    "social_worker",
    "manager",
    "other_territory_manager",
    "admin",
    "other_departement_referent",
    "other_departement_manager",
    "other_departement_admin",
    "no_profile_user",
]


def expected_people(world, who):
    """Who each role may see, spelled out (not computed with visible_to)."""
    w = world
    return {
        "referent": {w.own_person},
        "colleague": {w.colleague_person, w.ended_person},
        "pe_advisor": {w.binome_person},
        "social_worker": {w.binome_person},
        "manager": {
            w.own_person,
            w.colleague_person,
            w.binome_person,
            w.ended_person,
            w.unassigned_person,
        },
        "other_territory_manager": {w.other_territory_person},
        "admin": set(w.departement_a_people),
        "other_departement_referent": {w.other_departement_person},
        "other_departement_manager": {w.other_departement_person},
        "other_departement_admin": {w.other_departement_person},
        "no_profile_user": set(),
    }[who]


@pytest.mark.parametrize("who", ROLES)
def test_the_portfolio_lists_exactly_the_people_the_user_may_see(login, world, who):
    response = login(getattr(world, who)).get("/portefeuille/")

    assert response.status_code == 200
    listed = set(record_links(response.content.decode()))
    assert listed == {person.pk for person in expected_people(world, who)}


@pytest.mark.parametrize("who", ROLES)
def test_the_record_page_opens_only_for_people_the_user_may_see(login, world, who):
    client = login(getattr(world, who))
    allowed = {person.pk for person in expected_people(world, who)}
    last_pk = Beneficiary.objects.order_by("-pk").values_list("pk", flat=True).first()
    guesses = [person.pk for person in world.everyone] + [last_pk + 1, 0]

    statuses = {pk: client.get(f"/portefeuille/personnes/{pk}/").status_code for pk in guesses}

    assert statuses == {pk: 200 if pk in allowed else 404 for pk in guesses}


def test_a_referent_sees_the_binome_badge_only_for_people_followed_in_binome(login, world):
    page = login(world.pe_advisor).get("/portefeuille/").content.decode()

    assert "Binôme" in page
    assert "Binôme" not in login(world.referent).get("/portefeuille/").content.decode()
