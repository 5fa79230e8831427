"""The statistics dashboard: scoping, period and filters, query count, exports."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from stats.exports import table_csv
from stats.tables import Table

MARCH = {"debut": "2026-03-01", "fin": "2026-04-01"}
URL = "/statistiques/"


def synthese_row(response, label):
    html = response.content.decode()
    start = html.index(f'<th scope="row">{escape(label)}</th>')
    cell = html[start:].split("<td>", 1)[1].split("</td>", 1)[0]
    return cell.strip()


def test_the_manager_sees_the_figures_of_their_territory(stat_world, login):
    response = login(stat_world.manager).get(URL, MARCH)
    assert response.status_code == 200
    assert synthese_row(response, "Entrées (parcours ouverts)") == "4"


def test_the_manager_cannot_choose_a_territory_outside_theirs(stat_world, login):
    response = login(stat_world.manager).get(URL, {**MARCH, "territoire": stat_world.sud.pk})
    assert response.status_code == 422
    assert "Entrées (parcours ouverts)" not in response.content.decode()


def test_the_manager_is_not_offered_another_territory(stat_world, login):
    response = login(stat_world.manager).get(URL, MARCH)
    assert "Sud" not in response.content.decode()


def test_the_admin_sees_the_whole_departement(stat_world, login):
    response = login(stat_world.admin).get(URL, MARCH)
    assert synthese_row(response, "Entrées (parcours ouverts)") == "5"


def test_the_admin_narrows_to_one_territory(stat_world, login):
    response = login(stat_world.admin).get(URL, {**MARCH, "territoire": stat_world.sud.pk})
    assert synthese_row(response, "Entrées (parcours ouverts)") == "1"


def test_a_referent_may_not_open_the_dashboard(stat_world, login):
    assert login(stat_world.r1).get(URL).status_code == 403


def test_a_period_ending_before_it_starts_is_refused_in_french(stat_world, login):
    response = login(stat_world.manager).get(URL, {"debut": "2026-04-01", "fin": "2026-03-01"})
    assert response.status_code == 422
    assert "La fin de la période doit suivre son début." in response.content.decode()


def test_an_htmx_request_gets_the_results_only(stat_world, login):
    response = login(stat_world.manager).get(URL, MARCH, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="stats-results"')
    assert "<form" not in html


def test_the_navigation_links_the_dashboard_for_a_manager(stat_world, login):
    response = login(stat_world.manager).get(reverse("console:team"))
    assert f'href="{URL}"' in response.content.decode()


def test_the_page_runs_the_same_number_of_queries_whatever_the_data(
    stat_world, login, django_assert_num_queries
):
    client = login(stat_world.manager)
    client.get(URL, MARCH)  # session warm-up
    # 27 for the figures (4 of them convocations and no-shows), the forecast
    # (today's flows and the back-test's in one scan),
    # the night's snapshots and the page's choices, and the verified second factor;
    # the statements' settings (`statistics_session`), in a savepoint and its
    # release here (the test's transaction)
    with django_assert_num_queries(32) as busy:
        client.get(URL, MARCH)
    with django_assert_num_queries(len(busy)):
        client.get(URL, {"debut": "2020-01-01", "fin": "2020-02-01"})


def test_each_table_links_its_exports_with_the_page_period(stat_world, login):
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    query = "?debut=2026-03-01&amp;fin=2026-04-01"
    for fmt in ("csv", "xlsx"):
        assert f'href="{reverse("stats:export", args=["sorties", fmt])}{query}"' in html


def test_a_chart_is_labelled_with_its_table_title(stat_world, login):
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    assert (
        'aria-label="Graphique : Sorties par issue (mêmes chiffres dans le tableau qui suit)"'
        in html
    )


def test_the_csv_export_hides_counts_under_5(stat_world, login):
    response = login(stat_world.manager).get(
        reverse("stats:export", args=["sorties", "csv"]), MARCH
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "CDI;< 5" in text
    assert "CDD;0" in text


def test_the_xlsx_export_hides_counts_under_5(stat_world, login):
    response = login(stat_world.manager).get(
        reverse("stats:export", args=["sorties", "xlsx"]), MARCH
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["CDI"] == "< 5"


def test_an_unknown_table_is_not_found(stat_world, login):
    response = login(stat_world.manager).get(reverse("stats:export", args=["nope", "csv"]), MARCH)
    assert response.status_code == 404


def test_a_cell_that_looks_like_a_formula_is_exported_as_text():
    table = Table(key="t", title="T", columns=["a", "b"], rows=[["=HYPERLINK(1)", 7]])
    text = "".join(table_csv(table, small_counts_hidden=True))
    assert "'=HYPERLINK(1);7" in text


@pytest.mark.parametrize("count", [0, 5])
def test_zero_and_five_are_shown_as_they_are(count):
    table = Table(key="t", title="T", columns=["a", "b"], rows=[["x", count]], count_columns=(1,))
    assert f"x;{count}" in "".join(table_csv(table, small_counts_hidden=True))


def forecast_row(response, label_start):
    html = response.content.decode()
    table = html[html.index('id="tableau-prevision"') :]
    row = table[table.index(f'<th scope="row">{escape(label_start)}') :]
    row = row[: row.index("</tr>")]
    return [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]


def test_the_forecast_shows_each_pool_against_its_capacity(stat_world, login):
    response = login(stat_world.manager).get(URL, MARCH)
    # R1 works half time: 130 scaled to 65; A is still followed.
    cells = forecast_row(response, "Nord — Référent socio-professionnel — Droit commun")
    assert cells[:2] == ["1", "65,0"]


def test_a_what_if_cap_changes_the_forecast(stat_world, login):
    response = login(stat_world.manager).get(URL, {**MARCH, "plafond": 260})
    cells = forecast_row(response, "Nord — Référent socio-professionnel — Droit commun")
    assert cells[1] == "130,0"


def test_a_what_if_out_of_range_is_refused_in_french(stat_world, login):
    response = login(stat_world.manager).get(URL, {**MARCH, "renforts": 500})
    assert response.status_code == 422
    assert "inférieure ou égale à 50" in response.content.decode()
