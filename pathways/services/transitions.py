"""Stage transitions of a pathway, and the referent change requests they raise."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.enums import ChangeRequestStatus, StaffRole
from core.exceptions import StaleVersionError
from pathways.enums import (
    DeadlineKind,
    ExitOutcome,
    Stage,
)
from pathways.models import (
    Deadline,
    Pathway,
    StageTransition,
)
from pathways.services.deadlines import (
    deadline_cancel,
    deadline_meet,
    deadline_open,
    next_deadline_refresh,
)

logger = logging.getLogger(__name__)

STAGE_ORDER = [Stage.PENDING, Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT, Stage.EXIT]

# Who follows a person at each stage (DESIGN.md, "Pathway").
STAGE_ROLES = {
    Stage.SOCIAL: [StaffRole.SOCIAL_WORKER],
    Stage.SOCIOPRO: [StaffRole.SOCIOPRO_REFERENT],
    Stage.EMPLOYMENT: [StaffRole.PE_ADVISOR, StaffRole.JOB_CONSULTANT],
}


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
