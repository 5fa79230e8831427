"""Anonymisation keeps every statistic: the figures of the dashboard, the
ESF report and the `stats_report` headline are identical before and after,
on the small Département of the statistics tests."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beneficiaries.models import Beneficiary
from privacy.retention import apply_retention
from stats import esf, figures
from stats.report import departement_filters, headline_report
from tests.stats.world import END, START, TODAY, build_stat_world

PARIS = ZoneInfo("Europe/Paris")
# Far enough for the people whose pathway ended in 2026 to be due.
LATER = datetime.datetime(2029, 6, 1, 13, 0, tzinfo=PARIS)
WIDE = (datetime.date(2025, 9, 1), datetime.date(2026, 7, 1))


@pytest.fixture
def world():
    world = build_stat_world()
    people = world.people
    # Birth dates whose age band on the day the pathway opened depends on
    # the exact day (D is 25 on the very day her pathway opened).
    Beneficiary.objects.filter(pk=people["D"].pk).update(birth_date=datetime.date(2001, 2, 20))
    Beneficiary.objects.filter(pk=people["E"].pk).update(birth_date=datetime.date(1971, 12, 2))
    Beneficiary.objects.filter(pk=people["F"].pk).update(birth_date=datetime.date(1990, 6, 30))
    Beneficiary.objects.filter(pk=people["A"].pk).update(birth_date=datetime.date(1988, 5, 5))
    return world


def every_figure(world):
    result = {}
    for label, (start, end) in {"march": (START, END), "wide": WIDE}.items():
        for scope, territory_ids in {
            "nord": (world.nord.pk,),
            "all": (world.nord.pk, world.sud.pk),
        }.items():
            f = figures.Filters(
                departement_id=world.departement.pk,
                territory_ids=territory_ids,
                start=start,
                end=end,
                today=TODAY.date(),
            )
            result[(label, scope, "figures")] = figures.all_figures(f)
            result[(label, scope, "esf")] = esf.entrants(f)
        result[(label, "report")] = headline_report(
            departement_filters("77", start, end, today=TODAY.date())
        )
    return result


def test_every_statistic_is_identical_before_and_after_the_anonymisation(world):
    with time_machine.travel(LATER, tick=False):
        before = every_figure(world)
        result = apply_retention()
        after = every_figure(world)
    assert result.anonymised == 3
    assert after == before


def test_the_anonymisation_leaves_the_people_of_the_statistics_without_identity(world):
    with time_machine.travel(LATER, tick=False):
        apply_retention()
    anonymised = Beneficiary.objects.filter(anonymised_at__isnull=False)
    assert sorted(anonymised.values_list("pk", flat=True)) == sorted(
        world.people[key].pk for key in "DEF"
    )
    assert set(anonymised.values_list("caf_number", flat=True)) == {""}
    assert Beneficiary.objects.get(pk=world.people["D"].pk).birth_date != datetime.date(2001, 2, 20)
