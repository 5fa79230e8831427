"""How long each delay runs. Every delay is a setting (DESIGN.md)."""

import datetime
import functools

from dateutil.relativedelta import relativedelta
from django.conf import settings

from pathways.enums import DeadlineKind


def delay_for(kind):
    return _delays(
        settings.PATHWAY_ENTRY_DELAY_DAYS,
        settings.ORIENTATION_DELAY_DAYS,
        settings.CONTRACT_DELAY_MONTHS,
        settings.SOCIAL_REVIEW_DELAY_MONTHS,
    )[kind]


@functools.cache
def _delays(entry_days, orientation_days, contract_months, review_months):
    """Built once per set of settings (imports compute thousands of due dates)."""
    return {
        DeadlineKind.ENTRY: relativedelta(days=entry_days),
        DeadlineKind.ORIENTATION: relativedelta(days=orientation_days),
        DeadlineKind.CONTRACT: relativedelta(months=contract_months),
        DeadlineKind.SOCIAL_REVIEW: relativedelta(months=review_months),
    }


def due_date(kind, reference_date: datetime.date) -> datetime.date:
    return reference_date + delay_for(kind)
