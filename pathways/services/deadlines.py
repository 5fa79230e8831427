"""Deadlines: opened, met, cancelled, recomputed after a change of settings,
and each person's next deadline kept for the portfolio sort."""

import datetime
import logging

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from beneficiaries.models import Beneficiary
from pathways.deadlines import due_date, reminder_schedule
from pathways.enums import (
    ReminderStatus,
)
from pathways.models import (
    Deadline,
    DeadlinePolicy,
    DeadlineReminder,
)
from pathways.policies import policies_for, policy_for

logger = logging.getLogger(__name__)

RECOMPUTE_BATCH_SIZE = 2000


def next_deadline_refresh(*, beneficiary_ids):
    """Recompute `Beneficiary.next_deadline_on`, the earliest open deadline of
    the person's open pathway (the portfolio's urgency sort reads it). Called
    by every deadline service; bulk loaders call it once for their people."""
    earliest = (
        Deadline.objects.open()
        .filter(pathway__beneficiary_id=OuterRef("pk"), pathway__closed_at__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return Beneficiary.objects.filter(pk__in=beneficiary_ids).update(
        next_deadline_on=Subquery(earliest)
    )


def _reminders_for(deadline, policy, skip_steps=()):
    return [
        DeadlineReminder(deadline=deadline, step=step, send_on=send_on)
        for step, send_on in reminder_schedule(
            kind=deadline.kind,
            reference_date=deadline.reference_date,
            due_on=deadline.due_on,
            policy=policy,
        )
        if step not in skip_steps
    ]


@transaction.atomic
def deadline_open(*, pathway, kind, reference_date: datetime.date, policy=None):
    """Open a deadline of a kind, computed from its reference date with the
    policy of the person's Département, and its reminder steps."""
    policy = policy or policy_for(pathway.beneficiary.departement_id)
    deadline = Deadline.objects.create(
        pathway=pathway,
        kind=kind,
        reference_date=reference_date,
        due_on=due_date(kind, reference_date, policy),
    )
    DeadlineReminder.objects.bulk_create(_reminders_for(deadline, policy))
    next_deadline_refresh(beneficiary_ids=[pathway.beneficiary_id])
    return deadline


def _close_reminders(*, pathway, kind):
    """The pending reminders of the pathway's closed deadlines of a kind are
    cancelled (a guarded update: a reminder being sent right now is not)."""
    return (
        DeadlineReminder.objects.pending()
        .filter(deadline__pathway=pathway, deadline__kind=kind)
        .filter(Q(deadline__met_on__isnull=False) | Q(deadline__cancelled_on__isnull=False))
        .update(status=ReminderStatus.CANCELLED, processed_at=timezone.now())
    )


@transaction.atomic
def deadline_meet(*, pathway, kind, on: datetime.date):
    """Mark the open deadline of a kind as met (no-op when none is open), and
    cancel the reminders it has not sent yet.

    A guarded UPDATE, so two concurrent events cannot both meet it; returns
    the number of deadlines met (0 or 1).
    """
    met = Deadline.objects.open().filter(pathway=pathway, kind=kind).update(met_on=on)
    if met:
        _close_reminders(pathway=pathway, kind=kind)
        next_deadline_refresh(beneficiary_ids=[pathway.beneficiary_id])
    return met


@transaction.atomic
def deadline_cancel(*, pathway, kind, on: datetime.date):
    """Cancel the open deadline of a kind (e.g. a restarted contract delay)
    and its pending reminders."""
    cancelled = Deadline.objects.open().filter(pathway=pathway, kind=kind).update(cancelled_on=on)
    if cancelled:
        _close_reminders(pathway=pathway, kind=kind)
        next_deadline_refresh(beneficiary_ids=[pathway.beneficiary_id])
    return cancelled


def deadlines_recompute(*, departement_id=None, batch_size=RECOMPUTE_BATCH_SIZE):
    """After a change of delay settings: recompute the due date of every open
    deadline the policy governs, and reschedule its pending reminders. Met and
    cancelled deadlines keep their dates; reminders already sent (or skipped)
    are never sent again (the unique (deadline, step) pair).

    `departement_id` None means the global policy: every Département without
    a policy of its own. Works in batches of open deadlines, one transaction
    each. Returns the number of deadlines whose due date changed.
    """
    open_deadlines = Deadline.objects.open().filter(pathway__closed_at__isnull=True)
    if departement_id is not None:
        open_deadlines = open_deadlines.filter(pathway__beneficiary__departement_id=departement_id)
    else:
        open_deadlines = open_deadlines.exclude(
            pathway__beneficiary__departement_id__in=DeadlinePolicy.objects.filter(
                departement__isnull=False
            ).values("departement_id")
        )
    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                open_deadlines.filter(pk__gt=last_pk)
                .select_related("pathway__beneficiary")
                .select_for_update(of=("self",))
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            policies = policies_for({d.pathway.beneficiary.departement_id for d in batch})
            moved = []
            for deadline in batch:
                policy = policies[deadline.pathway.beneficiary.departement_id]
                new_due_on = due_date(deadline.kind, deadline.reference_date, policy)
                if new_due_on != deadline.due_on:
                    deadline.due_on = new_due_on
                    moved.append(deadline)
            Deadline.objects.bulk_update(moved, ["due_on"])
            next_deadline_refresh(
                beneficiary_ids={deadline.pathway.beneficiary_id for deadline in moved}
            )
            changed += len(moved)
            # Reschedule every pending step (the reminder days may have
            # changed too); processed steps stay as they are.
            ids = [d.pk for d in batch]
            DeadlineReminder.objects.pending().filter(deadline_id__in=ids).delete()
            processed = {}
            for deadline_id, step in DeadlineReminder.objects.filter(
                deadline_id__in=ids
            ).values_list("deadline_id", "step"):
                processed.setdefault(deadline_id, set()).add(step)
            DeadlineReminder.objects.bulk_create(
                [
                    reminder
                    for deadline in batch
                    for reminder in _reminders_for(
                        deadline,
                        policies[deadline.pathway.beneficiary.departement_id],
                        skip_steps=processed.get(deadline.pk, ()),
                    )
                ]
            )
    logger.info("deadlines recomputed: departement=%s changed=%s", departement_id, changed)
    return changed
