"""Every figure of March 2026 in the small Département of `world.py`, whose
answers are known by construction (see the story of each person there)."""

import datetime

import pytest

from stats import figures


def test_people_followed_counts_everyone_with_a_pathway_open_in_the_period(nord_filters):
    # A, B, C, D, E, F (exit just after midnight on 1 April) and G (re-entered).
    assert figures.headline(nord_filters())["people_followed"] == 7


def test_entries_count_new_pathways_including_a_re_entry(nord_filters):
    head = figures.headline(nord_filters())
    assert (head["entries"], head["re_entries"]) == (4, 1)


def test_an_exit_at_half_past_eleven_on_the_last_evening_is_in_the_period(nord_filters):
    assert figures.exits_by_outcome(nord_filters())["other"] == 1


def test_an_exit_half_an_hour_after_paris_midnight_is_not(nord_filters):
    assert figures.exits_by_outcome(nord_filters())["cdd"] == 0


def test_exits_by_outcome_count_each_outcome_of_the_period(nord_filters):
    outcomes = figures.exits_by_outcome(nord_filters())
    assert {k: v for k, v in outcomes.items() if v} == {"cdi": 1, "other": 1}


def test_the_next_month_holds_the_exit_just_after_midnight(nord_filters):
    april = nord_filters(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 5, 1))
    assert {k: v for k, v in figures.exits_by_outcome(april).items() if v} == {"cdd": 1}


def test_back_to_activity_share_counts_an_other_exit_in_the_denominator(nord_filters):
    assert figures.headline(nord_filters())["back_to_activity_share"] == 0.5


def test_entry_delay_median_counts_only_people_with_a_first_interview(nord_filters):
    # G 4 days, A 8 days, B 26 days; C has no interview.
    assert figures.delays(nord_filters())["entry"]["median_days"] == 8


def test_share_within_15_days_counts_a_person_never_seen_as_missed(nord_filters):
    entry = figures.delays(nord_filters())["entry"]
    assert (entry["on_time"], entry["late"], entry["overdue"]) == (2, 1, 1)
    assert entry["on_time_share"] == 0.5


def test_entry_delay_distribution_puts_each_person_in_their_band(nord_filters):
    distribution = figures.delays(nord_filters())["entry"]["distribution"]
    assert {k: v for k, v in distribution.items() if v} == {"0-7": 1, "8-15": 1, "16-30": 1}


def test_orientation_within_6_weeks_share(nord_filters):
    orientation = figures.delays(nord_filters())["orientation"]
    # A (3 days) and G (2 days) on time; B and C never oriented, now overdue.
    assert (orientation["on_time"], orientation["overdue"], orientation["on_time_share"]) == (
        2,
        2,
        0.5,
    )


def test_contract_within_1_month_share(nord_filters):
    contract = figures.delays(nord_filters())["contract"]
    # A signed 15 days after orientation; G never signed.
    assert (contract["on_time"], contract["overdue"], contract["on_time_share"]) == (1, 1, 0.5)


def test_a_share_without_denominator_is_null(nord_filters):
    empty = nord_filters(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 2, 1))
    delays = figures.delays(empty)
    assert delays["entry"]["on_time_share"] is None
    assert figures.headline(empty)["back_to_activity_share"] is None


def test_people_still_waiting_on_the_last_day_by_days_waited(nord_filters):
    waiting = figures.waiting_by_age(nord_filters())
    assert waiting["as_of"] == datetime.date(2026, 3, 31)
    assert waiting["total"] == 2
    assert {k: v for k, v in waiting["bands"].items() if v} == {"0-7": 1, "16-30": 1}


def test_stage_funnel_counts_the_pathways_opened_in_the_period_at_each_stage(nord_filters):
    rows = {row["stage"]: row for row in figures.stages(nord_filters())}
    assert [rows[s]["reached"] for s in ("pending", "social", "sociopro", "employment")] == [
        4,
        2,
        1,
        0,
    ]


def test_a_move_back_is_counted_once(nord_filters):
    rows = {row["stage"]: row for row in figures.stages(nord_filters())}
    assert sum(row["moves_back"] for row in rows.values()) == 1
    assert rows["social"]["moves_back"] == 1


def test_median_time_in_a_stage_counts_the_stays_that_ended_in_the_period(nord_filters):
    rows = {row["stage"]: row for row in figures.stages(nord_filters())}
    # A stayed in socio-pro from 5 to 28 March.
    assert rows["sociopro"]["median_days"] == 23
    # Pending stays left in March (opened at midnight, left at noon): G 2.5
    # days, A 3.5 days, D 23.5 days, E 120.98 days (to 31 March 23:30).
    assert rows["pending"]["median_days"] == (3.5 + 23.5) / 2


def test_cohorts_give_the_share_back_to_activity_once_the_horizon_is_reached(nord_filters):
    (march,) = figures.cohorts(nord_filters())
    assert march["month"] == datetime.date(2026, 3, 1)
    assert march["entered"] == 4
    assert march["activity_3m_share"] == 0.0
    assert march["activity_6m_share"] is None


def test_barriers_prevalence_and_share_lifted(nord_filters):
    rows = {row["kind"]: row for row in figures.all_figures(nord_filters())["barriers"]}
    assert rows["mobility"]["people"] == 1
    assert rows["mobility"]["prevalence"] == round(1 / 7, 4)
    assert (rows["mobility"]["lifted_share"], rows["mobility"]["median_days_to_lift"]) == (1.0, 15)
    assert (rows["housing"]["lifted_share"], rows["housing"]["median_days_to_lift"]) == (0.0, None)


def test_interviews_per_referent_per_month(nord_filters, stat_world):
    (row,) = figures.interviews_per_referent(nord_filters())
    assert (row["month"], row["role"], row["interviews"], row["referents"]) == (
        datetime.date(2026, 3, 1),
        "sociopro_referent",
        4,
        1,
    )
    assert row["per_referent"] == 4.0


def test_weekly_hours_of_the_current_contracts(nord_filters):
    hours = figures.weekly_hours(nord_filters())
    assert (hours["contracts"], hours["at_least_minimum"], hours["at_least_minimum_share"]) == (
        1,
        1,
        1.0,
    )


def test_loads_against_effective_caps_per_role_and_programme(nord_filters):
    loads = figures.loads(nord_filters())
    sociopro = loads["sociopro_referent"]["droit_commun"]
    # R1 works half time: cap 130 scaled to 65; A followed since 5 March.
    assert (sociopro["people"], sociopro["maximum"], sociopro["effective_cap_total"]) == (1, 1, 65)
    assert loads["social_worker"]["droit_commun"]["people"] == 1


def test_the_admin_sees_the_other_territory_too(nord_filters, stat_world):
    both = nord_filters(territory_ids=(stat_world.nord.pk, stat_world.sud.pk))
    assert figures.headline(both)["entries"] == 5


def test_filter_by_referent_role_keeps_the_people_that_role_followed(nord_filters):
    assert figures.headline(nord_filters(role="social_worker"))["people_followed"] == 1


@pytest.mark.parametrize("programme", ["france_travail_renforce"])
def test_filter_by_programme_leaves_out_other_programmes(nord_filters, programme):
    assert figures.headline(nord_filters(programme=programme))["people_followed"] == 0


def test_names_blanked_by_anonymisation_leave_the_figures_unchanged(nord_filters, stat_world):
    from beneficiaries.models import Beneficiary

    before = figures.all_figures(nord_filters())
    Beneficiary.objects.filter(departement=stat_world.departement).update(
        last_name="Anonyme", first_name="Anonyme", nir="", phone="", email="", address_line=""
    )
    assert figures.all_figures(nord_filters()) == before


def test_all_figures_run_in_a_constant_number_of_queries(nord_filters, django_assert_num_queries):
    # 13, and 4 for the convocations and no-shows
    with django_assert_num_queries(17):
        figures.all_figures(nord_filters())


def test_the_esf_report_counts_participants_entering_by_sex_and_age_band(nord_filters):
    from stats.esf import entrants

    # A, B, C and G entered in March, created without a civility or a birth
    # date: counted as unknown sex and age.
    counts = entrants(nord_filters())
    assert {(c, b) for c, b, _known in counts} == {("", "unknown")}
    assert sum(counts.values()) == 4


def test_the_esf_report_uses_the_age_on_the_day_of_entry(nord_filters, stat_world):
    import datetime

    from beneficiaries.models import Beneficiary
    from stats.esf import entrants

    Beneficiary.objects.filter(pk=stat_world.people["A"].pk).update(
        civility="mme", birth_date=datetime.date(2001, 3, 3)
    )
    Beneficiary.objects.filter(pk=stat_world.people["B"].pk).update(
        civility="m", birth_date=datetime.date(2001, 3, 10)
    )
    counts = {(c, b): n for (c, b, _known), n in entrants(nord_filters()).items()}
    # A turns 25 the day after her entry (2 March); B turns 25 on the day of his (10 March).
    assert counts[("mme", "under_25")] == 1
    assert counts[("m", "25_54")] == 1


def test_the_esf_table_sums_results_on_exit(nord_filters):
    from stats.esf import esf_table

    f = nord_filters()
    rows = dict(esf_table(f, figures.exits_by_outcome(f)).rows)
    assert rows["Résultats à la sortie : en emploi (CDI, CDD)"] == 1
    assert rows["Résultats à la sortie : autres sorties"] == 1


def test_outreach_attempts_of_the_period_by_result(nord_filters, stat_world):
    import time_machine

    from beneficiaries.services import outreach_attempt_create
    from tests.stats.world import at

    with time_machine.travel(at(datetime.date(2026, 3, 31)), tick=False):
        for day, result in ((12, "no_answer"), (13, "no_answer"), (14, "reached")):
            outreach_attempt_create(
                acting_user=stat_world.admin.user,
                beneficiary=stat_world.people["C"],
                channel="phone",
                result=result,
                attempted_on=datetime.date(2026, 3, day),
            )
    rows = {r["result"]: (r["attempts"], r["people"]) for r in figures.outreach(nord_filters())}
    assert (rows["no_answer"], rows["reached"], rows["refused"]) == ((2, 1), (1, 1), (0, 0))


def _setting(name):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_the_statistics_session_turns_off_jit_compilation(stat_world):
    with figures.statistics_session():
        assert _setting("jit") == "off"


def test_the_statistics_session_sorts_in_memory_up_to_64_mb(stat_world):
    with figures.statistics_session():
        assert _setting("work_mem") == "64MB"


def test_the_statistics_session_makes_parallel_plans_cheap_to_start(stat_world):
    with figures.statistics_session():
        assert (_setting("parallel_setup_cost"), _setting("parallel_tuple_cost")) == ("10", "0.001")
