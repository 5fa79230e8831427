import datetime

import pytest

from intake.imports.columns import ALIASES, guess_columns, normalise_header
from intake.imports.validation import RowChecker, normalise_phone, parse_date
from tests.beneficiaries.imports.files import HEADERS, nir_for, person

TODAY = datetime.date(2026, 11, 22)


def check(**overrides):
    row = person(1, **overrides)
    checker = RowChecker(HEADERS, guess_columns(HEADERS), today=TODAY)
    return checker.check([row[h] for h in HEADERS])


def test_every_alias_maps_to_one_field_only():
    seen = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            key = normalise_header(alias)
            assert seen.setdefault(key, field) == field, alias


@pytest.mark.parametrize(
    "header",
    ["N° CAF", "n caf", "N°-CAF", "MATRICULE", "Numéro allocataire", "NUMERO ALLOCATAIRE"],
)
def test_caf_number_headers_are_recognised(header):
    assert guess_columns([header]) == {normalise_header(header): "caf_number"}


def test_a_saved_mapping_wins_over_the_aliases():
    assert guess_columns(["Nom", "Ref"], {"ref": "external_id", "nom": "birth_name"}) == {
        "nom": "birth_name",
        "ref": "external_id",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("02/11/2026", datetime.date(2026, 11, 2)),
        ("2026-11-02", datetime.date(2026, 11, 2)),
        ("2026-11-02 00:00:00", datetime.date(2026, 11, 2)),
        ("02.11.2026", datetime.date(2026, 11, 2)),
        ("46328", datetime.date(2026, 11, 2)),
        (46328, datetime.date(2026, 11, 2)),
        (46328.0, datetime.date(2026, 11, 2)),
        (datetime.datetime(2026, 11, 2, 0, 0), datetime.date(2026, 11, 2)),
    ],
)
def test_dates_in_every_shape_including_excel_serials(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("+33612345678", "06 12 34 56 78"),
        ("0033 6 12 34 56 78", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("612345678", "06 12 34 56 78"),
        ("12345", None),
        ("+44 20 7946 0958", None),
    ],
)
def test_phones_are_normalised_to_the_french_format(value, expected):
    assert normalise_phone(value) == expected


def test_a_valid_row_gives_typed_values():
    row = check(**{"N° Téléphones": "0238000000 / 06 11 22 33 44", "ROLE PERSONNE": "dem"})

    assert row.errors == []
    assert row.values["caf_number"] == "3000001"
    assert row.values["household_role"] == "demandeur"
    assert row.values["civility"] == "mme"
    assert row.values["rsa_application_date"] == datetime.date(2026, 11, 2)
    assert row.values["phone"] == "02 38 00 00 00"
    assert (row.postcode, row.city) == ("45200", "MONTARGIS")


def test_conjoint_abbreviation():
    assert check(**{"ROLE PERSONNE": "CJT"}).values["household_role"] == "conjoint"


def test_a_bad_nir_key_names_the_column_and_the_reason():
    nir = nir_for(1)
    bad = nir[:13] + f"{(int(nir[13:]) % 97) + 1:02d}"

    row = check(NIR=bad)

    assert row.errors == [
        ("NIR", "La clé du NIR ne correspond pas : vérifiez les 15 caractères saisis")
    ]


def test_a_nir_incoherent_with_the_civility_is_rejected():
    row = check(NIR=nir_for(1, civility="M"))

    assert row.errors[0][0] == "NIR"
    assert "civilité" in row.errors[0][1]


def test_a_nir_incoherent_with_the_birth_date_is_rejected():
    row = check(**{"Date de naissance": "12/05/1985"})

    assert row.errors[0][0] == "NIR"
    assert "naissance en 04/85" in row.errors[0][1]


def test_required_fields_bad_dates_and_formulas_are_each_reported():
    row = check(
        **{
            "N° CAF": "AB#12",
            "ROLE PERSONNE": "ENFANT",
            "Nom bénéficiaire": '=HYPERLINK("http://x","clic")',
            "Prénom": "",
            "DATE DEMANDE RSA": "31/02/2026",
            "Date de naissance": "01/01/2030",
            "NIR": "",  # a NIR could stand in for the names
        }
    )

    columns = [column for column, _reason in row.errors]
    assert columns == [
        "N° CAF",
        "ROLE PERSONNE",
        "Nom bénéficiaire",
        "Prénom",
        "Date de naissance",
        "DATE DEMANDE RSA",
    ]
    assert all(reason for _column, reason in row.errors)


def test_unusable_contact_data_is_a_warning_not_a_rejection():
    row = check(**{"N° Téléphones": "pas de téléphone", "Adresses Mails": "arobase.fr"})

    assert row.errors == []
    assert [column for column, _reason in row.warnings] == ["N° Téléphones", "Adresses Mails"]
    assert "phone" not in row.values
