"""Beneficiary.objects.visible_to: the one door to people's records."""

from beneficiaries.models import Beneficiary
from tests.caseload.factories import StaffProfileFactory, UserFactory


def seen_by(profile_or_user):
    user = getattr(profile_or_user, "user", profile_or_user)
    return set(Beneficiary.objects.visible_to(user))


def test_a_referent_sees_the_people_they_follow_and_no_one_else(world):
    assert seen_by(world.referent) == {world.own_person}


def test_both_members_of_a_binome_see_the_person_they_follow_together(world):
    assert world.binome_person in seen_by(world.pe_advisor)
    assert world.binome_person in seen_by(world.social_worker)


def test_an_ended_assignment_removes_the_person_from_the_former_referents_view(world):
    assert world.ended_person not in seen_by(world.referent)


def test_the_new_referent_sees_a_person_after_a_change_of_referent(world):
    assert world.ended_person in seen_by(world.colleague)


def test_a_referent_does_not_see_the_unassigned_people_of_their_territory(world):
    assert world.unassigned_person not in seen_by(world.referent)


def test_a_manager_sees_every_person_of_their_territories(world):
    assert seen_by(world.manager) == {
        world.own_person,
        world.colleague_person,
        world.binome_person,
        world.ended_person,
        world.unassigned_person,
    }


def test_a_manager_never_sees_the_people_of_another_territory(world):
    assert seen_by(world.other_territory_manager) == {world.other_territory_person}


def test_an_admin_sees_every_person_of_their_departement_only(world):
    assert seen_by(world.admin) == set(world.departement_a_people)


def test_the_other_departements_staff_see_none_of_this_departements_people(world):
    for profile in (
        world.other_departement_referent,
        world.other_departement_manager,
        world.other_departement_admin,
    ):
        assert seen_by(profile) == {world.other_departement_person}


def test_a_manager_with_territories_of_another_departement_sees_none_of_its_people(world):
    """Even a misconfigured profile (a territory of another Département) stays
    inside its own Département."""
    intruder = StaffProfileFactory(
        structure=world.other_departement_referent.structure,
        territories=[world.territory],
        manager=True,
    )

    assert seen_by(intruder) == set()


def test_a_user_without_staff_profile_sees_no_one(world):
    assert seen_by(world.no_profile_user) == set()


def test_a_staff_member_who_left_sees_no_one(world):
    world.referent.is_active = False
    world.referent.save()

    assert seen_by(world.referent) == set()


def test_a_deactivated_user_sees_no_one(world):
    world.admin.user.is_active = False
    world.admin.user.save()

    assert seen_by(world.admin) == set()


def test_a_superuser_sees_everyone(world):
    assert seen_by(UserFactory(is_superuser=True)) == set(world.everyone)
