"""The ranges every date a user, a file or the admin enters must fall in.

Two levels, one module so that forms, services, the import and the admin
say the same thing:

- **fixed bounds** (1 January 1900 – 31 December 2200), held by the database
  as CHECK constraints (`date_range_constraint`) and checked by every form:
  no stored value can be one that fails to read back (year 1 shifted by the
  time zone, which made a record answer 500);
- **rules relative to today or to the person** (`*_range` functions), checked
  by the forms and the services: a held interview not in the future nor
  before the year preceding the RSA application, a next appointment within
  the coming year, a birth date from 1900 to today…

Each rule is a `(low, high)` pair of dates, both included; `range_error`
turns a value outside into a French message naming the field.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

DB_MIN_DATE = datetime.date(1900, 1, 1)
DB_MAX_DATE = datetime.date(2200, 12, 31)
# Datetimes: from the first instant of DB_MIN_DATE to the last of DB_MAX_DATE (UTC).
DB_MIN_DATETIME = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
DB_END_DATETIME = datetime.datetime(2201, 1, 1, tzinfo=datetime.UTC)

# The RSA replaced the RMI on 1 June 2009: no contract of the RSA predates it.
RSA_START = datetime.date(2009, 6, 1)
# How far ahead an appointment, a planned interview or an action may be set.
AHEAD_YEARS = 1
# A contract is reviewed within two years of its signature.
CONTRACT_REVIEW_YEARS = 2
# An action may start up to a year before or after the day it is prescribed.
PRESCRIPTION_START_YEARS = 1


# --- Arithmetic ----------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def clamp(day: datetime.date, low: datetime.date, high: datetime.date) -> datetime.date:
    return max(low, min(day, high))


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# --- Rules ---------------------------------------------------------------------


def db_range():
    """The fixed bounds every stored date respects."""
    return DB_MIN_DATE, DB_MAX_DATE


def birth_date_range(today):
    return DB_MIN_DATE, today


def past_date_range(today):
    """A date of the past (an RSA application, the opening of the rights)."""
    return DB_MIN_DATE, today


def followup_floor(application_date):
    """The earliest date of a person's follow-up: 1 January of the year
    before their RSA application (the RSA's start without one)."""
    if application_date is None:
        return RSA_START
    return max(DB_MIN_DATE, datetime.date(application_date.year - 1, 1, 1))


def held_interview_range(today, application_date):
    """A held (or missed) interview: not in the future, not before the year
    preceding the RSA application."""
    return followup_floor(application_date), today


def planned_interview_range(today, application_date):
    """A planned interview: from the follow-up's start to a year ahead."""
    return followup_floor(application_date), add_years(today, AHEAD_YEARS)


def next_appointment_range(today):
    """A next appointment: from today to a year ahead."""
    return today, add_years(today, AHEAD_YEARS)


def outreach_range(today, application_date):
    """A contact attempt: not in the future, not before the follow-up's start."""
    return followup_floor(application_date), today


def contract_signature_range(today):
    """A contract: signed since the RSA exists, not in the future."""
    return RSA_START, today


def contract_review_range(signed_on):
    """The review of a contract: after its signature, within two years."""
    return signed_on, add_years(signed_on, CONTRACT_REVIEW_YEARS)


def prescription_start_range(today):
    """The start of a prescribed action: within a year of today, either side."""
    return add_years(today, -PRESCRIPTION_START_YEARS), add_years(today, PRESCRIPTION_START_YEARS)


# --- Messages ------------------------------------------------------------------


def _show(day):
    return formats.date_format(day, "d/m/Y")


def day_text(day):
    """dd/mm/yyyy whatever the year: `strftime("%Y")` writes year 1 as "1", and
    a message about an impossible date must show the date as typed."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def range_error(value, bounds, *, field_label):
    """None when `value` (a date, or a datetime compared by its local day) is
    within `bounds`; otherwise the French message naming the field."""
    if value is None:
        return None
    low, high = bounds
    day = _as_date(value)
    if low <= day <= high:
        return None
    return _("%(field)s : la date doit être comprise entre le %(low)s et le %(high)s.") % {
        "field": field_label,
        "low": _show(low),
        "high": _show(high),
    }


def check_range(value, bounds, *, field_label):
    """Raise a ValidationError with `range_error`'s message when out of range."""
    message = range_error(value, bounds, field_label=field_label)
    if message:
        raise ValidationError(message, code="date_out_of_range")


def range_validator(bounds, *, field_label):
    """A form field validator for fixed bounds (the database's, by default)."""

    def validate(value):
        check_range(value, bounds, field_label=field_label)

    return validate


def input_attrs(bounds):
    """The `min`/`max` of a date input, so that the browser's picker agrees."""
    low, high = bounds
    return {"min": low.isoformat(), "max": high.isoformat()}


# --- Database ------------------------------------------------------------------


def date_range_constraint(prefix, field, *, label, datetime_field=False, nullable=False):
    """A CHECK constraint holding `field` within the fixed bounds."""
    if datetime_field:
        condition = Q(**{f"{field}__gte": DB_MIN_DATETIME, f"{field}__lt": DB_END_DATETIME})
    else:
        condition = Q(**{f"{field}__gte": DB_MIN_DATE, f"{field}__lte": DB_MAX_DATE})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(
        condition=condition,
        name=f"{prefix}_{field}_range",
        violation_error_message=f"{label} : la date doit être comprise entre 1900 et 2200.",
    )


def repair_out_of_range(model, field, *, empty, datetime_field=False):
    """Bring the stored values of `field` back within the fixed bounds, for a
    migration: emptied when `empty` (a value that means nothing once wrong, such
    as a next appointment in year 1), otherwise clamped to the nearest bound
    (which keeps every "after" constraint between two dates of a row).
    Filters and updates in SQL: the bad values are never read into Python,
    where they would fail to convert."""
    if datetime_field:
        low, end = DB_MIN_DATETIME, DB_END_DATETIME
        too_low, too_high = {f"{field}__lt": low}, {f"{field}__gte": end}
        high = end - datetime.timedelta(seconds=1)
    else:
        low, high = DB_MIN_DATE, DB_MAX_DATE
        too_low, too_high = {f"{field}__lt": low}, {f"{field}__gt": high}
    if empty:
        model.objects.filter(Q(**too_low) | Q(**too_high)).update(**{field: None})
        return
    model.objects.filter(**too_low).update(**{field: low})
    model.objects.filter(**too_high).update(**{field: high})
