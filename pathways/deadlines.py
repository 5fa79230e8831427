"""How long each delay runs. Every delay is a setting (DESIGN.md)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings

from pathways.enums import DeadlineKind


def delay_for(kind):
    return {
        DeadlineKind.ENTRY: relativedelta(days=settings.PATHWAY_ENTRY_DELAY_DAYS),
        DeadlineKind.ORIENTATION: relativedelta(days=settings.ORIENTATION_DELAY_DAYS),
        DeadlineKind.CONTRACT: relativedelta(months=settings.CONTRACT_DELAY_MONTHS),
        DeadlineKind.SOCIAL_REVIEW: relativedelta(months=settings.SOCIAL_REVIEW_DELAY_MONTHS),
    }[DeadlineKind(kind)]


def due_date(kind, reference_date: datetime.date) -> datetime.date:
    return reference_date + delay_for(kind)
