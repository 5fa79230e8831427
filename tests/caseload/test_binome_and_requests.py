import pytest
from django.core.exceptions import ValidationError

from caseload.enums import AssignmentEndReason, ChangeRequestStatus, Programme, StaffRole
from caseload.models import Assignment, ReferentChangeRequest
from caseload.selectors import staff_load
from caseload.services import (
    CapReached,
    assignment_create,
    assignment_end,
    assignments_end_many,
    binome_create,
    binome_dissolve,
    binome_enrol,
    change_request_accept,
    change_request_refuse,
)
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, set_cap, territory_team

AG = Programme.ACCOMPAGNEMENT_GLOBAL


def _binome(territory, manager):
    advisor = StaffProfileFactory(
        pe_advisor=True, structure__departement=territory.departement, territories=[territory]
    )
    worker = StaffProfileFactory(
        social_worker=True, structure=manager.structure, territories=[territory]
    )
    return binome_create(pe_advisor=advisor, social_worker=worker, acting_user=manager.user)


def test_binome_enrolment_counts_in_both_portfolios_with_both_agreements():
    territory, manager, _referent = territory_team()
    binome = _binome(territory, manager)
    person = new_applicant(territory)

    assignments = binome_enrol(
        beneficiary=person,
        binome=binome,
        acting_user=manager.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )

    assert len(assignments) == 2
    assert all(a.binome == binome and a.binome_agreement_at for a in assignments)
    assert staff_load(binome.pe_advisor, AG) == (1, 100)
    assert staff_load(binome.social_worker, AG) == (1, None)


def test_binome_enrolment_needs_both_agreements():
    territory, manager, _referent = territory_team()
    binome = _binome(territory, manager)
    person = new_applicant(territory)

    with pytest.raises(ValidationError, match="accord des deux"):
        binome_enrol(
            beneficiary=person,
            binome=binome,
            acting_user=manager.user,
            advisor_agrees=True,
            social_worker_agrees=False,
        )
    assert not Assignment.objects.filter(beneficiary=person).exists()


def test_binome_enrolment_refused_when_one_member_is_full():
    territory, manager, _referent = territory_team()
    binome = _binome(territory, manager)
    set_cap(territory.departement, StaffRole.SOCIAL_WORKER, AG, 1)
    binome_enrol(
        beneficiary=new_applicant(territory),
        binome=binome,
        acting_user=manager.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )
    person = new_applicant(territory)

    with pytest.raises(CapReached):
        binome_enrol(
            beneficiary=person,
            binome=binome,
            acting_user=manager.user,
            advisor_agrees=True,
            social_worker_agrees=True,
        )
    assert not Assignment.objects.filter(beneficiary=person).exists()


def test_binome_roles_are_checked_and_dissolving_ends_the_follow_ups():
    territory, manager, referent = territory_team()
    with pytest.raises(ValidationError, match="conseiller France Travail"):
        binome_create(pe_advisor=referent, social_worker=referent, acting_user=manager.user)
    binome = _binome(territory, manager)
    person = new_applicant(territory)
    binome_enrol(
        beneficiary=person,
        binome=binome,
        acting_user=manager.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )

    binome_dissolve(binome=binome, acting_user=manager.user)

    assert not Assignment.objects.active().filter(beneficiary=person).exists()
    assert set(
        Assignment.objects.filter(beneficiary=person).values_list("end_reason", flat=True)
    ) == {AssignmentEndReason.BINOME_DISSOLVED}
    with pytest.raises(ValidationError, match="déjà dissous"):
        binome_dissolve(binome=binome, acting_user=manager.user)


def _request(person, referent):
    return ReferentChangeRequest.objects.create(
        beneficiary=person,
        requested_by=referent.user,
        requested_role=StaffRole.SOCIAL_WORKER,
        reason="Freins sociaux importants",
    )


def _enrol(binome, person, manager):
    return binome_enrol(
        beneficiary=person,
        binome=binome,
        acting_user=manager.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )


@pytest.mark.parametrize("ended_member", ["pe_advisor", "social_worker"])
def test_ending_one_members_follow_up_of_a_binome_person_ends_the_partners_too(ended_member):
    territory, manager, _referent = territory_team()
    binome = _binome(territory, manager)
    person, other_person = new_applicant(territory), new_applicant(territory)
    _enrol(binome, person, manager)
    _enrol(binome, other_person, manager)
    ended = Assignment.objects.get(beneficiary=person, staff=getattr(binome, ended_member))

    assert (
        assignments_end_many(
            assignments=[ended],
            acting_user=manager.user,
            end_reason=AssignmentEndReason.OTHER,
            detail="Fin de l'accompagnement global",
        )
        == 2
    )

    assert not Assignment.objects.active().filter(beneficiary=person).exists()
    assert set(
        Assignment.objects.filter(beneficiary=person).values_list(
            "end_reason", "end_detail", "ended_by"
        )
    ) == {(AssignmentEndReason.OTHER, "Fin de l'accompagnement global", manager.user.pk)}
    # The binôme's other people stay followed by both members.
    assert Assignment.objects.active().filter(beneficiary=other_person).count() == 2


def test_ending_a_binome_persons_follow_up_spares_their_referents_outside_the_binome():
    territory, manager, referent = territory_team()
    binome = _binome(territory, manager)
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    advisor_follow_up, _worker_follow_up = sorted(
        _enrol(binome, person, manager), key=lambda a: a.staff_id != binome.pe_advisor_id
    )

    assignment_end(
        assignment=advisor_follow_up,
        acting_user=manager.user,
        end_reason=AssignmentEndReason.OTHER,
    )

    assert list(Assignment.objects.active().filter(beneficiary=person)) == [
        Assignment.objects.get(beneficiary=person, staff=referent)
    ]


def test_accepting_a_change_request_moves_the_person_to_the_new_referent():
    territory, manager, referent = territory_team()
    worker = StaffProfileFactory(
        social_worker=True, structure=manager.structure, territories=[territory]
    )
    person = new_applicant(territory)
    old = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    request = _request(person, referent)

    change_request_accept(change_request=request, new_staff=worker, acting_user=manager.user)

    request.refresh_from_db()
    old.refresh_from_db()
    assert request.status == ChangeRequestStatus.ACCEPTED
    assert request.new_staff == worker and request.decided_by == manager.user
    assert old.end_reason == AssignmentEndReason.STAGE_CHANGE
    assert Assignment.objects.active().get(beneficiary=person).staff == worker
    with pytest.raises(ValidationError, match="déjà été traitée"):
        change_request_refuse(change_request=request, acting_user=manager.user, reason="Non")


def test_accepting_to_a_full_referent_changes_nothing():
    territory, manager, referent = territory_team()
    worker = StaffProfileFactory(
        social_worker=True, structure=manager.structure, territories=[territory]
    )
    set_cap(territory.departement, StaffRole.SOCIAL_WORKER, Programme.DROIT_COMMUN, 1)
    assignment_create(beneficiary=new_applicant(territory), staff=worker, acting_user=manager.user)
    person = new_applicant(territory)
    assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    request = _request(person, referent)

    with pytest.raises(CapReached):
        change_request_accept(change_request=request, new_staff=worker, acting_user=manager.user)

    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    assert Assignment.objects.active().get(beneficiary=person).staff == referent


def test_refusing_needs_a_reason():
    territory, manager, referent = territory_team()
    person = new_applicant(territory)
    request = _request(person, referent)

    with pytest.raises(ValidationError, match="motif du refus"):
        change_request_refuse(change_request=request, acting_user=manager.user, reason=" ")
    change_request_refuse(change_request=request, acting_user=manager.user, reason="Pas de place")
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.REFUSED
    assert request.decision_reason == "Pas de place"
