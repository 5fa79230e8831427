"""Writes of the pathways app: pathways, transitions and deadlines."""

import datetime

from django.db import transaction

from pathways.deadlines import due_date
from pathways.enums import DeadlineKind, Stage
from pathways.models import Deadline, Pathway, StageTransition


def deadline_open(*, pathway, kind, reference_date: datetime.date):
    """Open a deadline of a kind, computed from its reference date."""
    return Deadline.objects.create(
        pathway=pathway,
        kind=kind,
        reference_date=reference_date,
        due_on=due_date(kind, reference_date),
    )


def deadline_meet(*, pathway, kind, on: datetime.date):
    """Mark the open deadline of a kind as met (no-op when none is open).

    A guarded UPDATE, so two concurrent events cannot both meet it; returns
    the number of deadlines met (0 or 1).
    """
    return Deadline.objects.open().filter(pathway=pathway, kind=kind).update(met_on=on)


def deadline_cancel(*, pathway, kind, on: datetime.date):
    """Cancel the open deadline of a kind (e.g. a restarted contract delay)."""
    return Deadline.objects.open().filter(pathway=pathway, kind=kind).update(cancelled_on=on)


@transaction.atomic
def pathway_open(
    *, beneficiary, acting_user=None, opened_on: datetime.date, orientation_reference=None
):
    """A new pathway pending orientation, with its 15-day entry deadline and
    its 6-week orientation deadline, and the first line of its transition log.

    The entry deadline runs from `opened_on` (the RSA application date for a
    new applicant); the orientation deadline from the opening of the rights
    when known.
    """
    pathway = Pathway.objects.create(
        beneficiary=beneficiary, stage=Stage.PENDING, opened_on=opened_on
    )
    StageTransition.objects.create(
        pathway=pathway, from_stage="", to_stage=Stage.PENDING, by=acting_user, reason="Ouverture"
    )
    deadline_open(pathway=pathway, kind=DeadlineKind.ENTRY, reference_date=opened_on)
    deadline_open(
        pathway=pathway,
        kind=DeadlineKind.ORIENTATION,
        reference_date=orientation_reference or opened_on,
    )
    return pathway
