import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beneficiaries.models import Beneficiary
from caseload.enums import AssignmentEndReason, Programme, StaffRole
from caseload.models import Assignment
from caseload.selectors import staff_load
from caseload.services import (
    CapReached,
    RoleTaken,
    assignment_create,
    assignment_end,
    assignment_reassign,
    assignments_create_many,
)
from pathways.selectors import unassigned_queue
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, set_cap, territory_team

DC = Programme.DROIT_COMMUN


def _fill(staff, territory, count, programme=DC):
    people = BeneficiaryFactory.create_batch(
        count, departement=territory.departement, territory=territory
    )
    Assignment.objects.bulk_create(
        [Assignment(beneficiary=p, staff=staff, programme=programme) for p in people]
    )


def test_assignment_create_records_who_and_why():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)

    assignment = assignment_create(
        beneficiary=person, staff=referent, acting_user=manager.user, reason="Orientation"
    )

    assert assignment.created_by == manager.user
    assert assignment.reason == "Orientation"
    assert assignment.programme == DC
    assert staff_load(referent) == (1, 130)
    assert staff_load(referent, DC) == (1, 130)


def test_cap_reached_refuses_and_saves_nothing():
    territory, manager, referent = territory_team()
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 3)
    _fill(referent, territory, 3)
    person = new_applicant(territory)

    with pytest.raises(CapReached) as error:
        assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    assert "Plafond atteint" in error.value.messages[0]
    assert isinstance(error.value, ValidationError)
    assert not Assignment.objects.filter(beneficiary=person).exists()


def test_cap_is_scaled_by_part_time_ratio_rounded_down():
    territory, manager, referent = territory_team(part_time_ratio=Decimal("0.50"))
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 5)
    _fill(referent, territory, 2)
    assert staff_load(referent, DC) == (2, 2)

    with pytest.raises(CapReached):
        assignment_create(
            beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
        )


def test_unset_cap_does_not_limit_and_staff_load_says_none():
    territory, manager, referent = territory_team()
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, None)

    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    assert staff_load(referent, DC) == (1, None)


def test_manager_override_with_reason_is_recorded():
    territory, manager, referent = territory_team()
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    _fill(referent, territory, 1)

    assignment = assignment_create(
        beneficiary=new_applicant(territory),
        staff=referent,
        acting_user=manager.user,
        over_cap_reason="Continuité pendant un congé",
    )

    assert assignment.over_cap_reason == "Continuité pendant un congé"
    assert staff_load(referent, DC) == (2, 1)


def test_override_is_for_managers_only():
    territory, manager, referent = territory_team()
    admin = StaffProfileFactory(admin=True, structure=manager.structure)
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    _fill(referent, territory, 1)

    with pytest.raises(CapReached):
        assignment_create(
            beneficiary=new_applicant(territory),
            staff=referent,
            acting_user=admin.user,
            over_cap_reason="Sans droit",
        )


def test_override_reason_is_not_recorded_when_under_cap():
    territory, manager, referent = territory_team()
    assignment = assignment_create(
        beneficiary=new_applicant(territory),
        staff=referent,
        acting_user=manager.user,
        over_cap_reason="Inutile",
    )
    assert assignment.over_cap_reason == ""


def test_staff_of_another_departement_or_role_is_refused():
    territory, manager, referent = territory_team()
    stranger = StaffProfileFactory()
    person = new_applicant(territory)

    with pytest.raises(ValidationError, match="Département"):
        assignment_create(beneficiary=person, staff=stranger, acting_user=manager.user)
    with pytest.raises(ValidationError, match="portefeuille"):
        assignment_create(beneficiary=person, staff=manager, acting_user=manager.user)
    assert not Assignment.objects.filter(beneficiary=person).exists()


def test_same_person_twice_to_the_same_referent_is_refused():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    with pytest.raises(ValidationError, match="déjà suivie"):
        assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)


def test_bulk_assignment_breaking_a_cap_assigns_no_one():
    """All or nothing: a batch of 200 that would break the cap partway saves
    no assignment at all (the manager reviews and retries a smaller batch)."""
    territory, manager, referent = territory_team()
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 150)
    _fill(referent, territory, 10)
    people = BeneficiaryFactory.create_batch(
        200, departement=territory.departement, territory=territory
    )

    with pytest.raises(CapReached) as error:
        assignments_create_many(
            pairs=[(p, referent) for p in people], acting_user=manager.user, programme=DC
        )

    assert "140 place(s) restante(s), 200 demandée(s)" in error.value.messages[0]
    assert staff_load(referent, DC) == (10, 150)
    assert not Assignment.objects.filter(beneficiary__in=people).exists()


def test_bulk_assignment_that_fits_assigns_everyone():
    territory, manager, referent = territory_team()
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 200)
    people = BeneficiaryFactory.create_batch(
        200, departement=territory.departement, territory=territory
    )

    created = assignments_create_many(
        pairs=[(p, referent) for p in people], acting_user=manager.user, reason="Lot"
    )

    assert len(created) == 200
    assert staff_load(referent, DC) == (200, 200)


def test_a_batch_is_written_in_one_unnest_insert_started_at_the_database_clock():
    territory, manager, referent = territory_team()
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 10)
    people = BeneficiaryFactory.create_batch(
        3, departement=territory.departement, territory=territory
    )

    with CaptureQueriesContext(connection) as queries:
        assignments_create_many(
            pairs=[(p, referent) for p in people], acting_user=manager.user, reason="Lot"
        )

    inserts = [q["sql"] for q in queries if 'INSERT INTO "caseload_assignment"' in q["sql"]]
    assert len(inserts) == 1 and "UNNEST" in inserts[0]
    starts = set(Assignment.objects.filter(staff=referent).values_list("started_at", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        (now,) = cursor.fetchone()
    assert len(starts) == 1 and now - datetime.timedelta(seconds=5) < starts.pop() <= now


def test_end_keeps_history_and_reassign_moves_the_person():
    territory, manager, referent = territory_team()
    other = StaffProfileFactory(structure=referent.structure, territories=[territory])
    person = new_applicant(territory)
    first = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    second = assignment_reassign(
        assignment=first, new_staff=other, acting_user=manager.user, reason="Rééquilibrage"
    )

    first.refresh_from_db()
    assert first.ended_at is not None
    assert first.ended_by == manager.user
    assert first.end_reason == AssignmentEndReason.REBALANCING
    assert second.staff == other and second.is_active
    assert Assignment.objects.filter(beneficiary=person).count() == 2

    assignment_end(
        assignment=second,
        acting_user=manager.user,
        end_reason=AssignmentEndReason.OTHER,
        detail="Déménagement",
    )
    second.refresh_from_db()
    assert second.end_detail == "Déménagement"
    with pytest.raises(ValidationError, match="déjà terminée"):
        assignment_end(
            assignment=second, acting_user=manager.user, end_reason=AssignmentEndReason.OTHER
        )


def test_reassign_to_a_full_referent_keeps_the_old_one():
    territory, manager, referent = territory_team()
    full = StaffProfileFactory(structure=referent.structure, territories=[territory])
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    _fill(full, territory, 1)
    person = new_applicant(territory)
    first = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    with pytest.raises(CapReached):
        assignment_reassign(assignment=first, new_staff=full, acting_user=manager.user)

    first.refresh_from_db()
    assert first.is_active


def test_bad_end_reason_is_refused():
    territory, manager, referent = territory_team()
    assignment = assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )
    with pytest.raises(ValidationError, match="motif de fin"):
        assignment_end(assignment=assignment, acting_user=manager.user, end_reason="nope")


def test_previous_referent_keeps_read_access_for_30_days_then_loses_it(settings):
    settings.PREVIOUS_REFERENT_ACCESS_DAYS = 30
    territory, manager, referent = territory_team()
    other = StaffProfileFactory(structure=referent.structure, territories=[territory])
    person = new_applicant(territory)
    first = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    assert Beneficiary.objects.writable_by(referent.user).filter(pk=person.pk).exists()

    assignment_reassign(assignment=first, new_staff=other, acting_user=manager.user)

    visible = Beneficiary.objects.visible_to(referent.user)
    assert visible.filter(pk=person.pk).exists()
    assert not Beneficiary.objects.writable_by(referent.user).filter(pk=person.pk).exists()
    assert Beneficiary.objects.writable_by(other.user).filter(pk=person.pk).exists()

    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=29)):
        assert Beneficiary.objects.visible_to(referent.user).filter(pk=person.pk).exists()
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=31)):
        assert not Beneficiary.objects.visible_to(referent.user).filter(pk=person.pk).exists()
        assert Beneficiary.objects.visible_to(other.user).filter(pk=person.pk).exists()


def test_people_of_a_referent_no_longer_in_post_are_back_in_the_queue():
    territory, manager, referent = territory_team()
    other = StaffProfileFactory(structure=referent.structure, territories=[territory])
    person = new_applicant(territory)
    old = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    assert not unassigned_queue(manager.user).filter(pk=person.pk).exists()

    referent.is_active = False
    referent.save()

    assert unassigned_queue(manager.user).filter(pk=person.pk).exists()
    assignment_create(beneficiary=person, staff=other, acting_user=manager.user)
    old.refresh_from_db()
    assert old.end_reason == AssignmentEndReason.REFERENT_LEFT
    assert not unassigned_queue(manager.user).filter(pk=person.pk).exists()


def _colleague(referent, **kwargs):
    return StaffProfileFactory(
        structure__departement=referent.structure.departement,
        territories=list(referent.territories.all()),
        **kwargs,
    )


def test_a_second_referent_of_the_same_role_and_programme_is_refused_in_french():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    with pytest.raises(RoleTaken) as error:
        assignment_create(beneficiary=person, staff=_colleague(referent), acting_user=manager.user)

    assert error.value.code == "role_taken"
    assert (
        "a déjà un référent « Référent socio-professionnel » en Droit commun"
        in (error.value.messages[0])
    )
    assert Assignment.objects.active().filter(beneficiary=person).count() == 1


def test_a_bulk_assignment_with_one_person_already_followed_in_that_role_assigns_no_one():
    territory, manager, referent = territory_team()
    followed, free = new_applicant(territory), new_applicant(territory)
    assignment_create(beneficiary=followed, staff=referent, acting_user=manager.user)
    colleague = _colleague(referent)

    with pytest.raises(RoleTaken):
        assignments_create_many(
            pairs=[(free, colleague), (followed, colleague)], acting_user=manager.user
        )

    assert not Assignment.objects.filter(staff=colleague).exists()


def test_one_person_given_to_two_referents_of_one_role_in_one_batch_is_refused():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)

    with pytest.raises(RoleTaken):
        assignments_create_many(
            pairs=[(person, referent), (person, _colleague(referent))], acting_user=manager.user
        )

    assert not Assignment.objects.filter(beneficiary=person).exists()


def test_a_referent_of_another_role_or_programme_joins_the_current_one():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    assignment_create(
        beneficiary=person, staff=_colleague(referent, social_worker=True), acting_user=manager.user
    )
    assignment_create(
        beneficiary=person,
        staff=_colleague(referent),
        acting_user=manager.user,
        programme=Programme.FRANCE_TRAVAIL_RENFORCE,
    )

    assert Assignment.objects.active().filter(beneficiary=person).count() == 3


def test_a_reassignment_hands_the_role_to_the_new_referent():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    first = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    colleague = _colleague(referent)

    moved = assignment_reassign(assignment=first, new_staff=colleague, acting_user=manager.user)

    assert moved.role == StaffRole.SOCIOPRO_REFERENT
    assert list(Assignment.objects.active().filter(beneficiary=person)) == [moved]
