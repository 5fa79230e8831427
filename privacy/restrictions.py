"""Objection (RGPD art. 21) and restriction of processing (art. 18): recorded
from the person's page by a Département admin or a manager of the person's
territory, lifted later with a date. While one holds:

- no message leaves for the person: every convocation, reminder, invitation
  and follow-up is written as skipped with the reason (`message_block_reasons`,
  registered with the appointments layer), and the messages already waiting
  in the outbox when it is recorded are skipped too;
- the person's record and the manager's page show it in a banner.

What each one means for the Département's work is in docs/rgpd.md.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.enums import MessageStatus
from appointments.models import Message
from beneficiaries.enums import AccessAction
from beneficiaries.services import access_log_record
from caseload.perms import may_manage_person
from privacy.enums import RestrictionKind
from privacy.models import Restriction

REASON_BY_KIND = {
    RestrictionKind.OBJECTION: gettext_lazy("opposition de la personne au traitement en cours"),
    RestrictionKind.RESTRICTION: gettext_lazy("limitation du traitement en cours"),
}


def can_record_restriction(user, person):
    """A Département admin (their Département) or a manager (their
    territories), the platform operator: the console's rule."""
    return user is not None and may_manage_person(
        user, departement_id=person.departement_id, territory_id=person.territory_id
    )


def active_restrictions(person_id):
    """The person's objections and restrictions that hold now, newest first
    (one query)."""
    return list(
        Restriction.objects.active()
        .filter(beneficiary_id=person_id)
        .select_related("recorded_by")
        .order_by("-requested_on", "-pk")
    )


def restrictions_of(person_id):
    """Every objection and restriction of the person, lifted ones included."""
    return list(
        Restriction.objects.filter(beneficiary_id=person_id)
        .select_related("recorded_by", "lifted_by")
        .order_by("-requested_on", "-pk")
    )


def message_block_reasons(beneficiary_ids):
    """{person id: reason} for the people with an objection or a restriction
    that holds (one query): no message may reach them."""
    reasons = {}
    rows = (
        Restriction.objects.active()
        .filter(beneficiary_id__in=beneficiary_ids)
        .order_by("beneficiary_id", "-requested_on", "-pk")
        .values_list("beneficiary_id", "kind")
    )
    for beneficiary_id, kind in rows:
        reasons.setdefault(beneficiary_id, str(REASON_BY_KIND[kind]))
    return reasons


def _check_dates(*, day, label, after=None):
    today = timezone.localdate()
    if day > today:
        raise ValidationError({label: _("La date ne peut pas être dans le futur.")})
    if after is not None and day < after:
        raise ValidationError({label: _("La levée ne peut précéder la demande.")})


@transaction.atomic
def restriction_record(
    *,
    acting_user,
    beneficiary,
    kind: str,
    reason: str,
    requested_on: datetime.date,
) -> Restriction:
    """Record the person's objection or restriction request. The messages of
    the outbox still waiting for them are skipped, with the reason."""
    if not can_record_restriction(acting_user, beneficiary):
        raise PermissionDenied
    if kind not in RestrictionKind.values:
        raise ValidationError({"kind": _("Type de demande inconnu.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif donné par la personne.")})
    _check_dates(day=requested_on, label="requested_on")
    restriction = Restriction.objects.create(
        beneficiary=beneficiary,
        kind=kind,
        reason=reason,
        requested_on=requested_on,
        recorded_by=acting_user,
    )
    Message.objects.filter(beneficiary_id=beneficiary.pk, status=MessageStatus.PENDING).update(
        status=MessageStatus.SKIPPED, skip_reason=str(REASON_BY_KIND[kind])[:200]
    )
    access_log_record(
        user=acting_user,
        beneficiary=beneficiary,
        action=AccessAction.CHANGE,
        detail=f"droits RGPD : {restriction.get_kind_display()} enregistrée",
    )
    return restriction


@transaction.atomic
def restriction_lift(
    *, acting_user, restriction, lifted_on: datetime.date, reason: str = ""
) -> Restriction:
    """Lift an objection or a restriction: messages may reach the person again
    (those skipped meanwhile stay skipped)."""
    current = (
        Restriction.objects.select_for_update(of=("self",))
        .select_related("beneficiary")
        .get(pk=restriction.pk)
    )
    if not can_record_restriction(acting_user, current.beneficiary):
        raise PermissionDenied
    if current.lifted_on is not None:
        raise ValidationError(_("Cette demande est déjà levée."))
    _check_dates(day=lifted_on, label="lifted_on", after=current.requested_on)
    current.lifted_on = lifted_on
    current.lifted_by = acting_user
    current.lift_reason = (reason or "").strip()[:500]
    current.save(update_fields=["lifted_on", "lifted_by", "lift_reason"])
    access_log_record(
        user=acting_user,
        beneficiary=current.beneficiary,
        action=AccessAction.CHANGE,
        detail=f"droits RGPD : {current.get_kind_display()} levée",
    )
    return current
