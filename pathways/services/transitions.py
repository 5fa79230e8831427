"""Stage transitions of a pathway, and the referent change requests they raise.

Every move is checked against the table of `pathways.stages` and every
transition row is written here: `transition_apply` for one move (the
referent's stage change, a manager's orientation), `transitions_record_many`
for rows written in bulk (the opening of many pathways at once).
"""

import datetime
import logging
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.enums import AccessAction
from beneficiaries.services import access_log_record
from caseload.enums import AssignmentEndReason, ChangeRequestStatus
from caseload.models import Assignment, ReferentChangeRequest
from caseload.services import assignments_end_for_people
from core.bulk import insert_rows
from core.exceptions import StaleVersionError
from pathways.enums import DeadlineKind, ExitOutcome, Stage
from pathways.models import Deadline, Pathway, StageTransition
from pathways.services.deadlines import (
    deadline_cancel,
    deadline_meet,
    deadline_open,
    next_deadline_refresh,
)
from pathways.stages import Move, Mover, move_for

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 500


def _trace(acting_user, beneficiary, detail):
    if acting_user is not None:
        access_log_record(
            user=acting_user, beneficiary=beneficiary, action=AccessAction.CHANGE, detail=detail
        )


# --- The one writer of transition rows ------------------------------------------


class Applied(NamedTuple):
    move: Move
    transition: StageTransition | None  # None for an orientation keeping the stage
    change_request: ReferentChangeRequest | None


def transition_check(*, pathway, to_stage, by, reason=""):
    """The declared move from the pathway's stage to `to_stage` made by `by`
    (a `Mover`), or a ValidationError: a closed pathway, an unknown stage, a
    move the table does not allow, a move back without its reason. Writes
    nothing."""
    if not pathway.is_open:
        raise ValidationError({"to_stage": _("Ce parcours est clos.")}, code="closed")
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Étape inconnue.")}, code="stage")
    move = move_for(pathway.stage, to_stage, by)
    if move is None:
        if to_stage == pathway.stage:
            message = _("La personne est déjà à cette étape.")
        elif to_stage == Stage.PENDING:
            message = _("On ne revient pas à l'attente d'orientation.")
        else:
            message = _("Le passage de l'étape « %(from)s » à l'étape « %(to)s » n'est pas permis.")
            message %= {"from": Stage(pathway.stage).label, "to": Stage(to_stage).label}
        raise ValidationError({"to_stage": message}, code="move")
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationError(
            {"reason": _("Indiquez le motif du retour à une étape antérieure.")}, code="reason"
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Le motif compte 500 caractères au plus.")}, code="too_long"
        )
    return move


@transaction.atomic
def transition_apply(
    *,
    pathway,
    to_stage,
    by,
    acting_user,
    reason="",
    on: datetime.date | None = None,
    update_fields=(),
):
    """Move a pathway (locked by the caller) to `to_stage` as the table of
    `pathways.stages` declares it for `by`: the pathway's stage saved (with the
    caller's `update_fields`, and closed on an exit), the transition row
    written (none for an orientation keeping the stage), the move's deadline
    effects applied on `on` (today by default), the person's assignments
    ended on an exit (`pathways_exit_follow_up`), and a referent change
    request when the new stage needs a role none of the person's referents has.

    Checks first (`transition_check`), so a refused move writes nothing.
    """
    move = transition_check(pathway=pathway, to_stage=to_stage, by=by, reason=reason)
    reason = (reason or "").strip()
    on = on or timezone.localdate()
    from_stage = pathway.stage
    pathway.stage = move.to_stage
    fields = ["stage", *update_fields]
    if move.effects.closes:
        pathway.closed_at = timezone.now()
        fields.append("closed_at")
    pathway.save(update_fields=list(dict.fromkeys(fields)))
    transition = None
    if move.writes_row:
        transition = StageTransition.objects.create(
            pathway=pathway,
            from_stage=from_stage,
            to_stage=move.to_stage,
            by=acting_user,
            reason=reason,
        )
    _deadline_effects(pathway=pathway, effects=move.effects, on=on)
    if move.effects.closes:
        pathways_exit_follow_up(pathways=[pathway], acting_user=acting_user)
    change_request = _referent_ask(pathway=pathway, move=move, acting_user=acting_user)
    return Applied(move, transition, change_request)


def pathways_exit_follow_up(*, pathways, acting_user):
    """The follow-up of people whose pathway closed ends: every active
    assignment of theirs ends with the exit as its reason (the outcome as its
    detail), in the caller's transaction. Takes many pathways, so an exit of
    many people at once ends theirs in one update per outcome."""
    by_detail = {}
    for pathway in pathways:
        detail = pathway.get_outcome_display() if pathway.outcome else ""
        if pathway.outcome_detail:
            detail = f"{detail} : {pathway.outcome_detail}" if detail else pathway.outcome_detail
        by_detail.setdefault(detail, []).append(pathway.beneficiary_id)
    return sum(
        assignments_end_for_people(
            beneficiary_ids=beneficiary_ids,
            acting_user=acting_user,
            end_reason=AssignmentEndReason.PATHWAY_EXIT,
            detail=detail,
        )
        for detail, beneficiary_ids in by_detail.items()
    )


def _deadline_effects(*, pathway, effects, on):
    for kind in effects.meets:
        deadline_meet(pathway=pathway, kind=kind, on=on)
    for kind in effects.cancels:
        deadline_cancel(pathway=pathway, kind=kind, on=on)
    for kind in effects.restarts:
        deadline_cancel(pathway=pathway, kind=kind, on=on)
        deadline_open(pathway=pathway, kind=kind, reference_date=on)
    for kind in effects.opens:
        if not Deadline.objects.open().filter(pathway=pathway, kind=kind).exists():
            deadline_open(pathway=pathway, kind=kind, reference_date=on)
    if effects.closes:
        next_deadline_refresh(beneficiary_ids=[pathway.beneficiary_id])


def _referent_ask(*, pathway, move, acting_user):
    roles = move.roles
    if not roles:
        return None
    has_role = Assignment.objects.filter(
        beneficiary_id=pathway.beneficiary_id, ended_at__isnull=True, staff__role__in=roles
    ).exists()
    if has_role:
        return None
    return referent_change_request_create(
        acting_user=acting_user,
        beneficiary=pathway.beneficiary,
        pathway=pathway,
        requested_role=roles[0],
        reason=_("Passage à l'étape « %(stage)s »") % {"stage": Stage(move.to_stage).label},
    )


def transitions_record_many(rows, *, by=Mover.INTAKE):
    """Write transition rows in bulk (COPY on PostgreSQL, `bulk_create`
    elsewhere, through `core.bulk.insert_rows`), for moves whose effects the
    caller writes itself in bulk (the opening of imported pathways).

    `rows` are (pathway_id, from_stage, to_stage, reason, by_id) tuples; each
    (from_stage, to_stage) must be a move the table declares for `by`, or a
    ValidationError is raised before anything is written. The caller holds
    the transaction. Returns the number of rows written.
    """
    rows = list(rows)
    refused = set()
    for _pathway_id, from_stage, to_stage, _reason, _by_id in rows:
        move = move_for(from_stage, to_stage, by)
        if move is None or not move.writes_row:
            refused.add((from_stage, to_stage))
    if refused:
        moves = ", ".join(f"{f or '∅'} → {t}" for f, t in sorted(refused))
        raise ValidationError(
            _("Changements d'étape non permis : %(moves)s.") % {"moves": moves}, code="move"
        )
    insert_rows(
        StageTransition,
        (
            {
                "pathway_id": pathway_id,
                "from_stage": from_stage,
                "to_stage": to_stage,
                "reason": (reason or "")[:REASON_MAX_LENGTH],
                "by_id": by_id,
            }
            for pathway_id, from_stage, to_stage, reason, by_id in rows
        ),
    )
    return len(rows)


# --- Pathway stages -------------------------------------------------------------


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
    """The referent moves a pathway to another stage (`Mover.REFERENT` in the
    table of `pathways.stages`), the transition logged (who, when, why):

    - any followed stage, or the exit, may be entered directly from "pending";
    - going back to an earlier stage needs a reason;
    - the exit needs its outcome (CDI, CDD, training, business creation, other);
    - when the new stage needs a role that none of the current referents has,
      a referent change request goes to the manager.

    `expected_stage` refuses a change based on a stale page (two people moving
    the same pathway at once). Returns the pathway and the change request.
    """
    pathway = Pathway.objects.select_for_update(of=("self",)).get(pk=pathway.pk)
    if expected_stage is not None and pathway.stage != expected_stage:
        raise StaleVersionError()
    move = transition_check(pathway=pathway, to_stage=to_stage, by=Mover.REFERENT, reason=reason)
    if move.effects.closes:
        if outcome not in ExitOutcome.values:
            raise ValidationError({"outcome": _("Indiquez l'issue de la sortie du parcours.")})
        pathway.outcome = outcome
        pathway.outcome_detail = (outcome_detail or "").strip()[:255]
    elif outcome:
        raise ValidationError({"outcome": _("Seule une sortie indique une issue.")})

    from_stage = pathway.stage
    applied = transition_apply(
        pathway=pathway,
        to_stage=move.to_stage,
        by=Mover.REFERENT,
        acting_user=acting_user,
        reason=reason,
        update_fields=("outcome", "outcome_detail") if move.effects.closes else (),
    )
    _trace(acting_user, pathway.beneficiary, f"étape : {from_stage} → {move.to_stage}")
    return pathway, applied.change_request


def referent_change_request_create(
    *, acting_user, beneficiary, requested_role, reason, pathway=None
):
    """Ask the manager for a referent of another role. At most one request is
    pending per person: an existing pending request is returned as is."""
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
                reason=str(reason)[:REASON_MAX_LENGTH],
                requested_by=acting_user,
            )
    except IntegrityError:
        # Another request was recorded at the same instant: keep that one.
        return ReferentChangeRequest.objects.get(
            beneficiary=beneficiary, status=ChangeRequestStatus.PENDING
        )
