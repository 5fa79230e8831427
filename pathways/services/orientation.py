"""Orientation decisions of the managers (one person or a batch)."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.enums import Programme
from caseload.perms import check_may_manage_people
from pathways.enums import Orientation
from pathways.models import OrientationDecision, Pathway
from pathways.services.transitions import transition_apply
from pathways.stages import FOLLOWED_STAGES, Mover

logger = logging.getLogger(__name__)


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

    The pathway moves to the starting stage (`Mover.MANAGER` in the table of
    `pathways.stages`: a transition-log row, none when the stage stays), the
    6-week orientation deadline is met, and the 1-month contract deadline
    opens from the decision. A reorientation (the pathway already had a
    decision) needs a reason; it restarts the contract delay: the open
    contract deadline is cancelled and a new one opens. A first orientation
    logs the orientation as the reason of its move.
    """

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
    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .select_related("beneficiary")
        .get(pk=pathway.pk)
    )
    check_may_manage_people(
        acting_user, [(pathway.beneficiary.departement_id, pathway.beneficiary.territory_id)]
    )
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
    pathway.programme = programme
    transition_apply(
        pathway=pathway,
        to_stage=starting_stage,
        by=Mover.MANAGER,
        acting_user=acting_user,
        reason=reason
        or _("Orientation %(orientation)s") % {"orientation": Orientation(orientation).label},
        on=decided_on,
        update_fields=("programme",),
    )
    return decision


@transaction.atomic
def orientations_decide(
    *, pathways, orientation, programme, starting_stage, acting_user, reason=""
):
    """The same orientation for a batch of new applicants, all or nothing:
    each through `orientation_decide`, so each move through the table."""
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
