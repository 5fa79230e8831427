"""The stored loads (`caseload.StaffLoad`) stay equal to a recount of the
active assignments after every kind of write, whoever writes; the drift
check finds a counter that differs, and the command repairs it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary
from caseload.enums import AssignmentEndReason, Programme
from caseload.models import Assignment, StaffLoad
from caseload.selectors import load_counter_drift, staff_load
from caseload.services import (
    assignment_auto_for_import,
    assignment_create,
    assignment_end,
    assignment_reassign,
    assignments_create_many,
    assignments_end_for_people,
    assignments_end_many,
    assignments_reassign_many,
    binome_create,
    binome_dissolve,
    binome_enrol,
)
from core.bulk import insert_rows
from tests.caseload.bulk import bulk_people, bulk_staff
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory
from tests.caseload.helpers import new_applicant, territory_team

DC = Programme.DROIT_COMMUN
AG = Programme.ACCOMPAGNEMENT_GLOBAL


def _stored(staff, programme=DC):
    row = StaffLoad.objects.filter(staff=staff, programme=programme).first()
    return 0 if row is None else row.active


def _binome(territory, manager):
    departement = territory.departement
    return binome_create(
        pe_advisor=StaffProfileFactory(
            pe_advisor=True, structure__departement=departement, territories=[territory]
        ),
        social_worker=StaffProfileFactory(
            social_worker=True, structure=manager.structure, territories=[territory]
        ),
    )


def test_an_assignment_adds_one_to_the_stored_load():
    territory, manager, referent = territory_team()

    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    assert _stored(referent) == 1
    assert load_counter_drift() == []


def test_a_batch_of_assignments_adds_its_size_per_programme():
    territory, manager, referent = territory_team()
    people = [new_applicant(territory) for _ in range(3)]

    assignments_create_many(
        pairs=[(person, referent) for person in people],
        programmes={people[0].pk: DC, people[1].pk: DC, people[2].pk: AG},
        acting_user=manager.user,
    )

    assert (_stored(referent, DC), _stored(referent, AG)) == (2, 1)
    assert load_counter_drift() == []


def test_ending_an_assignment_takes_one_off_the_stored_load():
    territory, manager, referent = territory_team()
    assignment = assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    assignment_end(
        assignment=assignment, acting_user=manager.user, end_reason=AssignmentEndReason.OTHER
    )

    assert _stored(referent) == 0
    assert load_counter_drift() == []


def test_ending_many_assignments_takes_them_all_off():
    territory, manager, referent = territory_team()
    created = assignments_create_many(
        pairs=[(new_applicant(territory), referent) for _ in range(3)], acting_user=manager.user
    )

    assignments_end_many(
        assignments=created[:2], acting_user=manager.user, end_reason=AssignmentEndReason.OTHER
    )

    assert _stored(referent) == 1
    assert load_counter_drift() == []


def test_a_reassignment_moves_one_from_the_old_referent_to_the_new():
    territory, manager, referent = territory_team()
    colleague = StaffProfileFactory(structure=manager.structure, territories=[territory])
    assignment = assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    assignment_reassign(assignment=assignment, new_staff=colleague, acting_user=manager.user)

    assert (_stored(referent), _stored(colleague)) == (0, 1)
    assert load_counter_drift() == []


def test_a_batch_reassignment_moves_every_person():
    territory, manager, referent = territory_team()
    colleague = StaffProfileFactory(structure=manager.structure, territories=[territory])
    created = assignments_create_many(
        pairs=[(new_applicant(territory), referent) for _ in range(3)], acting_user=manager.user
    )

    assignments_reassign_many(assignments=created, new_staff=colleague, acting_user=manager.user)

    assert (_stored(referent), _stored(colleague)) == (0, 3)
    assert load_counter_drift() == []


def test_the_end_of_a_pathway_takes_the_people_off_every_load():
    territory, manager, referent = territory_team()
    people = [new_applicant(territory) for _ in range(2)]
    assignments_create_many(pairs=[(p, referent) for p in people], acting_user=manager.user)

    assignments_end_for_people(
        beneficiary_ids=[people[0].pk],
        acting_user=manager.user,
        end_reason=AssignmentEndReason.PATHWAY_EXIT,
    )

    assert _stored(referent) == 1
    assert load_counter_drift() == []


def test_a_binome_enrolment_counts_in_both_members_loads():
    territory, manager, _referent = territory_team()
    binome = _binome(territory, manager)

    binome_enrol(
        beneficiary=new_applicant(territory),
        binome=binome,
        acting_user=manager.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )

    assert (_stored(binome.pe_advisor, AG), _stored(binome.social_worker, AG)) == (1, 1)
    assert load_counter_drift() == []


def test_dissolving_a_binome_empties_both_members_loads():
    territory, manager, _referent = territory_team()
    binome = _binome(territory, manager)
    binome_enrol(
        beneficiary=new_applicant(territory),
        binome=binome,
        acting_user=manager.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )

    binome_dissolve(binome=binome, acting_user=manager.user)

    assert (_stored(binome.pe_advisor, AG), _stored(binome.social_worker, AG)) == (0, 0)
    assert load_counter_drift() == []


def test_an_automatic_assignment_at_import_counts(settings):
    territory, _manager, referent = territory_team()
    settings.IMPORT_AUTO_ASSIGN_ROLE = referent.role

    with transaction.atomic():
        assignment = assignment_auto_for_import(beneficiary=new_applicant(territory))

    assert assignment.staff == referent
    assert _stored(referent) == 1
    assert load_counter_drift() == []


def test_bulk_rows_written_by_the_benchmarks_helper_count():
    territory, manager, _referent = territory_team()
    staff = bulk_staff(structure=manager.structure, territory=territory, count=4)

    bulk_people(territory=territory, staff=staff, count=30)

    assert sum(load.active for load in StaffLoad.objects.filter(staff__in=staff)) == 30
    assert load_counter_drift() == []


def test_rows_copied_by_the_bulk_writer_count():
    territory, _manager, referent = territory_team()
    people = [new_applicant(territory) for _ in range(3)]

    insert_rows(
        Assignment,
        [
            {
                "beneficiary_id": person.pk,
                "staff_id": referent.pk,
                "role": referent.role,
                "programme": DC,
                "started_at": timezone.now(),
                "ended_at": None,
            }
            for person in people
        ],
    )

    assert _stored(referent) == 3
    assert load_counter_drift() == []


def test_an_ended_assignment_written_directly_does_not_count():
    referent = StaffProfileFactory()

    AssignmentFactory(staff=referent, ended=True)

    assert _stored(referent) == 0
    assert load_counter_drift() == []


def test_an_edit_that_keeps_the_assignment_active_changes_nothing():
    territory, manager, referent = territory_team()
    assignment = assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    Assignment.objects.filter(pk=assignment.pk).update(over_cap_reason="Urgence")

    assert _stored(referent) == 1
    assert load_counter_drift() == []


def test_moving_an_active_assignment_to_another_programme_moves_its_count():
    territory, manager, referent = territory_team()
    assignment = assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    Assignment.objects.filter(pk=assignment.pk).update(programme=AG)

    assert (_stored(referent, DC), _stored(referent, AG)) == (0, 1)
    assert load_counter_drift() == []


def test_deleting_a_person_takes_their_assignments_off_the_loads():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    Assignment.objects.filter(beneficiary=person).delete()
    Beneficiary.objects.filter(pk=person.pk).delete()

    assert _stored(referent) == 0
    assert load_counter_drift() == []


def test_the_drift_check_names_a_counter_that_differs():
    territory, manager, referent = territory_team()
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    StaffLoad.objects.filter(staff=referent, programme=DC).update(active=5)

    [drift] = load_counter_drift()
    assert (drift.staff_id, drift.programme, drift.stored, drift.counted) == (
        referent.pk,
        DC,
        5,
        1,
    )


def test_a_stored_load_cannot_go_below_zero():
    referent = StaffProfileFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        StaffLoad.objects.create(staff=referent, programme=DC, active=-1)


def test_the_command_says_in_french_that_the_counters_are_exact(capsys):
    territory, manager, referent = territory_team()
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    call_command("check_caseload_counters")

    assert "correspondent aux affectations en cours" in capsys.readouterr().out


def test_the_command_fails_on_a_drift():
    territory, manager, referent = territory_team()
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )
    StaffLoad.objects.filter(staff=referent).delete()

    with pytest.raises(CommandError, match="relancez avec --repair") as error:
        call_command("check_caseload_counters")

    assert error.value.returncode == 1


def test_the_command_repairs_a_drift():
    territory, manager, referent = territory_team()
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )
    StaffLoad.objects.filter(staff=referent).update(active=7)

    call_command("check_caseload_counters", "--repair")

    assert _stored(referent) == 1
    assert load_counter_drift() == []


def test_the_loads_read_the_stored_counters():
    territory, manager, referent = territory_team()
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    # A counter changed behind the triggers' back is what the pages show:
    # the reads do not recount.
    StaffLoad.objects.filter(staff=referent, programme=DC).update(active=4)

    assert staff_load(referent, DC)[0] == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_the_counters_are_kept_by_statement_level_triggers_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'caseload_assignment'::regclass "
            "AND tgname LIKE 'caseload_staffload_%' ORDER BY tgname"
        )
        names = [name for (name,) in cursor.fetchall()]
    assert names == [
        "caseload_staffload_on_delete",
        "caseload_staffload_on_insert",
        "caseload_staffload_on_update",
    ]
