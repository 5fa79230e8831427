"""Writes of referent change requests: a referent asks the manager for
another referent; the manager accepts (naming them) or refuses."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.enums import AssignmentEndReason, ChangeRequestStatus, Programme
from caseload.models import Assignment, ReferentChangeRequest, StaffProfile
from caseload.services.assignments import assignment_create, assignments_end_many, check_reason


def _lock_pending_request(change_request):
    locked = ReferentChangeRequest.objects.select_for_update(of=("self",)).get(pk=change_request.pk)
    if locked.status != ChangeRequestStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
    return locked


@transaction.atomic
def change_request_accept(
    *,
    change_request,
    new_staff,
    acting_user,
    programme=Programme.DROIT_COMMUN,
    reason="",
    over_cap_reason="",
):
    """Accept a referent change request: the requester's follow-up of the
    person ends (change of stage) and the new referent is assigned under
    their cap, in `programme`, the programme of the person's open pathway
    (`pathways.selectors.open_programmes`: see `caseload.services.assignments`);
    all or nothing."""
    change_request = _lock_pending_request(change_request)
    requester_staff_ids = list(
        StaffProfile.objects.filter(user_id=change_request.requested_by_id).values_list(
            "pk", flat=True
        )
    )
    if new_staff.pk in requester_staff_ids:
        raise ValidationError(
            _("Choisissez un autre professionnel que l'auteur de la demande."), code="same"
        )
    previous = list(
        Assignment.objects.active().filter(
            beneficiary_id=change_request.beneficiary_id, staff_id__in=requester_staff_ids
        )
    )
    if previous:
        assignments_end_many(
            assignments=previous,
            acting_user=acting_user,
            end_reason=AssignmentEndReason.STAGE_CHANGE,
            detail=_("Demande de changement de référent acceptée"),
        )
    assignment = assignment_create(
        beneficiary=change_request.beneficiary,
        staff=new_staff,
        acting_user=acting_user,
        reason=reason or change_request.reason,
        programme=programme,
        over_cap_reason=over_cap_reason,
    )
    change_request.status = ChangeRequestStatus.ACCEPTED
    change_request.new_staff = new_staff
    change_request.decision_reason = check_reason(reason)
    change_request.decided_by = acting_user
    change_request.decided_at = timezone.now()
    change_request.save(
        update_fields=["status", "new_staff", "decision_reason", "decided_by", "decided_at"]
    )
    return assignment


@transaction.atomic
def change_request_refuse(*, change_request, acting_user, reason):
    """Refuse a referent change request, with a reason the requester sees."""
    reason = check_reason(reason)
    if not reason:
        raise ValidationError(_("Indiquez le motif du refus."), code="reason")
    change_request = _lock_pending_request(change_request)
    change_request.status = ChangeRequestStatus.REFUSED
    change_request.decision_reason = reason
    change_request.decided_by = acting_user
    change_request.decided_at = timezone.now()
    change_request.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    return change_request
