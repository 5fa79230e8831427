"""Two-factor helpers for tests: a confirmed TOTP device, its current code,
and a session marked verified the way django-otp marks it after a code."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseload.perms import forget_scope
from caseload.two_factor import second_factor_required


def totp_device_for(user):
    """The user's confirmed TOTP device, created when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Téléphone de test", confirmed=True)
    return device


def current_code(device):
    """The code the user's application shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client, user):
    """Mark the client's session verified with the user's device."""
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def needs_second_factor(user):
    required = second_factor_required(user)
    # The check caches the user's scope; the test may change it afterwards.
    forget_scope(user)
    return required
