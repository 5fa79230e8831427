"""The referent workspace's services: interviews, stages, contracts, prescriptions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.enums import AccessAction, BarrierKind, BarrierState
from beneficiaries.models import Barrier, BarrierEvent, RecordAccessLog
from caseload.enums import ChangeRequestStatus, StaffRole
from caseload.models import ReferentChangeRequest
from core.exceptions import StaleVersionError
from pathways.enums import (
    DeadlineKind,
    DeadlineState,
    ExitOutcome,
    InterviewKind,
    InterviewStatus,
    Stage,
)
from pathways.models import Contract, Deadline, Interview, InterviewRevision, Prescription
from pathways.services.followup import (
    contract_create,
    interview_create,
    interview_update,
    prescription_create,
)
from pathways.services.transitions import pathway_advance
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory
from tests.pathways.factories import ServiceOfferFactory
from tests.workspace import offer_for, person_followed_by

TODAY = datetime.date.today()


@pytest.fixture
def staff():
    return StaffProfileFactory()


@pytest.fixture
def person(staff):
    return person_followed_by(staff, days_ago=3)


def _log(staff, person, **kwargs):
    values = {
        "acting_user": staff.user,
        "beneficiary": person,
        "occurred_on": TODAY,
        "kind": InterviewKind.INDIVIDUAL,
    }
    values.update(kwargs)
    return interview_create(**values)


def test_first_held_interview_marks_entry_and_meets_the_15_day_deadline(staff, person):
    offer = offer_for(staff)

    interview = _log(
        staff,
        person,
        notes="Premier entretien",
        barrier_changes={BarrierKind.MOBILITY: BarrierState.IDENTIFIED},
        prescriptions=[{"offer": offer, "hours_per_week": Decimal("6")}],
    )

    pathway = person.pathways.get()
    assert pathway.entered_on == TODAY
    entry = Deadline.objects.get(pathway=pathway, kind=DeadlineKind.ENTRY)
    assert entry.met_on == TODAY
    assert entry.state == DeadlineState.MET
    barrier = Barrier.objects.get(beneficiary=person)
    assert barrier.kind == BarrierKind.MOBILITY
    assert BarrierEvent.objects.get(barrier=barrier).interview == interview
    prescription = Prescription.objects.get(beneficiary=person)
    assert (prescription.offer, prescription.hours_per_week, prescription.interview) == (
        offer,
        Decimal("6"),
        interview,
    )
    person.refresh_from_db()
    assert person.last_contact_at.date() == TODAY
    assert RecordAccessLog.objects.filter(
        beneficiary_id=person.pk, action=AccessAction.CHANGE, detail="entretien"
    ).exists()


def test_a_second_interview_keeps_the_first_entry_date(staff, person):
    _log(staff, person, occurred_on=TODAY - datetime.timedelta(days=1))
    _log(staff, person)
    assert person.pathways.get().entered_on == TODAY - datetime.timedelta(days=1)


def test_a_planned_interview_does_not_mark_the_entry(staff, person):
    _log(
        staff,
        person,
        occurred_on=TODAY + datetime.timedelta(days=5),
        status=InterviewStatus.PLANNED,
    )
    assert person.pathways.get().entered_on is None
    assert Deadline.objects.get(kind=DeadlineKind.ENTRY).met_on is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"occurred_on": TODAY + datetime.timedelta(days=1)}, "occurred_on"),
        ({"notes": "x" * 10001}, "notes"),
        ({"prescriptions": [{"offer": 0, "hours_per_week": 5}]}, "prescriptions-0-offer"),
        ({"barrier_changes": {"unknown": "identified"}}, "barriers"),
    ],
)
def test_bad_interview_saves_nothing(staff, person, kwargs, field):
    with pytest.raises(ValidationError) as error:
        _log(staff, person, **kwargs)
    assert field in error.value.message_dict
    assert not Interview.objects.exists()
    assert person.pathways.get().entered_on is None


@pytest.mark.parametrize("hours", [Decimal("-1"), Decimal("35.5"), "abc"])
def test_hours_outside_0_35_are_refused(staff, person, hours):
    offer = offer_for(staff)
    with pytest.raises(ValidationError) as error:
        _log(staff, person, prescriptions=[{"offer": offer, "hours_per_week": hours}])
    assert "prescriptions-0-hours_per_week" in error.value.message_dict
    assert not Interview.objects.exists()
    assert not Prescription.objects.exists()


def test_an_offer_of_another_departement_is_unknown(staff, person):
    foreign = ServiceOfferFactory()
    with pytest.raises(ValidationError):
        prescription_create(
            acting_user=staff.user, beneficiary=person, offer=foreign, hours_per_week=5
        )
    assert not Prescription.objects.exists()


def test_editing_an_interview_keeps_its_history_and_refuses_a_stale_version(staff, person):
    interview = _log(staff, person, notes="v1")
    updated = interview_update(
        acting_user=staff.user,
        interview=interview,
        expected_version=1,
        occurred_on=TODAY,
        kind=InterviewKind.PHONE,
        status=InterviewStatus.HELD,
        notes="v2",
    )
    assert updated.version == 2
    revision = InterviewRevision.objects.get(interview=interview)
    assert (revision.version, revision.snapshot["notes"]) == (1, "v1")

    with pytest.raises(StaleVersionError):
        interview_update(
            acting_user=staff.user,
            interview=interview,
            expected_version=1,
            occurred_on=TODAY,
            kind=InterviewKind.INDIVIDUAL,
            status=InterviewStatus.HELD,
            notes="écrasement",
        )
    interview.refresh_from_db()
    assert (interview.notes, interview.version) == ("v2", 2)
    assert InterviewRevision.objects.count() == 1


def test_a_planned_interview_held_later_marks_the_entry(staff, person):
    interview = _log(staff, person, status=InterviewStatus.PLANNED)
    interview_update(
        acting_user=staff.user,
        interview=interview,
        expected_version=1,
        occurred_on=TODAY,
        kind=InterviewKind.INDIVIDUAL,
        status=InterviewStatus.HELD,
    )
    assert person.pathways.get().entered_on == TODAY


def test_stages_forward_back_and_exit_write_the_transition_log(staff, person):
    pathway = person.pathways.get()
    pathway, request = pathway_advance(
        acting_user=staff.user, pathway=pathway, to_stage=Stage.SOCIOPRO
    )
    assert pathway.stage == Stage.SOCIOPRO
    assert request is None  # a socio-professional referent already follows the person

    with pytest.raises(ValidationError) as error:
        pathway_advance(acting_user=staff.user, pathway=pathway, to_stage=Stage.SOCIAL)
    assert "reason" in error.value.message_dict

    pathway, _ = pathway_advance(
        acting_user=staff.user, pathway=pathway, to_stage=Stage.SOCIAL, reason="Logement d'abord"
    )
    assert Deadline.objects.open().filter(kind=DeadlineKind.SOCIAL_REVIEW).exists()

    with pytest.raises(ValidationError) as error:
        pathway_advance(acting_user=staff.user, pathway=pathway, to_stage=Stage.EXIT)
    assert "outcome" in error.value.message_dict

    pathway, _ = pathway_advance(
        acting_user=staff.user, pathway=pathway, to_stage=Stage.EXIT, outcome=ExitOutcome.CDI
    )
    assert pathway.closed_at is not None
    assert not Deadline.objects.open().filter(pathway=pathway).exists()
    log = list(pathway.transitions.order_by("pk").values_list("from_stage", "to_stage", "reason"))
    assert log == [
        ("", Stage.PENDING, "Ouverture"),
        (Stage.PENDING, Stage.SOCIOPRO, ""),
        (Stage.SOCIOPRO, Stage.SOCIAL, "Logement d'abord"),
        (Stage.SOCIAL, Stage.EXIT, ""),
    ]
    assert all(t.by == staff.user for t in pathway.transitions.exclude(from_stage=""))


def test_a_stage_that_needs_another_role_proposes_a_referent_change(staff, person):
    pathway = person.pathways.get()
    pathway, request = pathway_advance(
        acting_user=staff.user, pathway=pathway, to_stage=Stage.EMPLOYMENT
    )
    assert request.status == ChangeRequestStatus.PENDING
    assert request.requested_role == StaffRole.PE_ADVISOR
    assert request.requested_by == staff.user
    # a second move keeps the single pending request
    pathway, again = pathway_advance(
        acting_user=staff.user, pathway=pathway, to_stage=Stage.SOCIAL, reason="Santé"
    )
    assert again == request
    assert ReferentChangeRequest.objects.count() == 1


def test_a_stale_stage_change_is_refused(staff, person):
    pathway = person.pathways.get()
    pathway_advance(acting_user=staff.user, pathway=pathway, to_stage=Stage.SOCIOPRO)
    with pytest.raises(StaleVersionError):
        pathway_advance(
            acting_user=staff.user,
            pathway=pathway,
            to_stage=Stage.EMPLOYMENT,
            expected_stage=Stage.PENDING,
        )


def test_contract_meets_the_contract_deadline_and_reduced_hours_need_a_reason(staff, person):
    pathway = person.pathways.get()
    from pathways.services.deadlines import deadline_open

    deadline_open(pathway=pathway, kind=DeadlineKind.CONTRACT, reference_date=TODAY)
    with pytest.raises(ValidationError) as error:
        contract_create(
            acting_user=staff.user,
            beneficiary=person,
            signed_on=TODAY,
            review_on=TODAY + datetime.timedelta(days=180),
            weekly_hours=Decimal("8"),
        )
    assert "hours_reduction_reason" in error.value.message_dict
    contract = contract_create(
        acting_user=staff.user,
        beneficiary=person,
        signed_on=TODAY,
        review_on=TODAY + datetime.timedelta(days=180),
        weekly_hours=Decimal("8"),
        hours_reduction_reason="health",
        objectives=[("Permis B", "open"), ("", "open")],
    )
    assert [o.label for o in contract.objectives.all()] == ["Permis B"]
    assert Deadline.objects.get(kind=DeadlineKind.CONTRACT).met_on == TODAY
    renewed = contract_create(
        acting_user=staff.user,
        beneficiary=person,
        signed_on=TODAY,
        review_on=TODAY + datetime.timedelta(days=365),
        weekly_hours=Decimal("15"),
    )
    assert Contract.objects.filter(beneficiary=person).count() == 2
    assert renewed.pk != contract.pk


def test_binome_partner_is_accepted_as_attendee(staff, person):
    other = AssignmentFactory(beneficiary=person, staff__role=StaffRole.SOCIAL_WORKER).staff
    interview = _log(staff, person, attendees=[staff, other], kind=InterviewKind.JOINT_BINOME)
    assert set(interview.attendees.all()) == {staff, other}
