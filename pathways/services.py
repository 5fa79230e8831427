"""Writes of the pathways app: pathways, transitions and deadlines."""

import datetime
from dataclasses import dataclass

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


OPENING_REASON = "Ouverture"


@dataclass(frozen=True)
class PlannedDeadline:
    kind: str
    reference_date: datetime.date
    due_on: datetime.date


def pathway_opening_deadlines(
    *, opened_on: datetime.date, orientation_reference: datetime.date | None = None
) -> list[PlannedDeadline]:
    """The deadlines a new pathway opens: the 15-day entry deadline from
    `opened_on` (the RSA application date for a new applicant) and the 6-week
    orientation deadline from the opening of the rights when known.

    The one source of truth for what a new pathway starts with, shared by
    `pathway_open` and the bulk creation of imports (`pathways_open_bulk`).
    """
    orientation_reference = orientation_reference or opened_on
    return [
        PlannedDeadline(DeadlineKind.ENTRY, opened_on, due_date(DeadlineKind.ENTRY, opened_on)),
        PlannedDeadline(
            DeadlineKind.ORIENTATION,
            orientation_reference,
            due_date(DeadlineKind.ORIENTATION, orientation_reference),
        ),
    ]


@transaction.atomic
def pathway_open(
    *, beneficiary, acting_user=None, opened_on: datetime.date, orientation_reference=None
):
    """A new pathway pending orientation, with its 15-day entry deadline and
    its 6-week orientation deadline, and the first line of its transition log.
    """
    pathway = Pathway.objects.create(
        beneficiary=beneficiary, stage=Stage.PENDING, opened_on=opened_on
    )
    StageTransition.objects.create(
        pathway=pathway,
        from_stage="",
        to_stage=Stage.PENDING,
        by=acting_user,
        reason=OPENING_REASON,
    )
    for planned in pathway_opening_deadlines(
        opened_on=opened_on, orientation_reference=orientation_reference
    ):
        deadline_open(pathway=pathway, kind=planned.kind, reference_date=planned.reference_date)
    return pathway


def pathways_open_bulk(*, openings, acting_user=None, reason=OPENING_REASON):
    """`pathway_open` for many people at once, in a few INSERTs (imports).

    `openings` is a list of (beneficiary, opened_on, orientation_reference);
    the caller holds the transaction. Returns the pathways, in order.
    """
    pathways = Pathway.objects.bulk_create(
        [
            Pathway(beneficiary=person, stage=Stage.PENDING, opened_on=opened_on)
            for person, opened_on, _ in openings
        ]
    )
    StageTransition.objects.bulk_create(
        [
            StageTransition(
                pathway=pathway,
                from_stage="",
                to_stage=Stage.PENDING,
                by=acting_user,
                reason=reason,
            )
            for pathway in pathways
        ]
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                pathway=pathway,
                kind=planned.kind,
                reference_date=planned.reference_date,
                due_on=planned.due_on,
            )
            for pathway, (_, opened_on, reference) in zip(pathways, openings, strict=True)
            for planned in pathway_opening_deadlines(
                opened_on=opened_on, orientation_reference=reference
            )
        ]
    )
    return pathways
