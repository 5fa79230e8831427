"""Writes of the beneficiaries app."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.enums import AccessAction, BarrierState, OutreachResult
from beneficiaries.models import (
    Barrier,
    BarrierEvent,
    Beneficiary,
    OutreachAttempt,
    RecordAccessLog,
)
from core import date_ranges
from core.bulk import insert_rows
from core.exceptions import StaleVersionError


def access_log_record(*, user, beneficiary, action=AccessAction.READ, detail=""):
    """Trace a read or a change of a person's record (append-only log).

    The detail names the section or the operation, never personal data.
    """
    return RecordAccessLog.objects.create(
        beneficiary_id=beneficiary.pk, user_id=user.pk, action=action, detail=detail[:200]
    )


def access_logs_record_bulk(*, user, beneficiary_ids, action=AccessAction.CHANGE, detail=""):
    """`access_log_record` for many people at once (imports)."""
    insert_rows(
        RecordAccessLog,
        (
            {"beneficiary_id": pk, "user_id": user.pk, "action": action, "detail": detail[:200]}
            for pk in beneficiary_ids
        ),
    )


def barrier_set_state(*, acting_user, beneficiary, kind, state, on: datetime.date, interview=None):
    """Record a barrier's new state (identified → being lifted → lifted, or back):
    the barrier row holds the current state, a `BarrierEvent` the history.
    Returns the barrier, or None when the state does not change."""
    barrier = (
        Barrier.objects.select_for_update(of=("self",))
        .filter(beneficiary=beneficiary, kind=kind)
        .first()
    )
    if barrier is None:
        barrier = Barrier(beneficiary=beneficiary, kind=kind, identified_on=on)
    elif barrier.state == state:
        return None
    barrier.state = state
    if state == BarrierState.LIFTED:
        barrier.lifted_on = max(on, barrier.identified_on)
    else:
        barrier.lifted_on = None
    barrier.full_clean()
    barrier.save()
    BarrierEvent.objects.create(
        barrier=barrier, state=state, occurred_on=on, recorded_by=acting_user, interview=interview
    )
    return barrier


@transaction.atomic
def outreach_attempt_create(
    *, acting_user, beneficiary, channel, result, attempted_on: datetime.date, notes=""
):
    """A contact attempt and its result; a reached person counts as a contact."""
    today = timezone.localdate()
    if attempted_on > today:
        raise ValidationError({"attempted_on": _("Une tentative de contact ne peut être future.")})
    error = date_ranges.range_error(
        attempted_on,
        date_ranges.outreach_range(today, beneficiary.rsa_application_date),
        field_label=_("Date de la tentative de contact"),
    )
    if error:
        raise ValidationError({"attempted_on": error})
    attempt = OutreachAttempt(
        beneficiary=beneficiary,
        channel=channel,
        result=result,
        attempted_on=attempted_on,
        notes=notes,
        made_by=acting_user,
    )
    attempt.full_clean()
    attempt.save()
    if result in {OutreachResult.REACHED, OutreachResult.APPOINTMENT_SET}:
        beneficiary_touch_contact(beneficiary=beneficiary, on=attempted_on)
    access_log_record(
        user=acting_user, beneficiary=beneficiary, action=AccessAction.CHANGE, detail="contact"
    )
    return attempt


def beneficiary_touch_contact(*, beneficiary, on: datetime.date):
    """Move the person's last contact forward (never back)."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Beneficiary.objects.filter(pk=beneficiary.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=moment)
    ).update(last_contact_at=moment)


CONTACT_FIELDS = ("phone", "email", "address_line", "postcode", "city")


@transaction.atomic
def beneficiary_update_contact(*, acting_user, beneficiary, expected_version: int, **fields):
    """Change a person's contact details, refusing a save based on an old
    version (two people editing the same record: the second is refused)."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables ici : {sorted(unknown)}")
    for name, value in fields.items():
        setattr(beneficiary, name, value)
    beneficiary.full_clean(validate_unique=False, validate_constraints=False)
    updated = Beneficiary.objects.filter(pk=beneficiary.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleVersionError()
    beneficiary.version = expected_version + 1
    access_log_record(
        user=acting_user,
        beneficiary=beneficiary,
        action=AccessAction.CHANGE,
        detail="coordonnées",
    )
    return beneficiary
