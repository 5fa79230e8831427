"""StaffProfile and Territory querysets scoped to a user (privacy by construction)."""

from caseload.models import StaffProfile, Territory


def staff_seen_by(user):
    return set(StaffProfile.objects.visible_to(user))


def territories_seen_by(user):
    return set(Territory.objects.visible_to(user))


def test_a_referent_sees_only_their_own_staff_profile(world):
    assert staff_seen_by(world.referent.user) == {world.referent}


def test_a_manager_sees_the_staff_of_their_territories(world):
    seen = staff_seen_by(world.manager.user)

    assert world.colleague in seen
    assert world.other_territory_referent not in seen


def test_a_manager_never_sees_another_departements_staff(world):
    seen = staff_seen_by(world.manager.user)

    assert world.other_departement_referent not in seen
    assert world.other_departement_manager not in seen


def test_an_admin_sees_every_staff_member_of_their_departement(world):
    seen = staff_seen_by(world.admin.user)

    assert {world.other_territory_referent, world.other_territory_manager, world.admin} <= seen
    assert all(p.structure.departement_id == world.departement.pk for p in seen)


def test_a_user_without_staff_profile_sees_no_staff(world):
    assert staff_seen_by(world.no_profile_user) == set()


def test_a_staff_member_who_left_sees_no_staff(world):
    world.manager.is_active = False
    world.manager.save()

    assert staff_seen_by(world.manager.user) == set()


def test_a_referent_sees_their_own_territories(world):
    assert territories_seen_by(world.referent.user) == {world.territory}


def test_a_manager_sees_only_their_territories(world):
    assert territories_seen_by(world.other_territory_manager.user) == {world.other_territory}


def test_an_admin_sees_every_territory_of_their_departement_only(world):
    assert territories_seen_by(world.admin.user) == {world.territory, world.other_territory}


def test_a_user_without_staff_profile_sees_no_territory(world):
    assert territories_seen_by(world.no_profile_user) == set()
