import json

import pytest
from django.core.management import CommandError, call_command


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("stats_report", *args, stdout=out)
    return out.getvalue()


def report(stat_world):
    return json.loads(run("--departement", "77", "--start", "2026-03-01", "--end", "2026-04-01"))


REQUIRED = {
    "people_followed",
    "entries",
    "entry_delay_median_days",
    "entry_within_15_days_share",
    "orientation_within_6_weeks_share",
    "contract_within_1_month_share",
    "exits_by_outcome",
    "back_to_activity_share",
    "loads_by_role",
}


def test_the_json_report_has_every_required_key(stat_world):
    assert set(report(stat_world)) >= REQUIRED


def test_the_json_report_covers_every_territory_of_the_departement(stat_world):
    data = report(stat_world)
    # Nord's 4 entries and H in Sud; Nord's 7 people followed and H.
    assert (data["entries"], data["people_followed"]) == (5, 8)


def test_shares_are_fractions_between_0_and_1(stat_world):
    data = report(stat_world)
    assert data["back_to_activity_share"] == 0.5
    assert 0 <= data["entry_within_15_days_share"] <= 1


def test_a_period_without_exits_gives_a_null_share(stat_world):
    data = json.loads(run("--departement", "77", "--start", "2020-01-01", "--end", "2020-02-01"))
    assert data["back_to_activity_share"] is None
    assert data["entry_within_15_days_share"] is None


def test_the_csv_report_has_one_line_per_figure(stat_world):
    text = run(
        "--departement", "77", "--start", "2026-03-01", "--end", "2026-04-01", "--format", "csv"
    )
    lines = text.splitlines()
    assert lines[0] == "indicateur;valeur"
    assert "exits_by_outcome.cdi;1" in lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--departement", "99", "--start", "2026-03-01", "--end", "2026-04-01"],
            "Département inconnu",
        ),
        (
            ["--departement", "77", "--start", "01/03/2026", "--end", "2026-04-01"],
            "--start : date invalide",
        ),
        (
            ["--departement", "77", "--start", "2026-04-01", "--end", "2026-03-01"],
            "doit être postérieure",
        ),
        (
            [
                "--departement",
                "77",
                "--start",
                "2026-03-01",
                "--end",
                "2026-04-01",
                "--format",
                "xml",
            ],
            "--format",
        ),
    ],
)
def test_bad_arguments_are_refused_with_a_french_message(stat_world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
