"""The shared date ranges: the rules themselves, and the import and the admin
that use them."""

import datetime

import pytest
from django.urls import reverse

from core import date_ranges
from intake.imports.columns import guess_columns
from intake.imports.validation import RowChecker
from tests.beneficiaries.imports.files import HEADERS, person
from tests.caseload.factories import BinomeFactory, UserFactory

TODAY = datetime.date(2026, 11, 22)


def test_a_held_interview_may_go_back_to_the_year_before_the_application():
    low, high = date_ranges.held_interview_range(TODAY, datetime.date(2026, 3, 5))
    assert (low, high) == (datetime.date(2025, 1, 1), TODAY)


def test_without_an_application_date_the_follow_up_starts_with_the_rsa():
    assert date_ranges.followup_floor(None) == date_ranges.RSA_START


def test_a_next_appointment_is_within_the_coming_year_and_29_february_rolls_back():
    assert date_ranges.next_appointment_range(datetime.date(2028, 2, 29)) == (
        datetime.date(2028, 2, 29),
        datetime.date(2029, 2, 28),
    )


def test_the_message_names_the_field_and_the_range():
    message = date_ranges.range_error(
        datetime.date(1, 1, 1), date_ranges.birth_date_range(TODAY), field_label="Date de naissance"
    )
    assert message == (
        "Date de naissance : la date doit être comprise entre le 01/01/1900 et le 22/11/2026."
    )


def test_a_datetime_is_compared_by_its_local_day():
    late_evening = datetime.datetime(2026, 11, 21, 23, 30, tzinfo=datetime.UTC)  # 22/11 in Paris
    assert date_ranges.range_error(late_evening, (TODAY, TODAY), field_label="x") is None


@pytest.mark.parametrize(
    "value",
    ["31/12/1899", 1, "01/01/0001", "23/11/2026"],
    ids=["1899", "excel-1", "year-1", "tomorrow"],
)
def test_the_import_refuses_a_birth_date_outside_1900_to_today(value):
    row = person(1, **{"Date de naissance": value})
    checked = RowChecker(HEADERS, guess_columns(HEADERS), today=TODAY).check(
        [row[h] for h in HEADERS]
    )
    assert ("Date de naissance", checked.errors[0][1]) == checked.errors[0]
    assert "avant 1900 ou dans le futur" in checked.errors[0][1]
    assert "birth_date" not in checked.values


def test_the_admin_refuses_a_binome_dissolved_in_year_one(client):
    binome = BinomeFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:caseload_binome_change", args=[binome.pk]),
        {
            "pe_advisor": binome.pe_advisor_id,
            "social_worker": binome.social_worker_id,
            "dissolved_at_0": "01/01/0001",
            "dissolved_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "Dissous le : la date doit être comprise entre le 01/01/1900" in (
        response.content.decode().replace("&#x27;", "'")
    )
    binome.refresh_from_db()
    assert binome.dissolved_at is None


def test_the_imports_message_shows_year_one_with_four_digits():
    row = person(1, **{"Date de naissance": "01/01/0001"})
    checked = RowChecker(HEADERS, guess_columns(HEADERS), today=TODAY).check(
        [row[h] for h in HEADERS]
    )

    assert "date 01/01/0001 impossible" in checked.errors[0][1]
