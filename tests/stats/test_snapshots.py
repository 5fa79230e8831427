"""The night's snapshots of the heavy figures (the forecast's flows and its
back-test, the cohorts, the period's figures):
what the task stores, how the dashboard reads them and shows their time,
and the live computation when there is none."""

import datetime

from django.conf import settings
from django.utils import timezone

from stats.figures import DELAY_BANDS, WAITING_BANDS, band_label
from stats.models import Snapshot, SnapshotKind
from stats.snapshots import figures_from_json, figures_json, precompute, scope_key
from stats.tasks import precompute_snapshots
from tests.stats.world import END, START

URL = "/statistiques/"
MARCH = {"debut": "2026-03-01", "fin": "2026-04-01"}
SENTINEL = [{"pool": "Groupe précalculé", "forecast": 7.0, "actual": 9, "error": -2.0}]


def stored(stat_world, kind, territories):
    return Snapshot.objects.get(
        departement=stat_world.departement,
        kind=kind,
        scope=scope_key(t.pk for t in territories),
    )


def test_the_night_stores_every_snapshot_for_each_scope_read(stat_world):
    precompute(start=START, end=END)
    scopes = set(
        Snapshot.objects.filter(departement=stat_world.departement).values_list("kind", "scope")
    )
    nord, sud = stat_world.nord.pk, stat_world.sud.pk
    expected = {scope_key([nord, sud]), scope_key([nord]), scope_key([sud])}
    assert scopes == {(kind, scope) for kind in SnapshotKind.values for scope in expected}


def test_the_stored_cohorts_are_those_computed_live(stat_world, nord_filters):
    from stats import figures

    precompute(start=START, end=END)
    cohorts = stored(stat_world, SnapshotKind.COHORTS, [stat_world.nord])
    live = figures.cohorts(nord_filters(today=timezone.localdate()))
    assert cohorts.data == [{**row, "month": row["month"].isoformat()} for row in live]


def test_the_night_s_figures_keep_the_order_of_their_bands(stat_world):
    precompute(start=START, end=END)
    figures, _entrants = figures_from_json(
        stored(stat_world, SnapshotKind.FIGURES, [stat_world.nord]).data
    )
    assert list(figures["delays"]["entry"]["distribution"]) == [
        band_label(low, high) for low, high in DELAY_BANDS
    ]
    assert list(figures["waiting"]["bands"]) == [
        band_label(low, high) for low, high in WAITING_BANDS
    ]


def test_a_second_night_replaces_the_snapshots(stat_world):
    precompute(start=START, end=END)
    count = Snapshot.objects.count()
    precompute(start=START, end=END)
    assert Snapshot.objects.count() == count


def test_the_dashboard_reads_the_night_s_back_test_and_shows_its_time(stat_world, login):
    precompute(start=START, end=END)
    night = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)
    Snapshot.objects.filter(
        pk=stored(stat_world, SnapshotKind.BACK_TEST, [stat_world.nord]).pk
    ).update(data=SENTINEL, computed_at=night)
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    assert "Groupe précalculé" in html
    shown = timezone.localtime(night)
    assert f"Calculé le {shown:%d/%m/%Y} à {shown:%H:%M} (calcul de la nuit)." in html


def test_without_snapshot_the_dashboard_computes_live(stat_world, login):
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    assert "calcul de la nuit" not in html
    assert 'id="tableau-retro_prevision"' in html


def test_a_snapshot_older_than_36_hours_is_not_read(stat_world, login):
    precompute(start=START, end=END)
    Snapshot.objects.update(
        data=SENTINEL, computed_at=timezone.now() - datetime.timedelta(hours=37)
    )
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    assert "Groupe précalculé" not in html
    assert "calcul de la nuit" not in html


def test_a_filtered_dashboard_computes_live(stat_world, login):
    precompute(start=START, end=END)
    Snapshot.objects.update(data=SENTINEL)
    html = login(stat_world.manager).get(URL, {**MARCH, "dispositif": "droit_commun"})
    assert "Groupe précalculé" not in html.content.decode()


def test_cohorts_of_another_period_are_computed_live(stat_world, login):
    precompute(start=START, end=END)
    html = login(stat_world.manager).get(URL, {"debut": "2026-02-01", "fin": "2026-04-01"})
    section = html.content.decode().split('id="tableau-cohortes"')[1].split("</section>")[0]
    assert "calcul de la nuit" not in section


def test_the_page_with_snapshots_runs_twenty_queries_less(
    stat_world, login, django_assert_num_queries
):
    precompute(start=START, end=END)
    client = login(stat_world.manager)
    client.get(URL, MARCH)
    # 34 live, less the 17 figures' queries, the ESF report's, the
    # back-test's two measures and the forecast's.
    with django_assert_num_queries(13):
        client.get(URL, MARCH)


def test_the_task_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["stats-precompute"]
    assert entry["task"] == precompute_snapshots.name
    assert entry["schedule"].hour == {settings.STATS_PRECOMPUTE_HOUR}


def test_the_page_opened_without_a_period_reads_the_night_s_cohorts(stat_world, login):
    precompute()
    html = login(stat_world.manager).get(URL).content.decode()
    section = html.split('id="tableau-cohortes"')[1].split("</section>")[0]
    assert "calcul de la nuit" in section


def test_the_stored_figures_read_back_as_computed_live(stat_world, nord_filters):
    from stats import esf, figures, snapshots

    precompute(start=START, end=END)
    f = nord_filters(today=timezone.localdate())
    night = snapshots.read(f)[SnapshotKind.FIGURES]
    assert night.data == (figures.all_figures(f), esf.entrants(f))


def _with_people_followed(stat_world, territories, count):
    night = stored(stat_world, SnapshotKind.FIGURES, territories)
    figures, entrants = figures_from_json(night.data)
    figures["headline"]["people_followed"] = count
    night.data = figures_json(figures, entrants)
    night.save(update_fields=["data"])


def _section(html, key):
    return html.split(f'id="tableau-{key}"')[1].split("</section>")[0]


def test_the_dashboard_reads_the_night_s_figures(stat_world, login):
    precompute(start=START, end=END)
    _with_people_followed(stat_world, [stat_world.nord], 987)
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    assert "987" in _section(html, "synthese")


def test_the_figures_read_from_the_night_show_its_time(stat_world, login):
    precompute(start=START, end=END)
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    assert "calcul de la nuit" in _section(html, "synthese")


def test_the_admin_reads_the_night_s_figures_of_the_departement(stat_world, login):
    precompute(start=START, end=END)
    _with_people_followed(stat_world, [stat_world.nord, stat_world.sud], 876)
    html = login(stat_world.admin).get(URL, MARCH).content.decode()
    assert "876" in _section(html, "synthese")


def test_figures_of_another_period_are_computed_live(stat_world, login):
    precompute(start=START, end=END)
    html = login(stat_world.manager).get(URL, {"debut": "2026-02-01", "fin": "2026-04-01"})
    assert "calcul de la nuit" not in _section(html.content.decode(), "synthese")


def test_a_filtered_dashboard_computes_the_figures_live(stat_world, login):
    precompute(start=START, end=END)
    _with_people_followed(stat_world, [stat_world.nord], 987)
    html = login(stat_world.manager).get(URL, {**MARCH, "dispositif": "droit_commun"})
    assert "987" not in _section(html.content.decode(), "synthese")


def test_a_night_over_another_period_replaces_the_figures_of_the_previous_one(stat_world):
    precompute(start=START, end=END)
    precompute(start=datetime.date(2026, 2, 1), end=END)
    periods = set(
        Snapshot.objects.filter(kind=SnapshotKind.FIGURES).values_list("period_start", flat=True)
    )
    assert periods == {datetime.date(2026, 2, 1)}


def test_the_night_stores_the_forecast_flows_as_measured_live(stat_world):
    from stats import forecast

    precompute(start=START, end=END)
    night = stored(stat_world, SnapshotKind.FORECAST, [stat_world.nord])
    live = forecast.measure_flows(
        departement_id=stat_world.departement.pk,
        territory_ids=[stat_world.nord.pk],
        at=night.computed_at,
    )
    assert night.data == live
    assert night.data


def _with_forecast_load(stat_world, territories, load):
    night = stored(stat_world, SnapshotKind.FORECAST, territories)
    night.data = [{**flow, "load": load} for flow in night.data]
    night.save(update_fields=["data"])


def test_the_dashboard_projects_the_night_s_forecast_flows_and_shows_their_time(stat_world, login):
    precompute(start=START, end=END)
    _with_forecast_load(stat_world, [stat_world.nord], 987)
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    section = _section(html, "prevision")
    assert "987" in section
    assert "calcul de la nuit" in section


def test_a_filtered_dashboard_measures_the_forecast_flows_live(stat_world, login):
    precompute(start=START, end=END)
    _with_forecast_load(stat_world, [stat_world.nord], 987)
    html = login(stat_world.manager).get(URL, {**MARCH, "dispositif": "droit_commun"})
    section = _section(html.content.decode(), "prevision")
    assert "987" not in section
    assert "calcul de la nuit" not in section
