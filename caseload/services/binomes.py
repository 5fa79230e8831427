"""Writes of binômes: a France Travail advisor paired with a departmental
social worker, and the people they follow together in accompagnement global."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.enums import AssignmentEndReason, Programme, StaffRole
from caseload.models import Assignment, Binome
from caseload.perms import OutOfScope, check_may_manage_people
from caseload.services.assignments import (
    check_assignable,
    check_reason,
    check_roles_free,
    insert_assignments,
    lock_staff,
    reserve,
)


@transaction.atomic
def binome_create(*, pe_advisor, social_worker, acting_user=None):
    """Pair a France Travail advisor with a departmental social worker."""
    if pe_advisor.role != StaffRole.PE_ADVISOR:
        raise ValidationError(
            _("Le premier membre d'un binôme est un conseiller France Travail."), code="role"
        )
    if social_worker.role != StaffRole.SOCIAL_WORKER:
        raise ValidationError(
            _("Le second membre d'un binôme est un travailleur social."), code="role"
        )
    if not (pe_advisor.is_active and social_worker.is_active):
        raise ValidationError(_("Les deux membres doivent être en poste."), code="inactive")
    if pe_advisor.structure.departement_id != social_worker.structure.departement_id:
        raise ValidationError(
            _("Les deux membres d'un binôme travaillent dans le même Département."),
            code="departement",
        )
    if Binome.objects.filter(
        pe_advisor=pe_advisor, social_worker=social_worker, dissolved_at__isnull=True
    ).exists():
        raise ValidationError(_("Ce binôme existe déjà."), code="exists")
    return Binome.objects.create(pe_advisor=pe_advisor, social_worker=social_worker)


@transaction.atomic
def binome_dissolve(*, binome, acting_user, detail=""):
    """Dissolve a binôme: the people it followed go back to the queue (their
    assignments end with the reason "binôme dissous")."""
    binome = Binome.objects.select_for_update(of=("self",)).get(pk=binome.pk)
    if not binome.is_active:
        raise ValidationError(_("Ce binôme est déjà dissous."), code="dissolved")
    try:
        check_may_manage_people(
            acting_user,
            Assignment.objects.active()
            .filter(binome=binome)
            .values_list("beneficiary__departement_id", "beneficiary__territory_id")
            .distinct(),
        )
    except OutOfScope as error:
        raise OutOfScope(
            _(
                "Ce binôme suit aussi des personnes hors de vos territoires : seul leur "
                "responsable ou un administrateur peut le dissoudre. Rien n'a été modifié."
            )
        ) from error
    Assignment.objects.active().filter(binome=binome).update(
        ended_at=Now(),
        end_reason=AssignmentEndReason.BINOME_DISSOLVED,
        end_detail=check_reason(detail),
        ended_by=acting_user,
    )
    binome.dissolved_at = timezone.now()
    binome.save(update_fields=["dissolved_at"])
    return binome


@transaction.atomic
def binome_enrol(
    *,
    beneficiary,
    binome,
    acting_user,
    advisor_agrees,
    social_worker_agrees,
    reason="",
    over_cap_reason="",
):
    """Enrol a person in accompagnement global with a binôme: both members'
    agreement recorded, one assignment per member (both pointing at the
    binôme), so the person counts in both portfolios and both caps, in
    accompagnement global (the programme of a binôme's follow-up, whatever
    the person's pathway says). Both staff rows are locked (in primary-key
    order) before the caps are checked."""
    if not (advisor_agrees and social_worker_agrees):
        raise ValidationError(
            _("L'accompagnement global demande l'accord des deux membres du binôme."),
            code="agreement",
        )
    check_may_manage_people(acting_user, [(beneficiary.departement_id, beneficiary.territory_id)])
    binome = Binome.objects.select_for_update(of=("self",)).get(pk=binome.pk)
    if not binome.is_active:
        raise ValidationError(_("Ce binôme est dissous."), code="dissolved")
    reason = check_reason(reason)
    over_cap_reason = check_reason(over_cap_reason)
    locked = lock_staff([binome.pe_advisor_id, binome.social_worker_id])
    programme = Programme.ACCOMPAGNEMENT_GLOBAL
    for staff in locked.values():
        check_assignable(beneficiary=beneficiary, staff=staff)
    if (
        Assignment.objects.active()
        .filter(beneficiary=beneficiary, staff_id__in=list(locked))
        .exists()
    ):
        raise ValidationError(
            _("Cette personne est déjà suivie par un membre de ce binôme."), code="already"
        )
    check_roles_free(wanted=[(beneficiary, staff.role, programme) for staff in locked.values()])
    overridden = reserve(
        locked_staff=locked,
        wanted={(staff_id, programme): 1 for staff_id in locked},
        acting_user=acting_user,
        over_cap_reason=over_cap_reason,
    )
    now = timezone.now()
    return insert_assignments(
        [
            Assignment(
                beneficiary=beneficiary,
                staff=staff,
                role=staff.role,
                binome=binome,
                programme=programme,
                reason=reason,
                binome_agreement_at=now,
                over_cap_reason=over_cap_reason if (staff.pk, programme) in overridden else "",
                created_by=acting_user,
            )
            for staff in locked.values()
        ]
    )
