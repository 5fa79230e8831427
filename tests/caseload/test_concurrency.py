"""Hard caps and one referent per role under concurrency, on the real
PostgreSQL: every attempt runs in its own thread with its own database
connection, all released together."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from caseload.enums import Programme, StaffRole
from caseload.models import Assignment
from caseload.services import (
    CapReached,
    assignment_create,
    assignments_create_many,
    binome_create,
    binome_enrol,
)
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, set_cap, territory_team

ATTEMPTS = 50
DC = Programme.DROIT_COMMUN


def _run_together(attempt, arguments):
    """Run `attempt(argument)` in one thread per argument, released at once by
    a barrier once every thread holds its own connection."""
    barrier = threading.Barrier(len(arguments))
    outcomes = []
    lock = threading.Lock()

    def worker(argument):
        try:
            try:
                connection.ensure_connection()
            except Exception:
                # A thread that cannot connect (PostgreSQL's connection limit)
                # releases the others at once: the test then reports its error
                # rather than the barrier's timeout.
                barrier.abort()
                raise
            barrier.wait(timeout=60)
            try:
                attempt(argument)
                result = "ok"
            except CapReached as error:
                result = ("cap", error.messages[0])
            except ValidationError as error:
                result = (error.code, error.messages[0])
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


# Fifty connections at once: never beside the other fifty-thread test, or the
# two would exceed PostgreSQL's default 100 connections.
@pytest.mark.xdist_group("fifty_connections")
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_assignments_fill_exactly_the_five_free_places():
    territory, manager, referent = territory_team()
    departement = territory.departement
    set_cap(departement, StaffRole.SOCIOPRO_REFERENT, Programme.DROIT_COMMUN, 30)
    Assignment.objects.bulk_create(
        [
            Assignment(beneficiary=p, staff=referent, programme=Programme.DROIT_COMMUN)
            for p in BeneficiaryFactory.create_batch(
                25, departement=departement, territory=territory
            )
        ]
    )
    people = BeneficiaryFactory.create_batch(ATTEMPTS, departement=departement, territory=territory)

    outcomes = _run_together(
        lambda person: assignment_create(
            beneficiary=person,
            staff=referent,
            acting_user=manager.user,
            programme=Programme.DROIT_COMMUN,
        ),
        people,
    )

    assert len(outcomes) == ATTEMPTS
    assert outcomes.count("ok") == 5
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == 45
    assert all("Plafond atteint" in message for _kind, message in refused)
    assert Assignment.objects.active().filter(staff=referent).count() == 30


# Fifty connections too: in the same group, so that it never runs beside the
# test above (without the mark, xdist ran them at once: "too many clients").
@pytest.mark.xdist_group("fifty_connections")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("full_member", ["pe_advisor", "social_worker"])
def test_simultaneous_binome_enrolments_stop_at_either_members_cap(full_member):
    territory, manager, _referent = territory_team()
    departement = territory.departement
    advisor = StaffProfileFactory(
        pe_advisor=True, structure__departement=departement, territories=[territory]
    )
    worker = StaffProfileFactory(
        social_worker=True, structure__departement=departement, territories=[territory]
    )
    binome = binome_create(pe_advisor=advisor, social_worker=worker, acting_user=manager.user)
    programme = Programme.ACCOMPAGNEMENT_GLOBAL
    set_cap(departement, StaffRole.PE_ADVISOR, programme, 100)
    set_cap(departement, StaffRole.SOCIAL_WORKER, programme, 100)
    # The limiting member is already near their cap with people of their own.
    limiting = advisor if full_member == "pe_advisor" else worker
    set_cap(departement, limiting.role, programme, 30)
    Assignment.objects.bulk_create(
        [
            Assignment(beneficiary=p, staff=limiting, programme=programme)
            for p in BeneficiaryFactory.create_batch(
                25, departement=departement, territory=territory
            )
        ]
    )
    people = BeneficiaryFactory.create_batch(ATTEMPTS, departement=departement, territory=territory)

    outcomes = _run_together(
        lambda person: binome_enrol(
            beneficiary=person,
            binome=binome,
            acting_user=manager.user,
            advisor_agrees=True,
            social_worker_agrees=True,
        ),
        people,
    )

    assert outcomes.count("ok") == 5
    assert len([o for o in outcomes if o != "ok"]) == 45
    assert Assignment.objects.active().filter(staff=limiting).count() == 30
    # Each enrolled person counts once in each member's portfolio.
    assert Assignment.objects.active().filter(binome=binome, staff=advisor).count() == 5
    assert Assignment.objects.active().filter(binome=binome, staff=worker).count() == 5


@pytest.mark.django_db(transaction=True)
def test_managers_giving_one_queued_person_to_referents_of_one_role_at_once_leave_one_referent():
    territory, manager, referent = territory_team()
    colleagues = [referent] + [
        StaffProfileFactory(structure__departement=territory.departement, territories=[territory])
        for _ in range(9)
    ]
    person = new_applicant(territory)

    outcomes = _run_together(
        lambda staff: assignment_create(
            beneficiary=person, staff=staff, acting_user=manager.user, programme=DC
        ),
        colleagues,
    )

    assert outcomes.count("ok") == 1
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == 9
    assert {code for code, _message in refused} == {"role_taken"}
    assert all("Aucune affectation n'a été enregistrée" in m for _c, m in refused)
    assert Assignment.objects.active().filter(beneficiary=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_losing_bulk_assignment_of_a_shared_person_saves_none_of_its_people():
    territory, manager, referent = territory_team()
    colleague = StaffProfileFactory(
        structure__departement=territory.departement, territories=[territory]
    )
    shared = new_applicant(territory)
    own = {referent.pk: new_applicant(territory), colleague.pk: new_applicant(territory)}

    outcomes = _run_together(
        lambda staff: assignments_create_many(
            pairs=[(own[staff.pk], staff), (shared, staff)],
            acting_user=manager.user,
            programme=DC,
        ),
        [referent, colleague],
    )

    assert outcomes.count("ok") == 1
    [(code, _message)] = [o for o in outcomes if o != "ok"]
    assert code == "role_taken"
    winner = Assignment.objects.active().get(beneficiary=shared).staff_id
    loser = colleague.pk if winner == referent.pk else referent.pk
    assert Assignment.objects.active().filter(staff_id=winner).count() == 2
    assert not Assignment.objects.active().filter(staff_id=loser).exists()
    assert not Assignment.objects.filter(beneficiary=own[loser]).exists()
