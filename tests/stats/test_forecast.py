"""The capacity forecast on a synthetic history with a constant inflow and
exit rate, where the saturation week is computed by hand."""

import datetime
import math

import pytest
from django.utils import timezone

from caseload.enums import AssignmentEndReason, Programme, StaffRole
from stats.forecast import Pool, back_test, flows_at, measure, measure_flows, project, what_if
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import (
    AssignmentFactory,
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
)


def pool(**changes):
    values = {
        "territory_id": 1,
        "territory": "Nord",
        "role": StaffRole.SOCIOPRO_REFERENT,
        "programme": Programme.DROIT_COMMUN,
        "load": 50,
        "inflow": 5.0,
        "exit_rate": 0.05,
        "capacity": 60.0,
        "staff": 1,
        "cap": 60,
    }
    values.update(changes)
    return Pool(**values)


def test_the_saturation_week_is_the_one_computed_by_hand():
    # Without a cap L(t) = 100 - 50 x 0.95^t (steady state 5 / 0.05 = 100):
    # L(4) = 59.3 <= 60 < L(5) = 61.3, so the pool saturates in week 5.
    assert 100 - 50 * 0.95**4 <= 60 < 100 - 50 * 0.95**5
    assert project(pool()).saturation_week == 5


def test_the_load_follows_the_closed_form_before_saturation():
    loads = project(pool()).loads
    assert [round(v, 4) for v in loads[:4]] == [round(100 - 50 * 0.95**t, 4) for t in (1, 2, 3, 4)]


def test_once_saturated_the_load_stays_at_the_capacity():
    assert project(pool()).loads[-1] == pytest.approx(60)


def test_newcomers_who_would_wait_more_than_15_days_are_counted():
    # At capacity 3 places free up each week for 5 newcomers: the queue grows
    # by 2 a week; once it holds more than 15/7 weeks x 3 = 6.4 people
    # (week 8: 1.31 + 3 x 2 = 7.3), each week's newcomers miss the entry.
    result = project(pool())
    assert result.queue[6] == pytest.approx(100 - 50 * 0.95**5 - 60 + 2 * 2, abs=0.01)
    assert result.missing_entry_share == pytest.approx((26 - 7) * 5 / (26 * 5), abs=0.01)


def test_a_pool_without_a_cap_never_saturates():
    result = project(pool(capacity=None))
    assert result.saturation_week is None
    assert result.missing_entry_share == 0


def test_adding_a_referent_pushes_saturation_away():
    bigger = what_if(pool(), added_staff=1)
    assert bigger.capacity == 120
    assert project(bigger).saturation_week is None


def test_a_lower_inflow_delays_saturation():
    # Inflow 4: L(t) = 80 - 30 x 0.95^t crosses 60 when 0.95^t < 2/3: week 8.
    slower = what_if(pool(), inflow_change_percent=-20)
    assert math.ceil(math.log(2 / 3) / math.log(0.95)) == 8
    assert project(slower).saturation_week == 8


def test_a_higher_cap_raises_the_capacity():
    assert what_if(pool(), cap=90).capacity == 90


@pytest.fixture
def synthetic_history():
    """13 weeks of history: 2 people assigned each week, 1 leaving each week,
    to one full-time socio-pro referent (cap 130) of Nord; 26 followed now."""
    departement = DepartementFactory(code="78")
    nord = TerritoryFactory(departement=departement, name="Nord")
    structure = StructureFactory(departement=departement)
    referent = StaffProfileFactory(structure=structure, territories=[nord])
    now = timezone.now()
    for week in range(13):
        started = now - datetime.timedelta(weeks=week, days=1)
        for _ in range(2):
            AssignmentFactory(
                beneficiary=BeneficiaryFactory(departement=departement, territory=nord),
                staff=referent,
                started_at=started,
            )
        AssignmentFactory(
            beneficiary=BeneficiaryFactory(departement=departement, territory=nord),
            staff=referent,
            started_at=now - datetime.timedelta(weeks=30),
            ended_at=started,
            end_reason=AssignmentEndReason.PATHWAY_EXIT,
        )
    return departement, nord, now


def test_the_measure_reads_inflow_and_exit_rate_from_the_history(synthetic_history):
    departement, nord, now = synthetic_history
    (measured,) = measure(departement_id=departement.pk, territory_ids=[nord.pk], at=now)
    assert (measured.load, measured.inflow, measured.capacity) == (26, 2.0, 130)
    assert measured.exit_rate == pytest.approx(1 / 26)


def test_the_back_test_compares_the_forecast_of_13_weeks_ago_with_today(synthetic_history):
    departement, nord, now = synthetic_history
    (row,) = back_test(departement_id=departement.pk, territory_ids=[nord.pk], now=now)
    assert row["actual"] == 26
    assert row["forecast"] == row["actual"] + row["error"]


def test_one_scan_measures_the_flows_of_13_weeks_ago_as_a_scan_of_its_own(synthetic_history):
    departement, nord, now = synthetic_history
    then = now - datetime.timedelta(weeks=13)
    scope = {"departement_id": departement.pk, "territory_ids": [nord.pk]}

    both = flows_at(**scope, ats=[then, now])

    assert both == [measure_flows(**scope, at=then), measure_flows(**scope, at=now)]
    assert both[0] != both[1]


def test_a_pool_begun_since_the_back_tests_start_is_measured_only_today(synthetic_history):
    departement, nord, now = synthetic_history
    consultant = StaffProfileFactory(
        role=StaffRole.JOB_CONSULTANT,
        structure=StructureFactory(departement=departement),
        territories=[nord],
    )
    AssignmentFactory(
        beneficiary=BeneficiaryFactory(departement=departement, territory=nord),
        staff=consultant,
        started_at=now - datetime.timedelta(weeks=2),
    )

    then_flows, now_flows = flows_at(
        departement_id=departement.pk,
        territory_ids=[nord.pk],
        ats=[now - datetime.timedelta(weeks=13), now],
    )

    assert StaffRole.JOB_CONSULTANT not in {flow["role"] for flow in then_flows}
    assert StaffRole.JOB_CONSULTANT in {flow["role"] for flow in now_flows}
