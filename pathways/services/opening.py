"""New pathways: each opened pending orientation, with its first transition,
its 15-day entry and 6-week orientation deadlines, their reminder steps, and
the person's next deadline. Written in bulk (COPY on PostgreSQL) for one
person as for an import batch: `intake.people` is the only caller."""

import datetime
from dataclasses import dataclass

from django.db import connection

from beneficiaries.models import Beneficiary
from caseload.enums import Programme
from core.bulk import insert_rows
from pathways.deadlines import due_date, reminder_schedule
from pathways.enums import DeadlineKind, ReminderStatus, Stage
from pathways.models import Deadline, DeadlineReminder, Pathway
from pathways.policies import policy_for
from pathways.services.deadlines import next_deadline_refresh
from pathways.services.transitions import transitions_record_many

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

    The one source of truth for what a new pathway starts with.
    """
    orientation_reference = orientation_reference or opened_on
    return [
        PlannedDeadline(kind, reference, due_date(kind, reference, policy))
        for kind, reference in (
            (DeadlineKind.ENTRY, opened_on),
            (DeadlineKind.ORIENTATION, orientation_reference),
        )
    ]


def opening_next_deadline(*, opened_on, orientation_reference=None, policy):
    """The first due date of a new pathway's deadlines: the person's
    `next_deadline_on` once it is open. Bulk creators write it with the
    person, so that opening the pathway has nothing left to update."""
    return min(
        deadline.due_on
        for deadline in pathway_opening_deadlines(
            opened_on=opened_on, orientation_reference=orientation_reference, policy=policy
        )
    )


def pathways_open_bulk(
    *,
    openings,
    departement_id,
    acting_user=None,
    reason=OPENING_REASON,
    policy=None,
    next_deadlines_written=False,
):
    """New pathways for people of a Département: pathway, first transition,
    deadlines and their reminder steps, from the Département's policy
    (`pathway_opening_deadlines`, `reminder_schedule`), then each person's
    next deadline.

    `openings` is a list of (beneficiary id, opened_on, orientation_reference);
    the caller holds the transaction; `policy`: the Département's, when the
    caller has read it already; `next_deadlines_written`: the people were
    written with their next deadline (`opening_next_deadline`), so there is
    nothing to set (new people: the UPDATE would only look them up again).
    Returns the pathway ids, in order.
    """
    if not openings:
        return []
    by_id = acting_user.pk if acting_user is not None else None
    policy = policy or policy_for(departement_id)
    pathway_ids = insert_rows(
        Pathway,
        (
            {
                "beneficiary_id": person_id,
                "programme": Programme.DROIT_COMMUN,
                "stage": Stage.PENDING,
                "opened_on": opened_on,
            }
            for person_id, opened_on, _reference in openings
        ),
        returning_ids=True,
    )
    transitions_record_many((pk, "", Stage.PENDING, reason, by_id) for pk in pathway_ids)
    planned = [
        (pk, deadline)
        for pk, (_person, opened_on, reference) in zip(pathway_ids, openings, strict=True)
        for deadline in pathway_opening_deadlines(
            opened_on=opened_on, orientation_reference=reference, policy=policy
        )
    ]
    deadline_ids = insert_rows(
        Deadline,
        (
            {
                "pathway_id": pk,
                "kind": d.kind,
                "reference_date": d.reference_date,
                "due_on": d.due_on,
            }
            for pk, d in planned
        ),
        returning_ids=True,
    )
    insert_rows(
        DeadlineReminder,
        (
            {
                "deadline_id": deadline_id,
                "step": step,
                "send_on": send_on,
                "status": ReminderStatus.PENDING,
            }
            for deadline_id, (_pk, d) in zip(deadline_ids, planned, strict=True)
            for step, send_on in reminder_schedule(
                kind=d.kind, reference_date=d.reference_date, due_on=d.due_on, policy=policy
            )
        ),
    )
    if not next_deadlines_written:
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
    batch), the generic refresh elsewhere. People written with it already
    (`opening_next_deadline`) are left alone: no new row version, no
    history row."""
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
            "FROM unnest(%s::bigint[], %s::date[]) AS v(id, due_on) "
            "WHERE b.id = v.id AND b.next_deadline_on IS DISTINCT FROM v.due_on",
            [[p for p, _d in pairs], [d for _p, d in pairs]],
        )
