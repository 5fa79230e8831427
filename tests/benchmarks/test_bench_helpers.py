"""The pure helpers of `make bench` (benchmarks/report.py, benchmarks/web.py)."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import HttpResponse

from benchmarks import report
from benchmarks.web import form_with, forms_of, record_links, totp_code

LOCUST_CSV = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
    "GET,/portefeuille/,120,0,90,100,40,700,5000,2.0,0.0,90,100,110,120,150,210,300,420,700,700,700\n"
    "GET,/equipe/file/,40,2,400,450,200,1500,9000,0.6,0.0,400,420,450,500,700,900,1200,1400,1500,1500,1500\n"
    ",Aggregated,160,2,120,150,40,1500,6000,2.6,0.0,120,130,150,170,300,500,900,1200,1500,1500,1500\n"
)


def test_percentile_is_nearest_rank():
    assert report.percentile([5, 1, 4, 2, 3], 95) == 5
    assert report.percentile(range(1, 101), 95) == 95


def test_referent_page_within_three_times_the_floor_passes():
    page = report.PageFigure("portefeuille", "/portefeuille/", "referent", 29.0, 35.0, 7, 10.0)
    assert report.page_checks([page])[0].passed


def test_referent_page_over_three_times_the_floor_fails():
    page = report.PageFigure("portefeuille", "/portefeuille/", "referent", 31.0, 35.0, 7, 10.0)
    assert report.page_checks([page])[0].passed is False


def test_manager_page_is_allowed_five_times_the_floor():
    page = report.PageFigure("équipe", "/equipe/", "manager", 49.0, 60.0, 12, 10.0)
    assert report.page_checks([page])[0].passed


def test_server_timing_header_gives_each_metric_in_milliseconds():
    assert report.server_timing("app;dur=31.25, db;dur=7.5") == {"app": 31.25, "db": 7.5}


def test_server_timing_without_a_database_metric_gives_the_server_time_only():
    assert report.server_timing("app;dur=4.2") == {"app": 4.2}
    assert report.server_timing(None) == {}


def test_the_sql_bound_adds_to_the_floor_only_the_database_time_beyond_the_floors():
    page = report.PageFigure(
        "fiche", "/p/", "referent", 40.0, 50.0, 20, 4.0, sql_ms=9.0, floor_sql_ms=1.0
    )
    # (4 ms of floor + 8 ms of SQL the floor does not run) / 4 ms.
    assert page.sql_bound_ratio == 3.0


def test_the_report_gives_each_pages_database_time_and_its_bound():
    page = report.PageFigure(
        "fiche", "/p/", "referent", 40.0, 50.0, 20, 4.0, sql_ms=9.0, floor_sql_ms=1.0
    )
    text = report.render(_results_with(page), report.page_checks([page]), [], _ARGS)
    assert "| fiche `/p/` | referent | 40 ms | 50 ms | 9.0 ms | 4.0 ms | ×10.0 | ×3.0 |" in text


def test_locust_stats_are_read_without_the_aggregated_row_in_the_checks():
    rows = report.parse_locust_stats(LOCUST_CSV)
    checks = report.load_checks(rows)
    assert [c.passed for c in checks] == [False, True, False]
    assert checks[0].figure == "2"


def test_load_checks_without_a_run_are_not_measured():
    assert report.load_checks([])[0].passed is None


def test_import_output_is_parsed_and_checked_against_sixty_seconds():
    output = (
        "file: 100000 rows, 5000 bad on purpose, 13.5 MB\n"
        "ours                   dry_run     10.9 s (CPU  8.0 s)   peak  132 MB   95000 ok\n"
        "ours                   import      45.9 s (CPU 21.5 s)   peak  132 MB   95000 created\n"
    )
    results = report.parse_import_output(output)
    assert results[("ours", "import")]["seconds"] == 45.9
    assert report.import_checks(results, 100_000)[0].passed


def test_a_smaller_import_is_checked_at_the_rate_of_one_hundred_thousand_rows():
    results = {("ours", "import"): {"seconds": 7.0, "cpu": 1, "peak_mb": 1, "counts": ""}}
    assert report.import_checks(results, 10_000)[0].passed is False


def test_scan_output_is_parsed_and_checked_against_thirty_seconds():
    output = (
        "open pathways: 100,000  reminder rows: 900,000  due: 5,000  (generated in 60.0 s)\n"
        "scan: 4.10 s, 5000 sent, notifications: 5,000, batches: 10 of 500, SQL queries: 71 "
        "(7.1 per batch), peak RSS: 90 MB (+13 MB during the scan)\n"
    )
    result = report.parse_scan_output(output)
    assert (result["seconds"], result["queries"], result["pathways"]) == (4.1, 71, 100_000)
    assert report.scan_checks(result, 100_000)[0].passed


def test_stats_rows_over_one_second_fail():
    rows = report.parse_stats_output(
        "| admin (Département), calcul direct | 1200 ms | 1300 ms | 900 ms | 40 |\n"
        "| admin (Département), calcul de la nuit | 80 ms | 90 ms | 60 ms | 12 |\n"
    )
    assert [c.passed for c in report.stats_checks(rows)] == [False, True]


def test_the_share_of_cpu_time_stolen_by_the_hypervisor_is_read_from_the_counters():
    start = [100, 0, 50, 800, 10, 0, 0, 40]
    end = [300, 0, 100, 1450, 10, 0, 0, 140]

    assert report.stolen_share(start, end) == 100 / 1000
    assert "10%" in report.stolen_line(start, end)[0]


def test_no_stolen_share_is_reported_without_counters():
    assert report.stolen_line(None, [1, 2, 3, 4, 5, 6, 7, 8]) == []


def test_growth_gives_the_ratio_between_consecutive_scales():
    pages = {
        10_000: [report.PageFigure("p", "/p/", "referent", 10.0, 12.0, 3, 2.0)],
        100_000: [report.PageFigure("p", "/p/", "referent", 15.0, 18.0, 3, 2.0)],
    }
    [(label, medians, ratios)] = report.growth(pages)
    assert ratios == [(10_000, 100_000, 1.5)]


_ARGS = SimpleNamespace(workers=3, runs=20, load_seconds=120, spawn_rate=2)


def _results_with(page):
    now = datetime.datetime(2026, 12, 3, 7, 0, tzinfo=datetime.UTC)
    return {
        "machine": {
            "cores": 2,
            "cpu": "x",
            "ram_gb": 24,
            "postgres": "15",
            "redis": "7",
            "python": "3.11",
            "commit": "abc",
        },
        "started": now,
        "finished": now,
        "load_start": (3.0, 0, 0),
        "load_end": (4.0, 0, 0),
        "command": "make bench",
        "scales": {
            100_000: {
                "database": "parcours_100k_bench",
                "people": 100_000,
                "staff": 1_000,
                "pages": [page],
                "floors": {"referent": {"median_ms": 10.0, "p95_ms": 12.0, "queries": 3}},
            }
        },
    }


def test_report_names_the_machine_the_command_and_every_verdict():
    page = report.PageFigure("portefeuille", "/portefeuille/", "referent", 40.0, 50.0, 7, 10.0)
    text = report.render(_results_with(page), report.page_checks([page]), [], _ARGS)
    assert "2 cores" in text and "`make bench`" in text and "ÉCHEC" in text


def test_forms_are_filled_as_a_browser_would():
    html = """
    <form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input name="occurred_on" value="2026-12-03"><input type="checkbox" name="a" value="1" checked>
    <input type="checkbox" name="b" value="2"><select name="kind"><option value="">--</option>
    <option value="individual">I</option></select><textarea name="notes">
hello</textarea><input type="file" name="file"></form>
    """
    form = form_with(html, "notes")
    assert form.data(notes="n") == [
        ("csrfmiddlewaretoken", "t"),
        ("occurred_on", "2026-12-03"),
        ("a", "1"),
        ("kind", "individual"),
        ("notes", "n"),
    ]
    assert forms_of(html)[0].files == ["file"]


def test_record_links_are_listed_once():
    html = '<a href="/portefeuille/personnes/12/">a</a><a href="/portefeuille/personnes/12/">b</a>'
    assert record_links(html) == ["/portefeuille/personnes/12/"]


def test_totp_code_matches_rfc_6238():
    # RFC 6238, appendix B, SHA-1, T = 59 s: 94287082 (8 digits).
    key = b"12345678901234567890".hex()
    assert totp_code(key, at=59, digits=8) == "94287082"


@pytest.mark.django_db
def test_the_benchmarks_middleware_reports_the_time_spent_waiting_for_the_database(rf):
    from benchmarks.server import ServerTimingMiddleware

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.02)")
            cursor.execute("SELECT 1")
        return HttpResponse("ok")

    response = ServerTimingMiddleware(view)(rf.get("/"))
    timings = report.server_timing(response["Server-Timing"])
    assert response["X-Bench-Queries"] == "2"
    assert 20 <= timings["db"] <= timings["app"]
