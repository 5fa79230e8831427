"""The stored unassigned queue (`caseload.Unassigned`) stays exact after each
kind of write: the database's drift check finds no difference with the
definition, and the person is in the table exactly when waiting."""

import datetime
from importlib import import_module

from django.db import connection
from django.utils import timezone

from beneficiaries.models import Beneficiary
from caseload.enums import AssignmentEndReason, Programme
from caseload.models import Assignment, Unassigned
from caseload.services import assignment_create, assignment_end
from caseload.unassigned import unassigned_deferred, unassigned_drift
from intake.people import beneficiaries_create_bulk
from pathways.enums import DeadlineKind, ExitOutcome, Stage
from pathways.models import Deadline, Pathway
from pathways.services.deadlines import deadline_meet, deadline_open
from pathways.services.opening import pathways_open_bulk
from pathways.services.transitions import pathway_advance
from tests.caseload.factories import TerritoryFactory
from tests.caseload.helpers import new_applicant, territory_team


def _waiting(person):
    return Unassigned.objects.filter(beneficiary_id=person.pk).exists()


def _open_pathway(person):
    return Pathway.objects.get(beneficiary=person, closed_at__isnull=True)


def test_a_new_applicant_waits_with_their_pathway_and_next_deadline():
    territory, _manager, _referent = territory_team()

    person = new_applicant(territory)

    row = Unassigned.objects.get(beneficiary_id=person.pk)
    earliest = Deadline.objects.open().filter(pathway__beneficiary=person).order_by("due_on")[0]
    assert (row.territory_id, row.stage, row.programme) == (
        territory.pk,
        Stage.PENDING,
        Programme.DROIT_COMMUN,
    )
    assert (row.next_due_on, row.next_kind) == (earliest.due_on, earliest.kind)
    assert unassigned_drift() == []


def test_an_assignment_takes_the_person_out_and_its_end_puts_them_back():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)

    assignment = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    assigned = _waiting(person)
    assignment_end(
        assignment=assignment,
        acting_user=manager.user,
        end_reason=AssignmentEndReason.REBALANCING,
    )

    assert not assigned
    assert _waiting(person)
    assert unassigned_drift() == []


def test_a_referent_leaving_post_puts_their_people_back_until_they_return():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    referent.is_active = False
    referent.save()
    gone = _waiting(person)
    referent.is_active = True
    referent.save()

    assert gone
    assert not _waiting(person)
    assert unassigned_drift() == []


def test_closing_the_pathway_takes_the_person_out_and_a_new_one_puts_them_back():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    pathway = _open_pathway(person)
    pathway.stage = Stage.SOCIOPRO
    pathway.save()

    pathway_advance(
        acting_user=referent.user,
        pathway=pathway,
        to_stage=Stage.EXIT,
        outcome=ExitOutcome.CDI,
    )
    closed = _waiting(person)
    pathways_open_bulk(
        openings=[(person.pk, timezone.localdate(), timezone.localdate())],
        departement_id=territory.departement_id,
    )

    assert not closed
    assert _waiting(person)
    assert unassigned_drift() == []


def test_people_created_by_an_import_wait_in_one_statement():
    territory, manager, _referent = territory_team()

    ids = beneficiaries_create_bulk(
        acting_user=manager.user,
        departement=territory.departement,
        people=[
            {
                "territory_id": territory.pk,
                "caf_number": f"77{index:05d}",
                "household_role": "demandeur",
                "first_name": f"Import{index}",
                "last_name": "Lot",
                "rsa_application_date": datetime.date.today(),
            }
            for index in range(5)
        ],
    )

    assert set(Unassigned.objects.values_list("beneficiary_id", flat=True)) >= set(ids)
    assert unassigned_drift() == []


def test_anonymisation_takes_the_person_out():
    territory, _manager, _referent = territory_team()
    person = new_applicant(territory)

    # The last write of `privacy.retention.beneficiaries_anonymise` (which
    # anonymises people past the retention delay only).
    Beneficiary.objects.filter(pk=person.pk).update(anonymised_at=timezone.now())

    assert not _waiting(person)
    assert unassigned_drift() == []


def test_a_deadline_met_or_added_moves_the_next_deadline():
    territory, _manager, _referent = territory_team()
    person = new_applicant(territory)
    pathway = _open_pathway(person)
    first = Unassigned.objects.get(beneficiary_id=person.pk)

    deadline_meet(pathway=pathway, kind=first.next_kind, on=timezone.localdate())
    after_met = Unassigned.objects.get(beneficiary_id=person.pk)
    Deadline.objects.open().filter(pathway=pathway).update(cancelled_on=timezone.localdate())
    deadline_open(
        pathway=pathway,
        kind=DeadlineKind.CONTRACT,
        reference_date=timezone.localdate() - datetime.timedelta(days=40),
    )
    after_added = Unassigned.objects.get(beneficiary_id=person.pk)

    assert after_met.next_kind != first.next_kind
    assert after_added.next_kind == DeadlineKind.CONTRACT
    assert unassigned_drift() == []


def test_a_person_moved_to_another_territory_is_stored_there():
    territory, _manager, _referent = territory_team()
    person = new_applicant(territory)
    other = TerritoryFactory(departement=territory.departement)

    Beneficiary.objects.filter(pk=person.pk).update(territory=other)

    assert Unassigned.objects.get(beneficiary_id=person.pk).territory_id == other.pk
    assert unassigned_drift() == []


def test_a_person_deleted_leaves_the_table():
    territory, _manager, _referent = territory_team()
    person = new_applicant(territory)

    Beneficiary.objects.filter(pk=person.pk).delete()

    assert not Unassigned.objects.filter(beneficiary_id=person.pk).exists()
    assert unassigned_drift() == []


def test_the_drift_check_reports_a_row_written_behind_the_triggers():
    territory, manager, referent = territory_team()
    waiting = new_applicant(territory)
    followed = new_applicant(territory)
    assignment_create(beneficiary=followed, staff=referent, acting_user=manager.user)

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM caseload_unassigned WHERE beneficiary_id = %s", [waiting.pk])
        cursor.execute(
            "INSERT INTO caseload_unassigned (beneficiary_id, territory_id, pathway_id, "
            "programme, stage, next_kind) VALUES (%s, %s, %s, 'droit_commun', 'pending', '')",
            [followed.pk, territory.pk, _open_pathway(followed).pk],
        )

    assert unassigned_drift() == [(waiting.pk, "missing"), (followed.pk, "extra")]


def test_the_migration_backfill_finds_the_people_already_waiting():
    territory, manager, referent = territory_team()
    waiting = new_applicant(territory)
    followed = new_applicant(territory)
    assignment_create(beneficiary=followed, staff=referent, acting_user=manager.user)
    Unassigned.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(import_module("caseload.migrations.0010_unassigned").BACKFILL)

    assert list(Unassigned.objects.values_list("beneficiary_id", flat=True)) == [waiting.pk]
    assert not Assignment.objects.active().filter(beneficiary=waiting).exists()
    assert unassigned_drift() == []


def _import_batch(territory, manager, count=3):
    return beneficiaries_create_bulk(
        acting_user=manager.user,
        departement=territory.departement,
        people=[
            {
                "territory_id": territory.pk,
                "caf_number": f"78{index:05d}",
                "household_role": "demandeur",
                "first_name": f"Lot{index}",
                "last_name": "Différé",
                "rsa_application_date": datetime.date.today(),
            }
            for index in range(count)
        ],
    )


def test_people_written_in_a_deferred_block_wait_once_it_ends():
    territory, manager, _referent = territory_team()

    with unassigned_deferred():
        ids = _import_batch(territory, manager)
        during = Unassigned.objects.filter(beneficiary_id__in=ids).count()

    assert during == 0
    assert Unassigned.objects.filter(beneficiary_id__in=ids).count() == len(ids)
    assert unassigned_drift() == []


def test_a_deferred_block_refreshes_people_it_changes_as_well_as_people_it_creates():
    territory, manager, referent = territory_team()
    followed = new_applicant(territory)

    with unassigned_deferred():
        ids = _import_batch(territory, manager)
        assignment_create(beneficiary=followed, staff=referent, acting_user=manager.user)

    assert not _waiting(followed)
    assert Unassigned.objects.filter(beneficiary_id__in=ids).count() == len(ids)
    assert unassigned_drift() == []


def test_the_triggers_refresh_at_once_again_after_a_deferred_block():
    territory, manager, _referent = territory_team()
    with unassigned_deferred():
        _import_batch(territory, manager)

    person = new_applicant(territory)

    assert _waiting(person)
    assert unassigned_drift() == []
