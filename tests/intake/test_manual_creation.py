"""A person typed in by a manager or an admin: the import's checks and
matching, a possible duplicate shown before saving, the pathway and its
deadlines written, the user's Département and territories only."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from intake.people import beneficiary_create
from pathways.enums import DeadlineKind, Stage
from pathways.models import Deadline, Pathway
from tests.caseload.factories import CommuneFactory, StaffProfileFactory, TerritoryFactory

URL = reverse("console:person_create")
APPLIED_ON = datetime.date.today() - datetime.timedelta(days=3)
VALID_NIR = "185044523401218"


@pytest.fixture
def manager():
    return StaffProfileFactory(manager=True)


@pytest.fixture
def territory(manager):
    return manager.territories.first()


def form(territory, **fields):
    return {
        "caf_number": "1234567",
        "household_role": "demandeur",
        "civility": "m",
        "last_name": "Martin",
        "first_name": "Paul",
        "birth_date": "1985-04-12",
        "rsa_application_date": APPLIED_ON.isoformat(),
        "territory": str(territory.pk),
        "phone": "06 12 34 56 78",
        **fields,
    }


def existing(territory, **fields):
    values = {
        "caf_number": "7654321",
        "household_role": "demandeur",
        "last_name": "Martin",
        "first_name": "Paul",
        "birth_date": datetime.date(1985, 4, 12),
        "rsa_application_date": APPLIED_ON,
        "territory": territory,
        **fields,
    }
    return beneficiary_create(acting_user=None, departement=territory.departement, **values)


def test_a_manager_creates_a_person_with_their_pathway_and_deadlines(login, manager, territory):
    response = login(manager).post(URL, form(territory))

    person = Beneficiary.objects.get(caf_number="1234567")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:person", args=[person.pk])
    assert (person.departement, person.territory, person.phone) == (
        territory.departement,
        territory,
        "06 12 34 56 78",
    )
    pathway = Pathway.objects.get(beneficiary=person)
    assert (pathway.stage, pathway.opened_on) == (Stage.PENDING, APPLIED_ON)
    assert set(Deadline.objects.filter(pathway=pathway).values_list("kind", flat=True)) >= {
        DeadlineKind.ENTRY,
        DeadlineKind.ORIENTATION,
    }


def test_an_admin_creates_a_person_in_any_territory_of_their_departement(login, manager):
    admin = StaffProfileFactory(admin=True, structure=manager.structure, territories=[])
    elsewhere = TerritoryFactory(departement=manager.structure.departement)

    response = login(admin).post(URL, form(elsewhere))

    assert response.status_code == 302
    assert Beneficiary.objects.get(caf_number="1234567").territory == elsewhere


def test_the_import_checks_refuse_a_bad_nir_key(login, manager, territory):
    bad = VALID_NIR[:13] + "00"

    response = login(manager).post(URL, form(territory, nir=bad))

    assert response.status_code == 422
    assert "La clé du NIR ne correspond pas" in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_the_contact_rules_refuse_a_junk_phone(login, manager, territory):
    response = login(manager).post(URL, form(territory, phone="12345"))

    assert response.status_code == 422
    assert "Numéro de téléphone invalide" in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_same_name_and_birth_date_is_shown_before_saving_and_can_be_confirmed(
    login, manager, territory
):
    twin = existing(territory)
    client = login(manager)

    response = client.post(URL, form(territory))

    assert response.status_code == 422
    html = response.content.decode()
    assert "Cette personne existe peut-être déjà" in html
    assert reverse("workspace:detail", args=[twin.pk]) in html
    assert "mêmes nom, prénom et date de naissance" in html
    assert Beneficiary.objects.count() == 1

    response = client.post(URL, form(territory, confirm_duplicate="on"))

    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"caf_number": "1234567"}, "même numéro allocataire et même rôle dans le foyer"),
        ({"nir": VALID_NIR}, "même NIR"),
    ],
)
def test_same_caf_number_and_role_or_nir_is_shown_and_cannot_be_confirmed(
    login, manager, territory, fields, reason
):
    existing(territory, first_name="Pierre", **fields)

    response = login(manager).post(URL, form(territory, nir=VALID_NIR, confirm_duplicate="on"))

    assert response.status_code == 422
    assert reason in response.content.decode()
    assert 'name="confirm_duplicate"' not in response.content.decode()
    assert Beneficiary.objects.count() == 1


@pytest.mark.parametrize("trait", ["sociopro_referent", "social_worker", "nurse", "pe_advisor"])
def test_referents_cannot_create_a_person(login, territory, trait):
    traits = {} if trait == "sociopro_referent" else {trait: True}
    referent = StaffProfileFactory(territories=[territory], **traits)
    client = login(referent)

    assert client.get(URL).status_code == 403
    assert client.post(URL, form(territory)).status_code == 403
    assert not Beneficiary.objects.exists()


def test_a_territory_of_another_departement_cannot_be_chosen(login, manager, territory):
    foreign = TerritoryFactory()

    response = login(manager).post(URL, form(foreign))

    assert response.status_code == 422
    assert not Beneficiary.objects.exists()


def test_a_manager_cannot_choose_a_territory_outside_theirs(login, manager):
    other = TerritoryFactory(departement=manager.structure.departement)

    response = login(manager).post(URL, form(other))

    assert response.status_code == 422
    assert not Beneficiary.objects.exists()


def test_a_commune_of_another_departement_cannot_be_chosen(login, manager, territory):
    foreign = CommuneFactory()

    response = login(manager).post(URL, form(territory, commune=str(foreign.pk)))

    assert response.status_code == 422
    assert not Beneficiary.objects.exists()


def test_the_console_links_to_the_creation_page(login, manager):
    assert URL in login(manager).get(reverse("console:queue")).content.decode()
