"""Writes of the pathways app: pathways, transitions and deadlines."""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction

from caseload.enums import Programme
from core.bulk import copy_rows, reserve_ids
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
    """`pathway_open` for many people at once (imports): the same rows, from
    the same rules (`pathway_opening_deadlines`), sent with COPY on
    PostgreSQL (`core.bulk`), with `bulk_create` elsewhere.

    `openings` is a list of (beneficiary id, opened_on, orientation_reference);
    the caller holds the transaction. Returns the pathway ids, in order.
    """
    if not openings:
        return []
    by_id = acting_user.pk if acting_user is not None else None
    if connection.vendor != "postgresql":
        pathways = Pathway.objects.bulk_create(
            [Pathway(beneficiary_id=p, stage=Stage.PENDING, opened_on=o) for p, o, _ in openings]
        )
        pathway_ids = [p.pk for p in pathways]
    else:
        pathway_ids = reserve_ids(Pathway, len(openings))
        copy_rows(
            Pathway,
            [
                "id",
                "beneficiary_id",
                "programme",
                "stage",
                "opened_on",
                "outcome",
                "outcome_detail",
            ],
            (
                (pk, person_id, Programme.DROIT_COMMUN, Stage.PENDING, opened_on, "", "")
                for pk, (person_id, opened_on, _) in zip(pathway_ids, openings, strict=True)
            ),
        )
    transitions = [(pk, "", Stage.PENDING, reason, by_id) for pk in pathway_ids]
    deadlines = [
        (pk, planned.kind, planned.reference_date, planned.due_on)
        for pk, (_, opened_on, reference) in zip(pathway_ids, openings, strict=True)
        for planned in pathway_opening_deadlines(
            opened_on=opened_on, orientation_reference=reference
        )
    ]
    if connection.vendor != "postgresql":
        StageTransition.objects.bulk_create(
            [
                StageTransition(pathway_id=p, from_stage=f, to_stage=t, reason=r, by_id=b)
                for p, f, t, r, b in transitions
            ]
        )
        Deadline.objects.bulk_create(
            [Deadline(pathway_id=p, kind=k, reference_date=r, due_on=d) for p, k, r, d in deadlines]
        )
    else:
        copy_rows(
            StageTransition,
            ["pathway_id", "from_stage", "to_stage", "reason", "by_id"],
            transitions,
        )
        copy_rows(Deadline, ["pathway_id", "kind", "reference_date", "due_on"], deadlines)
    return pathway_ids
