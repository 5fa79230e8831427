"""A page never shows a button whose action would answer 403 (or a refusal)
to the user who sees it: it is hidden, or disabled with the reason."""

import datetime

from django.urls import reverse
from django.utils import timezone

from caseload.enums import AssignmentEndReason
from caseload.models import Binome
from caseload.services import binome_enrol
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import (
    AssignmentFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.caseload.helpers import new_applicant
from tests.pathways.factories import ServiceOfferFactory

WRITE_URLS = ("interview_create", "contact_edit", "outreach_create", "contract_create", "consent")


def _write_links(page, person):
    return [name for name in WRITE_URLS if reverse(f"workspace:{name}", args=[person.pk]) in page]


def test_a_previous_referent_reading_a_record_sees_no_write_button(login):
    referent = StaffProfileFactory()
    person = BeneficiaryFactory(
        departement=referent.structure.departement, territory=referent.territories.first()
    )
    AssignmentFactory(
        beneficiary=person,
        staff=referent,
        started_at=timezone.now() - datetime.timedelta(days=60),
        ended_at=timezone.now() - datetime.timedelta(days=5),
        end_reason=AssignmentEndReason.REBALANCING,
    )
    client = login(referent)

    page = client.get(reverse("workspace:detail", args=[person.pk]))

    assert page.status_code == 200
    assert _write_links(page.content.decode(), person) == []
    # …and the action itself is indeed refused.
    assert client.get(reverse("workspace:contact_edit", args=[person.pk])).status_code == 403


def test_the_current_referent_still_sees_the_write_buttons(login):
    referent = StaffProfileFactory()
    person = BeneficiaryFactory(
        departement=referent.structure.departement, territory=referent.territories.first()
    )
    AssignmentFactory(beneficiary=person, staff=referent)

    page = login(referent).get(reverse("workspace:detail", args=[person.pk])).content.decode()

    assert _write_links(page, person) == list(WRITE_URLS)


def test_a_manager_reading_a_record_sees_no_write_button(login):
    manager = StaffProfileFactory(manager=True)
    person = BeneficiaryFactory(
        departement=manager.structure.departement, territory=manager.territories.first()
    )

    page = login(manager).get(reverse("workspace:detail", args=[person.pk])).content.decode()

    assert _write_links(page, person) == []


def test_a_binome_following_people_elsewhere_has_its_dissolve_button_disabled(login):
    territory_a = TerritoryFactory()
    territory_b = TerritoryFactory(departement=territory_a.departement)
    structure = StructureFactory(departement=territory_a.departement)
    manager_a = StaffProfileFactory(manager=True, structure=structure, territories=[territory_a])
    manager_b = StaffProfileFactory(manager=True, structure=structure, territories=[territory_b])
    binome = Binome.objects.create(
        pe_advisor=StaffProfileFactory(
            pe_advisor=True, structure=structure, territories=[territory_a, territory_b]
        ),
        social_worker=StaffProfileFactory(
            social_worker=True, structure=structure, territories=[territory_a, territory_b]
        ),
    )
    binome_enrol(
        beneficiary=new_applicant(territory_a),
        binome=binome,
        acting_user=manager_a.user,
        advisor_agrees=True,
        social_worker_agrees=True,
    )
    dissolve = reverse("console:binome_dissolve", args=[binome.pk])

    page_b = login(manager_b).get(reverse("console:binomes")).content.decode()
    page_a = login(manager_a).get(reverse("console:binomes")).content.decode()

    assert dissolve not in page_b
    assert "hors de vos territoires" in page_b
    assert dissolve in page_a


def test_an_operator_without_departement_is_not_offered_the_person_creation(login):
    operator = UserFactory(is_superuser=True, is_staff=True)
    client = login(operator)

    page = client.get(reverse("console:team")).content.decode()

    assert reverse("console:person_create") not in page
    assert client.get(reverse("console:person_create")).status_code == 403


def test_the_catalogue_offers_no_prescribe_button_to_a_previous_referent(login):
    referent = StaffProfileFactory()
    person = BeneficiaryFactory(
        departement=referent.structure.departement, territory=referent.territories.first()
    )
    AssignmentFactory(
        beneficiary=person,
        staff=referent,
        started_at=timezone.now() - datetime.timedelta(days=60),
        ended_at=timezone.now() - datetime.timedelta(days=5),
        end_reason=AssignmentEndReason.REBALANCING,
    )
    offer = ServiceOfferFactory(departement=person.departement)

    page = login(referent).get(reverse("workspace:catalogue"), {"person": person.pk})

    assert page.status_code == 200
    assert offer.title in page.content.decode()
    assert reverse("workspace:prescribe", args=[person.pk, offer.pk]) not in page.content.decode()


def test_the_catalogue_offers_the_prescribe_button_to_the_current_referent(login):
    referent = StaffProfileFactory()
    person = BeneficiaryFactory(
        departement=referent.structure.departement, territory=referent.territories.first()
    )
    AssignmentFactory(beneficiary=person, staff=referent)
    offer = ServiceOfferFactory(departement=person.departement)

    page = login(referent).get(reverse("workspace:catalogue"), {"person": person.pk})

    assert reverse("workspace:prescribe", args=[person.pk, offer.pk]) in page.content.decode()
