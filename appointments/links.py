"""The person's signed link: the URL holds only a signed token naming the
appointment (or invitation) and its link key; no personal data. It stops
working when the appointment is past, cancelled or recorded."""

from django.core import signing
from django.utils import timezone

from appointments.enums import AppointmentStatus, InvitationStatus
from appointments.models import Appointment, Invitation

SALT = "appointments.person-link"


def appointment_token(appointment):
    return signing.dumps(["a", appointment.pk, appointment.link_nonce], salt=SALT)


def invitation_token(invitation):
    return signing.dumps(["i", invitation.pk, invitation.link_nonce], salt=SALT)


def _unsign(token):
    try:
        kind, pk, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return kind, pk, nonce


def appointment_from_token(token):
    """The appointment the link may act on, or None (altered, expired,
    cancelled, another appointment's key)."""
    found = _unsign(token)
    if found is None or found[0] != "a":
        return None
    _, pk, nonce = found
    appointment = (
        Appointment.objects.select_related("slot__place", "slot__referent__user", "beneficiary")
        .filter(pk=pk, link_nonce=nonce, status__in=AppointmentStatus.active())
        .first()
    )
    if appointment is None or appointment.slot.ends_at <= timezone.now():
        return None
    return appointment


def invitation_from_token(token):
    found = _unsign(token)
    if found is None or found[0] != "i":
        return None
    _, pk, nonce = found
    invitation = (
        Invitation.objects.select_related("referent__user", "beneficiary")
        .filter(pk=pk, link_nonce=nonce, status=InvitationStatus.OPEN)
        .first()
    )
    if invitation is None or invitation.expires_on < timezone.localdate():
        return None
    return invitation


def token_kind(token):
    found = _unsign(token)
    return found[0] if found else None
