"""A pathway opened with its first deadlines and reminder steps: one at a
time, or many at once for imports (COPY on PostgreSQL)."""

import datetime
import logging
from dataclasses import dataclass

from django.db import connection, transaction

from caseload.enums import Programme
from core.bulk import copy_rows, reserve_ids
from pathways.deadlines import due_date, reminder_schedule
from pathways.enums import (
    DeadlineKind,
    ReminderStatus,
    Stage,
)
from pathways.models import (
    Deadline,
    DeadlineReminder,
    Pathway,
    StageTransition,
)
from pathways.policies import policy_for
from pathways.services.deadlines import deadline_open, next_deadline_refresh

logger = logging.getLogger(__name__)

OPENING_REASON = "Ouverture"


@dataclass(frozen=True)
class PlannedDeadline:
    kind: str
    reference_date: datetime.date
    due_on: datetime.date


def pathway_opening_deadlines(
    *, opened_on: datetime.date, orientation_reference: datetime.date | None = None, policy
) -> list[PlannedDeadline]:
    """The deadlines a new pathway opens: the 15-day entry deadline from
    `opened_on` (the RSA application date for a new applicant) and the 6-week
    orientation deadline from the opening of the rights when known, with the
    delays of the Département's policy.

    The one source of truth for what a new pathway starts with, shared by
    `pathway_open` and the bulk creation of imports (`pathways_open_bulk`).
    """
    orientation_reference = orientation_reference or opened_on
    return [
        PlannedDeadline(kind, reference, due_date(kind, reference, policy))
        for kind, reference in (
            (DeadlineKind.ENTRY, opened_on),
            (DeadlineKind.ORIENTATION, orientation_reference),
        )
    ]


@transaction.atomic
def pathway_open(
    *, beneficiary, acting_user=None, opened_on: datetime.date, orientation_reference=None
):
    """A new pathway pending orientation, with its 15-day entry deadline and
    its 6-week orientation deadline (and their reminders), and the first line
    of its transition log.
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
    policy = policy_for(beneficiary.departement_id)
    for planned in pathway_opening_deadlines(
        opened_on=opened_on, orientation_reference=orientation_reference, policy=policy
    ):
        deadline_open(
            pathway=pathway, kind=planned.kind, reference_date=planned.reference_date, policy=policy
        )
    return pathway


def pathways_open_bulk(*, openings, departement_id, acting_user=None, reason=OPENING_REASON):
    """`pathway_open` for many people of a Département at once (imports): the
    same rows — pathway, transition, deadlines and their reminder steps — from
    the same rules (`pathway_opening_deadlines`, `reminder_schedule`), sent
    with COPY on PostgreSQL (`core.bulk`), with `bulk_create` elsewhere.

    `openings` is a list of (beneficiary id, opened_on, orientation_reference);
    the caller holds the transaction. Returns the pathway ids, in order.
    """
    if not openings:
        return []
    by_id = acting_user.pk if acting_user is not None else None
    policy = policy_for(departement_id)
    postgresql = connection.vendor == "postgresql"

    if postgresql:
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
                for pk, (person_id, opened_on, _ref) in zip(pathway_ids, openings, strict=True)
            ),
        )
    else:
        pathway_ids = [
            p.pk
            for p in Pathway.objects.bulk_create(
                [
                    Pathway(beneficiary_id=p, stage=Stage.PENDING, opened_on=o)
                    for p, o, _r in openings
                ]
            )
        ]

    transitions = [(pk, "", Stage.PENDING, reason, by_id) for pk in pathway_ids]
    planned = [
        (pk, deadline)
        for pk, (_person, opened_on, reference) in zip(pathway_ids, openings, strict=True)
        for deadline in pathway_opening_deadlines(
            opened_on=opened_on, orientation_reference=reference, policy=policy
        )
    ]
    if postgresql:
        copy_rows(
            StageTransition,
            ["pathway_id", "from_stage", "to_stage", "reason", "by_id"],
            transitions,
        )
        deadline_ids = reserve_ids(Deadline, len(planned))
        copy_rows(
            Deadline,
            ["id", "pathway_id", "kind", "reference_date", "due_on"],
            (
                (deadline_id, pk, d.kind, d.reference_date, d.due_on)
                for deadline_id, (pk, d) in zip(deadline_ids, planned, strict=True)
            ),
        )
    else:
        StageTransition.objects.bulk_create(
            [
                StageTransition(pathway_id=p, from_stage=f, to_stage=t, reason=r, by_id=b)
                for p, f, t, r, b in transitions
            ]
        )
        deadline_ids = [
            d.pk
            for d in Deadline.objects.bulk_create(
                [
                    Deadline(
                        pathway_id=pk, kind=d.kind, reference_date=d.reference_date, due_on=d.due_on
                    )
                    for pk, d in planned
                ]
            )
        ]

    reminders = [
        (deadline_id, step, send_on, ReminderStatus.PENDING)
        for deadline_id, (_pk, d) in zip(deadline_ids, planned, strict=True)
        for step, send_on in reminder_schedule(
            kind=d.kind, reference_date=d.reference_date, due_on=d.due_on, policy=policy
        )
    ]
    if postgresql:
        copy_rows(DeadlineReminder, ["deadline_id", "step", "send_on", "status"], reminders)
    else:
        DeadlineReminder.objects.bulk_create(
            [
                DeadlineReminder(deadline_id=d, step=step, send_on=send_on, status=status)
                for d, step, send_on, status in reminders
            ]
        )
    _next_deadlines_set(_earliest_due_by_person(pathway_ids, openings, planned))
    return pathway_ids


def _earliest_due_by_person(pathway_ids, openings, planned):
    earliest = {}
    for pathway_id, deadline in planned:
        current = earliest.get(pathway_id)
        if current is None or deadline.due_on < current:
            earliest[pathway_id] = deadline.due_on
    return [
        (person_id, earliest[pathway_id])
        for pathway_id, (person_id, _o, _r) in zip(pathway_ids, openings, strict=True)
    ]


def _next_deadlines_set(pairs):
    """Set `Beneficiary.next_deadline_on` of new people whose deadlines were
    just written in bulk: one UPDATE joined to the values on PostgreSQL
    (`next_deadline_refresh`'s subquery per person is too slow for an import
    batch), the generic refresh elsewhere."""
    from beneficiaries.models import Beneficiary

    pairs = list(pairs)
    if not pairs:
        return
    if connection.vendor != "postgresql":
        next_deadline_refresh(beneficiary_ids=[person_id for person_id, _d in pairs])
        return
    table = connection.ops.quote_name(Beneficiary._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS b SET next_deadline_on = v.due_on "
            "FROM unnest(%s::bigint[], %s::date[]) AS v(id, due_on) WHERE b.id = v.id",
            [[p for p, _d in pairs], [d for _p, d in pairs]],
        )
