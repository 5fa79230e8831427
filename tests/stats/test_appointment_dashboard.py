"""The convocation and no-show tables on the dashboard and in the exports
(appointment_world.py)."""

from html import unescape

import pytest
from django.db import transaction
from django.urls import reverse

from tests.stats.appointment_world import build_appointment_world

URL = "/statistiques/"
MARCH = {"debut": "2026-03-01", "fin": "2026-04-01"}


@pytest.fixture(scope="module")
def rdv_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_appointment_world()
        yield world
        transaction.set_rollback(True)


def row_cells(html, table, label):
    """The cells of a table's row, as text (entities decoded)."""
    html = unescape(html)
    section = html[html.index(f'id="tableau-{table}"') :]
    row = section[section.index(f'<th scope="row">{label}') :]
    row = row[: row.index("</tr>")]
    return [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]


def test_the_dashboard_shows_convocations_by_channel(rdv_world, login):
    html = login(rdv_world.manager).get(URL, MARCH).content.decode()
    assert row_cells(html, "convocations", "SMS") == ["5", "3", "1", "1", "1", "1", "33 %"]


def test_the_dashboard_shows_the_no_show_rate_and_first_appointment_delay(rdv_world, login):
    html = login(rdv_world.manager).get(URL, MARCH).content.decode()
    assert row_cells(html, "rendez_vous", "Taux d'absence sans prévenir") == ["60 %"]
    assert row_cells(html, "rendez_vous", "Délai médian jusqu'au premier") == ["3,0"]


def test_the_attendance_chart_has_its_data(rdv_world, login):
    html = login(rdv_world.manager).get(URL, MARCH).content.decode()
    assert 'id="donnees-absences"' in html


def test_the_convocation_export_hides_counts_under_5(rdv_world, login):
    response = login(rdv_world.manager).get(
        reverse("stats:export", args=["convocations", "csv"]), MARCH
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "SMS;5;< 5;< 5;< 5;< 5;< 5;33 %" in text
