"""Convocations, attendance, no-shows and the delay to the first appointment
of March 2026 in the small Département of `appointment_world.py`, whose
answers are known by construction."""

import pytest
from django.db import transaction

from stats import figures
from stats.report import departement_filters, headline_report
from tests.stats.appointment_world import END, START, TODAY, build_appointment_world


@pytest.fixture(scope="module")
def rdv_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_appointment_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def march(rdv_world):
    return figures.Filters(
        departement_id=rdv_world.departement.pk,
        territory_ids=(rdv_world.est.pk,),
        start=START,
        end=END,
        today=TODAY,
    )


def by_channel(f):
    return {row["channel"]: row for row in figures.convocations(f)}


def test_sms_convocations_count_sent_not_sent_and_failed(march):
    row = by_channel(march)["sms"]
    assert (row["written"], row["sent"], row["skipped"], row["failed"]) == (5, 3, 1, 1)


def test_the_sms_delivered_share_is_delivered_over_sent(march):
    row = by_channel(march)["sms"]
    assert (row["delivered"], row["undelivered"], row["delivered_share"]) == (1, 1, 0.3333)


def test_channels_without_receipts_have_no_delivered_share(march):
    rows = by_channel(march)
    assert (rows["email"]["sent"], rows["email"]["delivered_share"]) == (3, None)
    assert (rows["letter"]["sent"], rows["letter"]["delivered_share"]) == (1, None)


def test_a_convocation_written_before_the_period_is_not_counted(march):
    february = figures.Filters(**{**march.__dict__, "start": START.replace(month=2), "end": START})
    assert by_channel(february)["sms"]["written"] == 1


def test_attendance_counts_the_appointments_of_the_period_by_their_time(march):
    row = figures.attendance(march)
    assert row["by_attendance"] == {"seen": 1, "no_show": 3, "excused": 1, "cancelled": 1}


def test_the_no_show_rate_leaves_appointments_recorded_as_cancelled_out(march):
    row = figures.attendance(march)
    assert (row["recorded"], row["no_show_rate"]) == (5, 0.6)


def test_the_delay_to_the_first_appointment_has_its_median(march):
    row = figures.first_appointment(march)
    assert (row["cohort"], row["with_appointment"], row["median_days"]) == (5, 4, 3.0)


def test_the_share_within_15_days_counts_people_past_15_days_without_one(march):
    row = figures.first_appointment(march)
    assert (row["within_15_days"], row["without_appointment_after_15_days"]) == (3, 1)
    assert row["within_15_days_share"] == 0.6


def test_people_flagged_for_two_no_shows_in_the_period(march):
    assert figures.no_show_flags(march) == {"flagged_in_period": 1, "open_at_end": 1}


def test_a_flag_raised_after_the_period_is_in_the_next_one(march):
    april = figures.Filters(**{**march.__dict__, "start": END, "end": END.replace(month=5)})
    assert figures.no_show_flags(april) == {"flagged_in_period": 1, "open_at_end": 2}


def test_the_appointment_figures_run_in_four_queries(march, django_assert_num_queries):
    with django_assert_num_queries(4):
        figures.convocations(march)
        figures.attendance(march)
        figures.first_appointment(march)
        figures.no_show_flags(march)


def test_the_report_has_the_appointment_keys(rdv_world):
    report = headline_report(departement_filters("78", START, END, today=TODAY))
    assert report["no_show_rate"] == 0.6
    assert report["first_appointment_delay_median_days"] == 3.0
    assert report["first_appointment_within_15_days_share"] == 0.6
    assert report["people_flagged_for_two_no_shows"] == 1
    assert report["convocations_by_channel"]["sms"] == {
        "written": 5,
        "sent": 3,
        "skipped": 1,
        "failed": 1,
        "delivered": 1,
        "undelivered": 1,
        "delivered_share": 0.3333,
    }


def test_names_and_contacts_blanked_by_anonymisation_leave_the_figures_unchanged(rdv_world, march):
    from appointments.models import Message
    from beneficiaries.models import Beneficiary

    def appointment_figures():
        return [
            figures.convocations(march),
            figures.attendance(march),
            figures.first_appointment(march),
            figures.no_show_flags(march),
        ]

    before = appointment_figures()
    Beneficiary.objects.filter(departement=rdv_world.departement).update(
        last_name="Anonyme", first_name="Anonyme", phone="", email="", address_line=""
    )
    Message.objects.filter(beneficiary__departement=rdv_world.departement).update(recipient="")
    assert appointment_figures() == before
