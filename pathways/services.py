"""Writes of the pathways app: pathways, transitions, deadlines, interviews,
prescriptions, contracts and referent change requests."""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.enums import ChangeRequestStatus, Programme, StaffRole
from core.bulk import copy_rows, reserve_ids
from core.exceptions import StaleVersionError
from pathways.deadlines import due_date, reminder_schedule
from pathways.enums import (
    ContractKind,
    DeadlineKind,
    ExitOutcome,
    InterviewKind,
    InterviewStatus,
    ObjectiveState,
    Orientation,
    PrescriptionStatus,
    ReminderStatus,
    Stage,
)
from pathways.models import (
    MAX_WEEKLY_HOURS,
    MIN_WEEKLY_HOURS,
    Contract,
    ContractObjective,
    Deadline,
    DeadlinePolicy,
    DeadlineReminder,
    Interview,
    InterviewRevision,
    OrientationDecision,
    Pathway,
    Prescription,
    ServiceOffer,
    StageTransition,
)
from pathways.policies import policies_for, policy_for

logger = logging.getLogger(__name__)

RECOMPUTE_BATCH_SIZE = 2000

NOTES_MAX_LENGTH = 10000

# The stages in their usual order; going to an earlier one needs a reason.
STAGE_ORDER = [Stage.PENDING, Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT, Stage.EXIT]

# Who follows a person at each stage (DESIGN.md, "Pathway").
STAGE_ROLES = {
    Stage.SOCIAL: [StaffRole.SOCIAL_WORKER],
    Stage.SOCIOPRO: [StaffRole.SOCIOPRO_REFERENT],
    Stage.EMPLOYMENT: [StaffRole.PE_ADVISOR, StaffRole.JOB_CONSULTANT],
}


def next_deadline_refresh(*, beneficiary_ids):
    """Recompute `Beneficiary.next_deadline_on`, the earliest open deadline of
    the person's open pathway (the portfolio's urgency sort reads it). Called
    by every deadline service; bulk loaders call it once for their people."""
    from beneficiaries.models import Beneficiary

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


# --- Pathway stages -------------------------------------------------------------


def _trace(acting_user, beneficiary, detail):
    from beneficiaries.enums import AccessAction
    from beneficiaries.services import access_log_record

    if acting_user is not None:
        access_log_record(
            user=acting_user, beneficiary=beneficiary, action=AccessAction.CHANGE, detail=detail
        )


def pathway_mark_entry(*, pathway, on: datetime.date):
    """The first held interview: the pathway's effective entry, and the 15-day
    entry deadline met. Guarded updates, so it happens once."""
    entered_on = max(on, pathway.opened_on)
    if Pathway.objects.filter(pk=pathway.pk, entered_on__isnull=True).update(entered_on=entered_on):
        pathway.entered_on = entered_on
    deadline_meet(pathway=pathway, kind=DeadlineKind.ENTRY, on=on)


@transaction.atomic
def pathway_advance(
    *,
    acting_user,
    pathway,
    to_stage,
    expected_stage=None,
    reason="",
    outcome="",
    outcome_detail="",
):
    """Move a pathway to another stage and log the transition (who, when, why).

    - any followed stage may be entered directly from "pending";
    - going back to an earlier stage needs a reason;
    - the exit needs its outcome (CDI, CDD, training, business creation, other);
    - when the new stage needs a role that none of the current referents has,
      a referent change request goes to the manager.

    `expected_stage` refuses a change based on a stale page (two people moving
    the same pathway at once).
    """
    pathway = Pathway.objects.select_for_update(of=("self",)).get(pk=pathway.pk)
    if expected_stage is not None and pathway.stage != expected_stage:
        raise StaleVersionError()
    if not pathway.is_open:
        raise ValidationError({"to_stage": _("Ce parcours est clos.")})
    try:
        to_stage = Stage(to_stage)
    except ValueError:
        raise ValidationError({"to_stage": _("Étape inconnue.")}) from None
    if to_stage == pathway.stage:
        raise ValidationError({"to_stage": _("La personne est déjà à cette étape.")})
    if to_stage == Stage.PENDING:
        raise ValidationError({"to_stage": _("On ne revient pas à l'attente d'orientation.")})
    reason = (reason or "").strip()
    going_back = STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(Stage(pathway.stage))
    if going_back and not reason:
        raise ValidationError({"reason": _("Indiquez le motif du retour à une étape antérieure.")})
    if to_stage == Stage.EXIT:
        if outcome not in ExitOutcome.values:
            raise ValidationError({"outcome": _("Indiquez l'issue de la sortie du parcours.")})
    elif outcome:
        raise ValidationError({"outcome": _("Seule une sortie indique une issue.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Le motif compte 500 caractères au plus.")})

    from_stage = pathway.stage
    pathway.stage = to_stage
    today = timezone.localdate()
    if to_stage == Stage.EXIT:
        pathway.outcome = outcome
        pathway.outcome_detail = (outcome_detail or "").strip()[:255]
        pathway.closed_at = timezone.now()
    pathway.full_clean(validate_unique=False)
    pathway.save(update_fields=["stage", "outcome", "outcome_detail", "closed_at"])
    StageTransition.objects.create(
        pathway=pathway, from_stage=from_stage, to_stage=to_stage, by=acting_user, reason=reason
    )
    if to_stage == Stage.EXIT:
        for kind in DeadlineKind.values:
            deadline_cancel(pathway=pathway, kind=kind, on=today)
        next_deadline_refresh(beneficiary_ids=[pathway.beneficiary_id])
    elif to_stage == Stage.SOCIAL:
        if (
            not Deadline.objects.open()
            .filter(pathway=pathway, kind=DeadlineKind.SOCIAL_REVIEW)
            .exists()
        ):
            deadline_open(pathway=pathway, kind=DeadlineKind.SOCIAL_REVIEW, reference_date=today)
    else:
        deadline_cancel(pathway=pathway, kind=DeadlineKind.SOCIAL_REVIEW, on=today)

    change_request = None
    needed_roles = STAGE_ROLES.get(to_stage)
    if needed_roles:
        from caseload.models import Assignment

        has_role = Assignment.objects.filter(
            beneficiary_id=pathway.beneficiary_id,
            ended_at__isnull=True,
            staff__role__in=needed_roles,
        ).exists()
        if not has_role:
            change_request = referent_change_request_create(
                acting_user=acting_user,
                beneficiary=pathway.beneficiary,
                pathway=pathway,
                requested_role=needed_roles[0],
                reason=_("Passage à l'étape « %(stage)s »") % {"stage": to_stage.label},
            )
    _trace(acting_user, pathway.beneficiary, f"étape : {from_stage} → {to_stage}")
    return pathway, change_request


def referent_change_request_create(
    *, acting_user, beneficiary, requested_role, reason, pathway=None
):
    """Ask the manager for a referent of another role. At most one request is
    pending per person: an existing pending request is returned as is."""
    from caseload.models import ReferentChangeRequest

    pending = ReferentChangeRequest.objects.filter(
        beneficiary=beneficiary, status=ChangeRequestStatus.PENDING
    ).first()
    if pending is not None:
        return pending
    try:
        with transaction.atomic():
            return ReferentChangeRequest.objects.create(
                beneficiary=beneficiary,
                pathway=pathway,
                requested_role=requested_role,
                reason=str(reason)[:500],
                requested_by=acting_user,
            )
    except IntegrityError:
        # Another request was recorded at the same instant: keep that one.
        return ReferentChangeRequest.objects.get(
            beneficiary=beneficiary, status=ChangeRequestStatus.PENDING
        )


# --- Interviews -----------------------------------------------------------------


def _clean_interview(*, occurred_on, kind, status, notes, other_attendees):
    errors = {}
    if kind not in InterviewKind.values:
        errors["kind"] = _("Type d'entretien inconnu.")
    if status not in InterviewStatus.values:
        errors["status"] = _("Statut d'entretien inconnu.")
    if occurred_on is None:
        errors["occurred_on"] = _("Indiquez la date de l'entretien.")
    elif status != InterviewStatus.PLANNED and occurred_on > timezone.localdate():
        errors["occurred_on"] = _(
            "Un entretien réalisé ou non honoré ne peut pas être daté dans le futur."
        )
    if len(notes or "") > NOTES_MAX_LENGTH:
        errors["notes"] = _("Le compte rendu compte %(max)s caractères au plus.") % {
            "max": f"{NOTES_MAX_LENGTH:,}".replace(",", "\u202f")
        }
    if len(other_attendees or "") > 255:
        errors["other_attendees"] = _("255 caractères au plus.")
    return errors


def _check_hours(hours):
    try:
        hours = Decimal(hours)
    except (TypeError, ArithmeticError, ValueError):
        return None, _("Indiquez un nombre d'heures.")
    if not Decimal("0") <= hours <= MAX_WEEKLY_HOURS:
        return None, _("Les heures par semaine sont comprises entre 0 et 35.")
    return hours, None


def catalogue_for(beneficiary):
    """The catalogue actions that can be prescribed to a person: active offers
    of their Département, held in their territory or Département-wide."""
    from django.db.models import Q

    qs = ServiceOffer.objects.filter(departement_id=beneficiary.departement_id, is_active=True)
    if beneficiary.territory_id:
        qs = qs.filter(Q(territory__isnull=True) | Q(territory_id=beneficiary.territory_id))
    else:
        qs = qs.filter(territory__isnull=True)
    return qs


def _check_offer(beneficiary, offer):
    offer_id = getattr(offer, "pk", offer)
    found = catalogue_for(beneficiary).filter(pk=offer_id).first() if offer_id else None
    if found is None:
        return None, _("Cette action n'existe pas dans l'offre de service de la personne.")
    return found, None


@transaction.atomic
def interview_create(
    *,
    acting_user,
    beneficiary,
    occurred_on: datetime.date,
    kind,
    status=InterviewStatus.HELD,
    attendees=(),
    other_attendees="",
    notes="",
    next_appointment_at=None,
    barrier_changes=None,
    prescriptions=(),
):
    """Log an interview with the barriers it changed and the actions it prescribed.

    `barrier_changes` maps a barrier kind to its new state; `prescriptions` is
    a list of `{"offer": ServiceOffer or id, "hours_per_week": Decimal}`. The
    first held interview marks the pathway's entry and meets the 15-day entry
    deadline. Everything is validated first: on an error nothing is saved.
    """
    from beneficiaries.enums import BarrierKind, BarrierState
    from beneficiaries.services import barrier_set_state, beneficiary_touch_contact

    errors = _clean_interview(
        occurred_on=occurred_on,
        kind=kind,
        status=status,
        notes=notes,
        other_attendees=other_attendees,
    )
    barrier_changes = {k: v for k, v in (barrier_changes or {}).items() if v}
    for barrier_kind, state in barrier_changes.items():
        if barrier_kind not in BarrierKind.values or state not in BarrierState.values:
            errors["barriers"] = _("Frein ou état inconnu.")
    checked = []
    for index, item in enumerate(prescriptions):
        offer, offer_error = _check_offer(beneficiary, item.get("offer"))
        hours, hours_error = _check_hours(item.get("hours_per_week"))
        if offer_error:
            errors[f"prescriptions-{index}-offer"] = offer_error
        if hours_error:
            errors[f"prescriptions-{index}-hours_per_week"] = hours_error
        checked.append((offer, hours))
    if errors:
        raise ValidationError(errors)

    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .filter(beneficiary=beneficiary, closed_at__isnull=True)
        .first()
    )
    interview = Interview.objects.create(
        beneficiary=beneficiary,
        pathway=pathway,
        occurred_on=occurred_on,
        kind=kind,
        status=status,
        other_attendees=other_attendees or "",
        notes=notes or "",
        next_appointment_at=next_appointment_at,
        author=acting_user,
    )
    if attendees:
        interview.attendees.set(attendees)
    if status == InterviewStatus.HELD:
        if pathway is not None:
            pathway_mark_entry(pathway=pathway, on=occurred_on)
        beneficiary_touch_contact(beneficiary=beneficiary, on=occurred_on)
    for barrier_kind, state in sorted(barrier_changes.items()):
        barrier_set_state(
            acting_user=acting_user,
            beneficiary=beneficiary,
            kind=barrier_kind,
            state=state,
            on=occurred_on,
            interview=interview,
        )
    for offer, hours in checked:
        Prescription.objects.create(
            beneficiary=beneficiary,
            pathway=pathway,
            offer=offer,
            interview=interview,
            hours_per_week=hours,
            prescribed_on=min(occurred_on, timezone.localdate()),
            prescribed_by=acting_user,
        )
    _trace(acting_user, beneficiary, "entretien")
    return interview


def _interview_snapshot(interview):
    return {
        "occurred_on": interview.occurred_on.isoformat(),
        "kind": interview.kind,
        "status": interview.status,
        "attendees": sorted(interview.attendees.values_list("pk", flat=True)),
        "other_attendees": interview.other_attendees,
        "notes": interview.notes,
        "next_appointment_at": (
            interview.next_appointment_at.isoformat() if interview.next_appointment_at else None
        ),
        "author": interview.author_id,
        "updated_at": interview.updated_at.isoformat() if interview.updated_at else None,
    }


@transaction.atomic
def interview_update(
    *,
    acting_user,
    interview,
    expected_version: int,
    occurred_on: datetime.date,
    kind,
    status,
    attendees=(),
    other_attendees="",
    notes="",
    next_appointment_at=None,
):
    """Edit an interview, keeping its previous content as a revision.

    Optimistic concurrency: the edit names the version it started from; if
    someone saved in between, it is refused (`StaleVersionError`) and nothing
    is overwritten.
    """
    errors = _clean_interview(
        occurred_on=occurred_on,
        kind=kind,
        status=status,
        notes=notes,
        other_attendees=other_attendees,
    )
    if errors:
        raise ValidationError(errors)
    current = (
        Interview.objects.select_for_update(of=("self",))
        .filter(pk=interview.pk, version=expected_version)
        .first()
    )
    if current is None:
        raise StaleVersionError()
    InterviewRevision.objects.create(
        interview=current,
        version=current.version,
        snapshot=_interview_snapshot(current),
        edited_by=acting_user,
    )
    was_held = current.status == InterviewStatus.HELD
    current.occurred_on = occurred_on
    current.kind = kind
    current.status = status
    current.other_attendees = other_attendees or ""
    current.notes = notes or ""
    current.next_appointment_at = next_appointment_at
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    current.attendees.set(attendees)
    if status == InterviewStatus.HELD and not was_held:
        from beneficiaries.services import beneficiary_touch_contact

        if current.pathway_id and current.pathway.is_open:
            pathway_mark_entry(pathway=current.pathway, on=occurred_on)
        beneficiary_touch_contact(beneficiary=current.beneficiary, on=occurred_on)
    _trace(acting_user, current.beneficiary, "entretien modifié")
    return current


# --- Prescriptions and contracts --------------------------------------------------


@transaction.atomic
def prescription_create(
    *, acting_user, beneficiary, offer, hours_per_week, interview=None, starts_on=None
):
    """Prescribe an action of the catalogue, with its weekly hours."""
    errors = {}
    offer, offer_error = _check_offer(beneficiary, offer)
    hours, hours_error = _check_hours(hours_per_week)
    if offer_error:
        errors["offer"] = offer_error
    if hours_error:
        errors["hours_per_week"] = hours_error
    if errors:
        raise ValidationError(errors)
    pathway = Pathway.objects.open().filter(beneficiary=beneficiary).first()
    prescription = Prescription.objects.create(
        beneficiary=beneficiary,
        pathway=pathway,
        offer=offer,
        interview=interview,
        hours_per_week=hours,
        prescribed_on=timezone.localdate(),
        starts_on=starts_on,
        prescribed_by=acting_user,
    )
    _trace(acting_user, beneficiary, "prescription")
    return prescription


@transaction.atomic
def prescription_set_status(*, acting_user, prescription, status):
    """Follow a prescribed action: in progress, completed, abandoned. Only
    active ones (prescribed, in progress) count in the weekly hours."""
    if status not in PrescriptionStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    today = timezone.localdate()
    prescription.status = status
    fields = ["status"]
    if status == PrescriptionStatus.IN_PROGRESS and prescription.starts_on is None:
        prescription.starts_on = today
        fields.append("starts_on")
    if status in (PrescriptionStatus.COMPLETED, PrescriptionStatus.ABANDONED):
        prescription.ends_on = max(today, prescription.starts_on or today)
        fields.append("ends_on")
    prescription.save(update_fields=fields)
    _trace(acting_user, prescription.beneficiary, "prescription suivie")
    return prescription


@transaction.atomic
def contract_create(
    *,
    acting_user,
    beneficiary,
    signed_on: datetime.date,
    review_on: datetime.date,
    weekly_hours,
    kind=ContractKind.CONTRAT_ENGAGEMENT,
    hours_reduction_reason="",
    hours_reduction_detail="",
    objectives=(),
):
    """Sign (or renew) the engagement contract. The previous contract stays in
    the record. Meets the 1-month contract deadline.

    `objectives` is a list of `(label, state)`.
    """
    errors = {}
    if signed_on and signed_on > timezone.localdate():
        errors["signed_on"] = _("La date de signature ne peut être future.")
    hours, hours_error = _check_hours(weekly_hours)
    if hours_error:
        errors["weekly_hours"] = hours_error
    elif hours < MIN_WEEKLY_HOURS and not hours_reduction_reason:
        errors["hours_reduction_reason"] = _(
            "Moins de 15 heures d'activité par semaine : indiquez le motif "
            "(santé, handicap, parent isolé sans solution de garde)."
        )
    objectives = [(str(label).strip(), state) for label, state in objectives if str(label).strip()]
    for label, state in objectives:
        if len(label) > 255 or state not in ObjectiveState.values:
            errors["objectives"] = _("Objectif trop long (255 caractères au plus) ou état inconnu.")
    if errors:
        raise ValidationError(errors)
    pathway = Pathway.objects.open().filter(beneficiary=beneficiary).first()
    contract = Contract(
        beneficiary=beneficiary,
        pathway=pathway,
        kind=kind,
        signed_on=signed_on,
        review_on=review_on,
        weekly_hours=hours,
        hours_reduction_reason=hours_reduction_reason or "",
        hours_reduction_detail=hours_reduction_detail or "",
        created_by=acting_user,
    )
    contract.full_clean()
    contract.save()
    ContractObjective.objects.bulk_create(
        ContractObjective(contract=contract, label=label, state=state)
        for label, state in objectives
    )
    if pathway is not None:
        deadline_meet(pathway=pathway, kind=DeadlineKind.CONTRACT, on=signed_on)
    _trace(acting_user, beneficiary, "contrat")
    return contract
