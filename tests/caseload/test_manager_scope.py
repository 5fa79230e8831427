"""A manager acts on the people of *their* territories, never on those of the
territories of the referents they share with another manager: every console
action, single or bulk, checks each person against the manager's territories
(all or nothing, with a French refusal)."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from caseload.enums import AssignmentEndReason, Programme
from caseload.models import Assignment, Binome
from caseload.perms import OutOfScope
from caseload.services import (
    assignment_create,
    assignments_create_many,
    assignments_end_many,
    binome_dissolve,
    binome_enrol,
)
from pathways.enums import Orientation, Stage
from pathways.models import OrientationDecision, Pathway
from pathways.services.orientation import orientation_decide
from tests.caseload.factories import StaffProfileFactory, StructureFactory, TerritoryFactory
from tests.caseload.helpers import new_applicant
from tests.caseload.html import text_of

END = AssignmentEndReason.OTHER


@dataclass
class Shared:
    territory_a: object
    territory_b: object
    shared: object
    manager_a: object
    manager_b: object
    person_a: object
    person_b: object
    assignment_a: object
    assignment_b: object


@pytest.fixture
def shared():
    """One referent working in territories A and B, following one person in
    each; a manager for each territory."""
    territory_a = TerritoryFactory(name="Montargis")
    departement = territory_a.departement
    territory_b = TerritoryFactory(departement=departement, name="Gien")
    structure = StructureFactory(departement=departement)
    shared_referent = StaffProfileFactory(
        structure=structure, territories=[territory_a, territory_b], user__last_name="Partagee"
    )
    manager_a = StaffProfileFactory(manager=True, structure=structure, territories=[territory_a])
    manager_b = StaffProfileFactory(manager=True, structure=structure, territories=[territory_b])
    person_a = new_applicant(territory_a, last_name="Demontargis")
    person_b = new_applicant(territory_b, last_name="Degien")
    assignment_a = assignment_create(
        beneficiary=person_a, staff=shared_referent, acting_user=manager_a.user
    )
    assignment_b = assignment_create(
        beneficiary=person_b, staff=shared_referent, acting_user=manager_b.user
    )
    return Shared(
        territory_a,
        territory_b,
        shared_referent,
        manager_a,
        manager_b,
        person_a,
        person_b,
        assignment_a,
        assignment_b,
    )


def _active_ids():
    return set(Assignment.objects.active().values_list("pk", flat=True))


# --- The staff page of a shared referent -------------------------------------------------


def test_a_shared_referents_page_lists_only_the_managers_territory_people(login, shared):
    page = login(shared.manager_b).get(reverse("console:staff", args=[shared.shared.pk]))

    body = text_of(page.content.decode())
    assert page.status_code == 200
    assert "DEGIEN" in body.upper()
    assert "DEMONTARGIS" not in body.upper()


def test_the_other_manager_sees_their_own_territory_people_on_the_same_page(login, shared):
    page = login(shared.manager_a).get(reverse("console:staff", args=[shared.shared.pk]))

    body = text_of(page.content.decode()).upper()
    assert "DEMONTARGIS" in body
    assert "DEGIEN" not in body


def test_the_bulk_end_of_another_territorys_follow_up_is_refused_in_french(login, shared):
    before = _active_ids()

    response = login(shared.manager_b).post(
        reverse("console:staff_bulk", args=[shared.shared.pk]),
        {
            "assignments": [shared.assignment_b.pk, shared.assignment_a.pk],
            "action": "end",
            "end_reason": END,
        },
    )

    assert response.status_code == 403
    assert "pas dans vos territoires" in text_of(response.content.decode())
    assert _active_ids() == before


def test_the_bulk_reassign_of_another_territorys_follow_up_is_refused(login, shared):
    colleague = StaffProfileFactory(
        structure=shared.shared.structure, territories=[shared.territory_b]
    )
    before = _active_ids()

    response = login(shared.manager_b).post(
        reverse("console:staff_bulk", args=[shared.shared.pk]),
        {
            "assignments": [shared.assignment_a.pk],
            "action": "reassign",
            "staff": colleague.pk,
            "end_reason": END,
        },
    )

    assert response.status_code == 403
    assert _active_ids() == before


def test_the_bulk_end_of_the_managers_own_people_still_works(login, shared):
    response = login(shared.manager_b).post(
        reverse("console:staff_bulk", args=[shared.shared.pk]),
        {"assignments": [shared.assignment_b.pk], "action": "end", "end_reason": END},
    )

    assert response.status_code == 302
    assert _active_ids() == {shared.assignment_a.pk}


def test_ending_another_territorys_follow_up_one_by_one_is_404(login, shared):
    response = login(shared.manager_b).post(
        reverse("console:assignment_end", args=[shared.assignment_a.pk]), {"end_reason": END}
    )

    assert response.status_code == 404
    assert shared.assignment_a.pk in _active_ids()


def test_the_dashboard_lists_no_cap_override_of_another_territorys_person(login, shared):
    Assignment.objects.filter(pk=shared.assignment_a.pk).update(over_cap_reason="Urgence A")

    body = text_of(login(shared.manager_b).get(reverse("console:team")).content.decode())

    assert "DEMONTARGIS" not in body.upper()


# --- Bulk actions of the queue ---------------------------------------------------------------


def test_a_queue_batch_with_one_person_of_another_territory_is_refused_whole(login, shared):
    mine = new_applicant(shared.territory_b)
    theirs = new_applicant(shared.territory_a)

    response = login(shared.manager_b).post(
        reverse("console:queue_assign"),
        {"people": [mine.pk, theirs.pk], "staff": shared.shared.pk},
    )

    assert response.status_code == 403
    assert "rien n'a été modifié" in text_of(response.content.decode())
    assert not Assignment.objects.filter(beneficiary__in=[mine, theirs]).exists()


def test_a_batch_orientation_with_one_person_of_another_territory_is_refused_whole(login, shared):
    mine = new_applicant(shared.territory_b)
    theirs = new_applicant(shared.territory_a)

    response = login(shared.manager_b).post(
        reverse("console:queue_orient"),
        {
            "people": [mine.pk, theirs.pk],
            "orientation": Orientation.SOCIALE,
            "programme": Programme.DROIT_COMMUN,
            "starting_stage": Stage.SOCIAL,
        },
    )

    assert response.status_code == 403
    assert not OrientationDecision.objects.exists()


def test_a_balancing_plan_with_a_person_of_another_territory_is_refused(login, shared):
    theirs = new_applicant(shared.territory_a)

    response = login(shared.manager_b).post(
        reverse("console:balance_confirm"), {"plan": [f"{theirs.pk}:{shared.shared.pk}"]}
    )

    assert response.status_code == 403
    assert not Assignment.objects.filter(beneficiary=theirs).exists()


# --- The services refuse too, whatever calls them --------------------------------------------


def test_the_end_service_refuses_a_manager_ending_another_territorys_follow_up(shared):
    with pytest.raises(OutOfScope):
        assignments_end_many(
            assignments=[shared.assignment_b, shared.assignment_a],
            acting_user=shared.manager_b.user,
            end_reason=END,
        )

    assert _active_ids() == {shared.assignment_a.pk, shared.assignment_b.pk}


def test_the_assign_service_refuses_a_person_of_another_territory(shared):
    theirs = new_applicant(shared.territory_a)

    with pytest.raises(OutOfScope):
        assignments_create_many(pairs=[(theirs, shared.shared)], acting_user=shared.manager_b.user)

    assert not Assignment.objects.filter(beneficiary=theirs).exists()


def test_the_orientation_service_refuses_a_person_of_another_territory(shared):
    theirs = new_applicant(shared.territory_a)

    with pytest.raises(OutOfScope):
        orientation_decide(
            pathway=Pathway.objects.open().get(beneficiary=theirs),
            orientation=Orientation.SOCIALE,
            programme=Programme.DROIT_COMMUN,
            starting_stage=Stage.SOCIAL,
            acting_user=shared.manager_b.user,
        )

    assert not OrientationDecision.objects.exists()


def _shared_binome(shared):
    advisor = StaffProfileFactory(
        pe_advisor=True,
        structure__departement=shared.territory_a.departement,
        territories=[shared.territory_a, shared.territory_b],
    )
    worker = StaffProfileFactory(
        social_worker=True,
        structure=shared.shared.structure,
        territories=[shared.territory_a, shared.territory_b],
    )
    return Binome.objects.create(pe_advisor=advisor, social_worker=worker)


def _binome_following_someone_of_territory_a(shared):
    """A binôme of territories A and B following one person of A (enrolled
    by A's manager)."""
    binome = _shared_binome(shared)
    binome_enrol(
        beneficiary=new_applicant(shared.territory_a),
        binome=binome,
        acting_user=shared.manager_a.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )
    return binome


def test_the_enrol_service_refuses_a_person_of_another_territory(shared):
    binome = _shared_binome(shared)
    theirs = new_applicant(shared.territory_a)

    with pytest.raises(OutOfScope):
        binome_enrol(
            beneficiary=theirs,
            binome=binome,
            acting_user=shared.manager_b.user,
            advisor_agrees=True,
            social_worker_agrees=True,
        )

    assert not Assignment.objects.filter(beneficiary=theirs).exists()


def test_a_binome_following_people_of_another_territory_is_not_dissolved_by_one_manager(
    login, shared
):
    binome = _binome_following_someone_of_territory_a(shared)

    response = login(shared.manager_b).post(reverse("console:binome_dissolve", args=[binome.pk]))

    assert response.status_code == 422
    assert "hors de vos territoires" in text_of(response.content.decode())
    binome.refresh_from_db()
    assert binome.is_active


def test_the_binomes_page_disables_dissolving_a_binome_following_people_of_another_territory(
    login, shared
):
    binome = _binome_following_someone_of_territory_a(shared)

    page_b = login(shared.manager_b).get(reverse("console:binomes")).content.decode()
    page_a = login(shared.manager_a).get(reverse("console:binomes")).content.decode()

    assert f"binome-{binome.pk}-hors-territoire" in page_b
    assert f"binome-{binome.pk}-hors-territoire" not in page_a


def test_the_dissolve_service_lets_the_territorys_own_manager_do_it(shared):
    binome = _binome_following_someone_of_territory_a(shared)

    binome_dissolve(binome=binome, acting_user=shared.manager_a.user)

    binome.refresh_from_db()
    assert not binome.is_active
