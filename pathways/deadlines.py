"""How long each delay runs and when its reminders go out.

Every delay is a setting (DESIGN.md): the defaults come from the settings
module, and an admin may override them per Département (or for every
Département) with a `DeadlinePolicy` row in the Django admin. Delays count
calendar days by default; with the working-days option, day counts skip
weekends and French public holidays (the `holidays` library, with the
Alsace-Moselle and overseas calendars where they apply).
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings

from pathways.enums import DeadlineKind, ReminderStep

# Départements whose public holidays differ from the national calendar.
HOLIDAY_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}

# Deadlines whose reminders go to the person's referents (to the managers when
# the person has none); the orientation is the managers' decision, so its
# reminders go to them.
REFERENT_KINDS = frozenset({DeadlineKind.ENTRY, DeadlineKind.CONTRACT, DeadlineKind.SOCIAL_REVIEW})


@dataclass(frozen=True)
class Policy:
    entry_delay_days: int
    orientation_delay_days: int
    contract_delay_months: int
    social_review_delay_months: int
    reminder_days_before: tuple[int, ...]
    escalation_days_after: int
    working_days: bool
    holiday_subdivision: str | None = None


def parse_reminder_days(value) -> tuple[int, ...]:
    """ "7, 3, 1" → (7, 3, 1): distinct positive integers, largest first."""
    if isinstance(value, (list, tuple)):
        days = [int(v) for v in value]
    else:
        days = [int(part) for part in str(value).replace(";", ",").split(",") if part.strip()]
    if any(day < 1 or day > 365 for day in days):
        raise ValueError("reminder days must lie between 1 and 365")
    return tuple(sorted(set(days), reverse=True))


def default_policy() -> Policy:
    return Policy(
        entry_delay_days=settings.PATHWAY_ENTRY_DELAY_DAYS,
        orientation_delay_days=settings.ORIENTATION_DELAY_DAYS,
        contract_delay_months=settings.CONTRACT_DELAY_MONTHS,
        social_review_delay_months=settings.SOCIAL_REVIEW_DELAY_MONTHS,
        reminder_days_before=parse_reminder_days(settings.DEADLINE_REMINDER_DAYS_BEFORE),
        escalation_days_after=settings.DEADLINE_ESCALATION_DAYS_AFTER,
        working_days=settings.DEADLINE_WORKING_DAYS,
    )


# --- Calendar -------------------------------------------------------------------


@lru_cache(maxsize=256)
def _holidays(year, subdivision):
    return frozenset(holidays.France(years=year, subdiv=subdivision).keys())


def is_working_day(day: datetime.date, subdivision=None) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year, subdivision)


def add_days(start: datetime.date, days: int, policy: Policy) -> datetime.date:
    """`days` days after (or before, when negative) `start`: calendar days, or
    working days with the policy's working-days option."""
    if not policy.working_days:
        return start + datetime.timedelta(days=days)
    step = 1 if days >= 0 else -1
    day, remaining = start, abs(days)
    while remaining:
        day += datetime.timedelta(days=step)
        if is_working_day(day, policy.holiday_subdivision):
            remaining -= 1
    return day


def next_working_day(day, policy):
    if not policy.working_days:
        return day
    while not is_working_day(day, policy.holiday_subdivision):
        day += datetime.timedelta(days=1)
    return day


# --- Delays ---------------------------------------------------------------------


def delay_for(kind, policy=None):
    policy = policy or default_policy()
    return {
        DeadlineKind.ENTRY: relativedelta(days=policy.entry_delay_days),
        DeadlineKind.ORIENTATION: relativedelta(days=policy.orientation_delay_days),
        DeadlineKind.CONTRACT: relativedelta(months=policy.contract_delay_months),
        DeadlineKind.SOCIAL_REVIEW: relativedelta(months=policy.social_review_delay_months),
    }[DeadlineKind(kind)]


# Due dates and reminder schedules depend on nothing but their arguments (the
# policy included): they are kept, since an import computes the same few
# hundred (kind, date) pairs for tens of thousands of people, and a
# relativedelta and the working-days walk cost more than the rest of
# opening a pathway in Python.
CACHED_SCHEDULES = 8192


def due_date(kind, reference_date: datetime.date, policy=None) -> datetime.date:
    return _due_date(DeadlineKind(kind), reference_date, policy or default_policy())


@lru_cache(maxsize=CACHED_SCHEDULES)
def _due_date(kind, reference_date, policy):
    delay = delay_for(kind, policy)
    if delay.years or delay.months:
        # Month delays run on the calendar (relativedelta folds 12 months
        # into one year, hence both); with the working-days option a due
        # date falling on a day off moves to the next working day.
        return next_working_day(reference_date + delay, policy)
    return add_days(reference_date, delay.days, policy)


def reminder_schedule(*, kind, reference_date, due_on, policy) -> list[tuple[str, datetime.date]]:
    """The (step, send_on) pairs of a deadline: an alert to the managers on
    the first day when the person has no referent, reminders before the due
    date, and the escalation after it. A reminder that would fall before the
    reference date goes out on the reference date."""
    return list(_reminder_schedule(DeadlineKind(kind), reference_date, due_on, policy))


@lru_cache(maxsize=CACHED_SCHEDULES)
def _reminder_schedule(kind, reference_date, due_on, policy):
    schedule = []
    if DeadlineKind(kind) in REFERENT_KINDS:
        schedule.append((ReminderStep.UNASSIGNED.value, reference_date))
    for days in policy.reminder_days_before:
        send_on = max(add_days(due_on, -days, policy), reference_date)
        schedule.append((ReminderStep.before(days), send_on))
    schedule.append(
        (ReminderStep.ESCALATION.value, add_days(due_on, policy.escalation_days_after, policy))
    )
    return tuple(schedule)
