"""Writes of the pathways app: pathways, transitions and deadlines."""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.enums import Programme
from core.bulk import copy_rows, reserve_ids
from pathways.deadlines import due_date, policies_for, policy_for, reminder_schedule
from pathways.enums import DeadlineKind, Orientation, ReminderStatus, Stage
from pathways.models import (
    Deadline,
    DeadlinePolicy,
    DeadlineReminder,
    OrientationDecision,
    Pathway,
    StageTransition,
)

logger = logging.getLogger(__name__)

RECOMPUTE_BATCH_SIZE = 2000


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
    return met


@transaction.atomic
def deadline_cancel(*, pathway, kind, on: datetime.date):
    """Cancel the open deadline of a kind (e.g. a restarted contract delay)
    and its pending reminders."""
    cancelled = Deadline.objects.open().filter(pathway=pathway, kind=kind).update(cancelled_on=on)
    if cancelled:
        _close_reminders(pathway=pathway, kind=kind)
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


FOLLOWED_STAGES = (Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT)


@transaction.atomic
def orientation_decide(
    *,
    pathway,
    orientation,
    programme,
    starting_stage,
    acting_user,
    reason="",
    decided_on: datetime.date | None = None,
):
    """Record a manager's orientation decision on an open pathway.

    The pathway moves to the starting stage (a transition-log row), the 6-week
    orientation deadline is met, and the 1-month contract deadline opens from
    the decision. A reorientation (the pathway already had a decision) needs a
    reason; it restarts the contract delay: the open contract deadline is
    cancelled and a new one opens.
    """
    from caseload.enums import Programme

    decided_on = decided_on or timezone.localdate()
    reason = (reason or "").strip()
    if orientation not in Orientation.values:
        raise ValidationError(_("Choisissez une orientation."), code="orientation")
    if programme not in Programme.values:
        raise ValidationError(_("Choisissez un dispositif."), code="programme")
    if starting_stage not in FOLLOWED_STAGES:
        raise ValidationError(
            _("L'étape de départ est sociale, socio-professionnelle ou emploi."), code="stage"
        )
    if len(reason) > 500:
        raise ValidationError(_("Le motif compte 500 caractères au plus."), code="too_long")
    pathway = Pathway.objects.select_for_update(of=("self",)).get(pk=pathway.pk)
    if not pathway.is_open:
        raise ValidationError(_("Ce parcours est clos."), code="closed")
    reorientation = OrientationDecision.objects.filter(pathway=pathway).exists()
    if reorientation and not reason:
        raise ValidationError(_("Une réorientation indique son motif."), code="reason")
    decision = OrientationDecision.objects.create(
        pathway=pathway,
        orientation=orientation,
        programme=programme,
        starting_stage=starting_stage,
        decided_on=decided_on,
        notified_on=decided_on,
        reason=reason,
        decided_by=acting_user,
    )
    if pathway.stage != starting_stage:
        StageTransition.objects.create(
            pathway=pathway,
            from_stage=pathway.stage,
            to_stage=starting_stage,
            by=acting_user,
            reason=reason
            or _("Orientation %(orientation)s") % {"orientation": Orientation(orientation).label},
        )
    pathway.stage = starting_stage
    pathway.programme = programme
    pathway.save(update_fields=["stage", "programme"])
    deadline_meet(pathway=pathway, kind=DeadlineKind.ORIENTATION, on=decided_on)
    deadline_cancel(pathway=pathway, kind=DeadlineKind.CONTRACT, on=decided_on)
    deadline_open(pathway=pathway, kind=DeadlineKind.CONTRACT, reference_date=decided_on)
    return decision


@transaction.atomic
def orientations_decide(
    *, pathways, orientation, programme, starting_stage, acting_user, reason=""
):
    """The same orientation for a batch of new applicants, all or nothing."""
    pathways = list(pathways)
    if not pathways:
        raise ValidationError(_("Choisissez au moins une personne."), code="empty")
    return [
        orientation_decide(
            pathway=pathway,
            orientation=orientation,
            programme=programme,
            starting_stage=starting_stage,
            acting_user=acting_user,
            reason=reason,
        )
        for pathway in sorted(pathways, key=lambda p: p.pk)
    ]


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
    return pathway_ids
