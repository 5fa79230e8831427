"""An exit ends the follow-up: the person leaves their referents' portfolios
and caps in the exit's transaction (people who left before: see
test_exit_migration.py)."""

import pytest
from django.core.exceptions import ValidationError

from caseload.enums import AssignmentEndReason, Programme
from caseload.models import Assignment
from caseload.selectors import load_counter_drift, staff_load
from caseload.services import binome_create, binome_enrol
from pathways.enums import ExitOutcome, Stage
from pathways.models import Pathway
from pathways.services.transitions import pathway_advance
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.html import load_cells

DC = Programme.DROIT_COMMUN


def _leave(person, referent, outcome=ExitOutcome.CDI, detail=""):
    return pathway_advance(
        acting_user=referent.user,
        pathway=Pathway.objects.get(beneficiary=person, closed_at__isnull=True),
        to_stage=Stage.EXIT,
        outcome=outcome,
        outcome_detail=detail,
    )


def test_an_exit_ends_the_persons_follow_up_with_the_exit_as_its_reason(new_applicant, referent):
    person = new_applicant(followed_by=referent)

    _leave(person, referent, ExitOutcome.TRAINING, "CAP cuisine")

    assignment = Assignment.objects.get(beneficiary=person)
    assert assignment.ended_at is not None
    assert assignment.end_reason == AssignmentEndReason.PATHWAY_EXIT
    assert assignment.end_detail == "Formation : CAP cuisine"
    assert assignment.ended_by == referent.user


def test_an_exit_ends_every_referent_of_the_person_binome_included(
    new_applicant, referent, manager
):
    departement = referent.structure.departement
    territories = list(referent.territories.all())
    binome = binome_create(
        pe_advisor=StaffProfileFactory(
            pe_advisor=True, structure__departement=departement, territories=territories
        ),
        social_worker=StaffProfileFactory(
            social_worker=True, structure__departement=departement, territories=territories
        ),
    )
    person = new_applicant(followed_by=referent)
    binome_enrol(
        beneficiary=person,
        binome=binome,
        acting_user=manager.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )

    _leave(person, referent)

    assert not Assignment.objects.active().filter(beneficiary=person).exists()
    assert set(
        Assignment.objects.filter(beneficiary=person).values_list("end_reason", flat=True)
    ) == {AssignmentEndReason.PATHWAY_EXIT}


def test_a_refused_exit_leaves_the_follow_up_running(new_applicant, referent):
    person = new_applicant(followed_by=referent)

    with pytest.raises(ValidationError):
        _leave(person, referent, outcome="")

    assert Assignment.objects.active().filter(beneficiary=person).count() == 1


def test_a_move_that_keeps_the_pathway_open_keeps_the_follow_up(new_applicant, referent):
    person = new_applicant(followed_by=referent)

    pathway_advance(
        acting_user=referent.user,
        pathway=Pathway.objects.get(beneficiary=person),
        to_stage=Stage.SOCIOPRO,
    )

    assert Assignment.objects.active().filter(beneficiary=person).count() == 1


def test_staff_load_no_longer_counts_a_person_who_left(new_applicant, referent):
    staying, leaving = new_applicant(followed_by=referent), new_applicant(followed_by=referent)
    assert staff_load(referent, DC)[0] == 2

    _leave(leaving, referent)

    assert staff_load(referent, DC)[0] == 1
    assert staff_load(referent)[0] == 1
    assert Assignment.objects.active().get(staff=referent).beneficiary == staying


def test_the_team_dashboard_no_longer_counts_a_person_who_left(
    login, new_applicant, referent, manager
):
    new_applicant(followed_by=referent)
    leaving = new_applicant(followed_by=referent)
    name = referent.user.get_full_name()

    def load_cell():
        response = login(manager).get("/equipe/")
        assert response.status_code == 200
        return load_cells(response.content.decode(), name)[0]

    assert load_cell().startswith("2 / ")

    _leave(leaving, referent)

    assert load_cell().startswith("1 / ")


def test_an_exit_keeps_the_stored_loads_exact(new_applicant, referent):
    leaving = new_applicant(followed_by=referent)
    new_applicant(followed_by=referent)

    _leave(leaving, referent)

    assert load_counter_drift() == []
