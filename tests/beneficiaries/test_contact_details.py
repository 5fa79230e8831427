"""Contact details: the contact form and the imports keep or refuse the same
phones, postcodes and emails; emptying every field asks for a confirmation."""

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from beneficiaries.validators import normalise_phone, normalise_postcode
from intake.imports.columns import guess_columns
from intake.imports.validation import RowChecker
from tests.beneficiaries.imports.files import HEADERS
from tests.beneficiaries.imports.files import person as file_row
from tests.beneficiaries.imports.test_validation import TODAY
from tests.caseload.factories import StaffProfileFactory
from tests.workspace import person_followed_by

HTMX = {"HTTP_HX_REQUEST": "true"}
EMPTY = {"phone": "", "email": "", "address_line": "", "postcode": "", "city": ""}

ACCEPTED_PHONES = [
    ("02 38 12 34 56", "02 38 12 34 56"),  # landline
    ("0612345678", "06 12 34 56 78"),  # mobile
    ("07.12.34.56.78", "07 12 34 56 78"),
    ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
    ("0033 9 12 34 56 78", "09 12 34 56 78"),
    ("+262 692 12 34 56", "06 92 12 34 56"),  # La Réunion, mobile
    ("0590 12 34 56", "05 90 12 34 56"),  # Guadeloupe, landline
    ("+596 696 12 34 56", "06 96 12 34 56"),  # Martinique
    ("+687 12 34 56", "+687 12 34 56"),  # Nouvelle-Calédonie
    ("+689 87 12 34 56", "+689 87 12 34 56"),  # Polynésie française
]
REFUSED_PHONES = ["12345", "06 12 34", "00 00 00 00 00", "+44 20 7946 0958", "téléphone"]
REFUSED_POSTCODES = ["ABCDE", "123", "00100", "4 5"]


@pytest.fixture
def staff():
    return StaffProfileFactory()


@pytest.fixture
def someone(staff):
    return person_followed_by(staff, phone="06 11 11 11 11", postcode="45000", city="Orléans")


def post_contact(client, person, **fields):
    person.refresh_from_db()
    data = {**EMPTY, "phone": person.phone, "postcode": person.postcode, "city": person.city}
    return client.post(
        reverse("workspace:contact_edit", args=[person.pk]),
        {**data, "version": str(person.version), **fields},
        **HTMX,
    )


def imported(**cells):
    checker = RowChecker(HEADERS, guess_columns(HEADERS), today=TODAY)
    row = file_row(1, **cells)
    return checker.check([row[h] for h in HEADERS])


@pytest.mark.parametrize("value", REFUSED_PHONES)
def test_the_contact_form_refuses_a_phone_number_the_import_refuses(login, staff, someone, value):
    response = post_contact(login(staff), someone, phone=value)

    assert response.status_code == 422
    assert "Numéro de téléphone invalide" in response.content.decode()
    assert Beneficiary.objects.get(pk=someone.pk).phone == "06 11 11 11 11"
    assert "phone" not in imported(**{"N° Téléphones": value}).values


@pytest.mark.parametrize("value", REFUSED_POSTCODES)
def test_the_contact_form_refuses_a_postcode_the_import_refuses(login, staff, someone, value):
    response = post_contact(login(staff), someone, postcode=value)

    assert response.status_code == 422
    assert "Code postal invalide" in response.content.decode()
    assert Beneficiary.objects.get(pk=someone.pk).postcode == "45000"
    assert "postcode" not in imported(**{"CP Ville": f"{value} MONTARGIS"}).values


@pytest.mark.parametrize(("value", "stored"), ACCEPTED_PHONES)
def test_landlines_mobiles_and_overseas_numbers_are_stored_alike_by_form_and_import(
    login, staff, someone, value, stored
):
    response = post_contact(login(staff), someone, phone=value)

    assert response.status_code == 200
    assert Beneficiary.objects.get(pk=someone.pk).phone == stored
    assert imported(**{"N° Téléphones": value}).values["phone"] == stored


def test_the_contact_form_refuses_an_email_the_import_refuses(login, staff, someone):
    response = post_contact(login(staff), someone, email="marie@")

    assert response.status_code == 422
    assert "email" not in imported(**{"Adresses Mails": "marie@"}).values


def test_emails_are_stored_trimmed_and_lowercased_by_form_and_import(login, staff, someone):
    post_contact(login(staff), someone, email=" Marie.Durand@Example.org ")

    assert Beneficiary.objects.get(pk=someone.pk).email == "marie.durand@example.org"
    assert imported(**{"Adresses Mails": "Marie.Durand@Example.org"}).values["email"] == (
        "marie.durand@example.org"
    )


def test_a_person_without_email_saves_their_other_details(login, staff, someone):
    response = post_contact(login(staff), someone, email="", phone="0238123456")

    assert response.status_code == 200
    saved = Beneficiary.objects.get(pk=someone.pk)
    assert (saved.phone, saved.email) == ("02 38 12 34 56", "")


def test_emptying_every_contact_field_asks_for_a_confirmation(login, staff, someone):
    response = post_contact(login(staff), someone, **EMPTY)

    assert response.status_code == 422
    html = response.content.decode()
    assert "Toutes les coordonnées seraient effacées" in html
    assert 'name="erase_all"' in html
    assert Beneficiary.objects.get(pk=someone.pk).phone == "06 11 11 11 11"


def test_confirming_empties_every_contact_field(login, staff, someone):
    response = post_contact(login(staff), someone, **EMPTY, erase_all="on")

    assert response.status_code == 200
    saved = Beneficiary.objects.get(pk=someone.pk)
    assert (saved.phone, saved.postcode, saved.city) == ("", "", "")


def test_the_confirmation_is_not_offered_before_it_is_needed(login, staff, someone):
    html = login(staff).get(reverse("workspace:contact_edit", args=[someone.pk]), **HTMX)

    assert 'name="erase_all"' not in html.content.decode()


def test_a_person_without_any_contact_saves_an_empty_form_without_confirmation(login, staff):
    nobody = person_followed_by(staff)

    assert post_contact(login(staff), nobody, **EMPTY).status_code == 200


@pytest.mark.parametrize(("value", "expected"), [("4500", "04500"), ("97 411", "97411")])
def test_postcodes_get_back_a_lost_leading_zero_and_lose_spaces(value, expected):
    assert normalise_postcode(value) == expected


def test_a_foreign_number_is_not_a_french_phone():
    assert normalise_phone("+49 30 1234567") is None
