"""Two-factor authentication (django-otp): who must use it, and its writes.

A user proves a second factor with a TOTP application (one `TOTPDevice`,
confirmed by a first code) or with one of their recovery codes (one
`StaticDevice` holding single-use tokens). Managers, administrators and staff
users of the Django admin must; referents may.
"""

import logging

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseload.enums import StaffRole
from caseload.models import StaffProfile, scope_of
from core.models import User

logger = logging.getLogger(__name__)

TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"


def second_factor_required(user):
    """Managers, administrators, superusers and users of the Django admin
    cannot reach anything without a verified second factor."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return scope_of(user).role in {StaffRole.MANAGER, StaffRole.ADMIN}


def totp_device_of(user):
    """The user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def totp_device_start(*, user):
    """A new, unconfirmed TOTP device whose key the setup page shows; it
    replaces any other unconfirmed one of the user."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, device_id, token):
    """Confirm the device being set up with a first code from the application.

    Returns the confirmed device, or None when the code is wrong. The new
    device replaces the user's previous one.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(pk=device_id, user=user, confirmed=False)
        .first()
    )
    if device is None or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("second factor set up: user=%s", user.pk)
    return device


def _normalise_code(token):
    return "".join(str(token).split()).lower()


def second_factor_wait_until(user):
    """When the user's devices refuse codes for now (django-otp doubles the
    wait after each wrong code), the time they accept them again, else None."""
    until = None
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, details = device.verify_is_allowed()
            if not allowed and details and details.get("locked_until"):
                until = max(until or details["locked_until"], details["locked_until"])
    return until


def second_factor_verify(*, user, token):
    """The device that accepts the code (TOTP first, then a recovery code, which
    is then used up), or None. Both are throttled by django-otp after failures."""
    token = _normalise_code(token)
    if not token:
        return None
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if totp is not None and token.isdigit() and totp.verify_token(token):
            return totp
    with transaction.atomic():
        static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if static is not None and static.verify_token(token):
            logger.info("recovery code used: user=%s", user.pk)
            return static
    return None


@transaction.atomic
def recovery_codes_generate(*, user):
    """Ten new single-use recovery codes (the old ones stop working); the
    caller shows them once, they are never shown again."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_disable(*, user):
    """A referent turns two-factor authentication off; refused to the roles
    that must keep it."""
    if second_factor_required(user):
        raise PermissionDenied(
            _(
                "La double authentification est obligatoire pour votre rôle : elle ne peut pas être désactivée."
            )
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("second factor disabled: user=%s", user.pk)


def can_reset_second_factor(acting_user, target):
    """A superuser may reset anyone's second factor; a Département's admin, the
    users of their Département's staff who are not superusers; nobody their own."""
    if acting_user.pk == target.pk:
        return False
    if acting_user.is_superuser:
        return True
    scope = scope_of(acting_user)
    if not scope.is_admin or target.is_superuser:
        return False
    return StaffProfile.objects.filter(
        user_id=target.pk, structure__departement_id=scope.departement_id
    ).exists()


def resettable_users(acting_user):
    """The users whose second factor `acting_user` may reset (the admin's page)."""
    users = User.objects.exclude(pk=acting_user.pk)
    if acting_user.is_superuser:
        return users
    scope = scope_of(acting_user)
    if not scope.is_admin:
        return users.none()
    return users.filter(
        is_superuser=False, staff_profile__structure__departement_id=scope.departement_id
    )


@transaction.atomic
def second_factor_reset(*, acting_user, target):
    """Remove every device of `target` (lost phone): at their next request
    they set up a new application. Audited in the admin's change history of
    the user (who, whom, when)."""
    if not can_reset_second_factor(acting_user, target):
        raise PermissionDenied(
            _("Vous ne pouvez pas réinitialiser la double authentification de ce compte.")
        )
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    LogEntry.objects.log_actions(
        user_id=acting_user.pk,
        queryset=[target],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["double authentification (réinitialisée)"]}}],
        single_object=True,
    )
    logger.warning("second factor reset: user=%s by=%s", target.pk, acting_user.pk)
