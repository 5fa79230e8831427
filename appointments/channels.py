"""Who a message goes to on each channel, and the short French texts. The
texts hold nothing but the first name, the date, the time and the place
(and the person's link)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from appointments.enums import Channel, MessageKind
from beneficiaries.validators import normalise_phone

# Mobile numbers: 06 and 07, metropolitan and overseas départements; the
# overseas ones are dialled from abroad with their own country code.
OVERSEAS_MOBILE_PREFIXES = {
    "0639": "262",  # Mayotte
    "0690": "590",
    "0691": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0692": "262",
    "0693": "262",  # La Réunion
    "0694": "594",  # Guyane
    "0696": "596",
    "0697": "596",  # Martinique
}


def sms_number(phone):
    """(international number without "+", None) for a mobile, or (None,
    the reason) for a number that cannot receive an SMS."""
    if not phone:
        return None, _("pas de numéro de téléphone")
    normalised = normalise_phone(phone)
    if normalised is None:
        return None, _("numéro de téléphone invalide")
    if normalised.startswith("+"):
        return None, _("numéro d'outre-mer hors département : SMS non pris en charge")
    digits = normalised.replace(" ", "")
    if digits[:2] not in ("06", "07"):
        return None, _("numéro fixe : ne reçoit pas de SMS")
    country = OVERSEAS_MOBILE_PREFIXES.get(digits[:4], "33")
    return country + digits[1:], None


# Checks asked before messages are written: each takes person ids and
# returns {person id: why they receive nothing}. The privacy layer, above this
# one, registers the objection and restriction of processing here
# (`privacy.apps.PrivacyConfig.ready`), so no message module imports it.
RECIPIENT_CHECKS = []


def blocked_recipients(beneficiary_ids):
    """{person id: reason} of the people no message may reach now (one query
    per registered check, whatever the number of people)."""
    blocked = {}
    ids = sorted(set(beneficiary_ids))
    if not ids:
        return blocked
    for check in RECIPIENT_CHECKS:
        for pk, reason in check(ids).items():
            blocked.setdefault(pk, reason)
    return blocked


def channel_recipient(beneficiary, channel):
    """(recipient, None), or (None, why the person cannot receive it)."""
    if channel == Channel.SMS:
        return sms_number(beneficiary.phone)
    if channel == Channel.EMAIL:
        if not beneficiary.email:
            return None, _("pas d'adresse électronique")
        return beneficiary.email, None
    if not (beneficiary.address_line and beneficiary.postcode and beneficiary.city):
        return None, _("adresse postale incomplète")
    return f"{beneficiary.postcode} {beneficiary.city}", None


def person_link(token):
    return settings.SITE_URL.rstrip("/") + reverse("appointment_link:show", args=[token])


def slot_facts(slot):
    """The date, time and place of a slot, in French."""
    start = timezone.localtime(slot.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "date": formats.date_format(start, "l j F Y"),
            "time": start.strftime("%H:%M").replace(":", "h"),
            "place": slot.place.name,
            "address": slot.place.full_address,
        }


def appointment_facts(appointment):
    return {"first_name": appointment.beneficiary.first_name, **slot_facts(appointment.slot)}


def message_context(message):
    from appointments.links import appointment_token, invitation_token

    context = {"first_name": message.beneficiary.first_name}
    if message.appointment_id:
        context.update(appointment_facts(message.appointment))
        context["link"] = person_link(appointment_token(message.appointment))
    if message.invitation_id:
        invitation = message.invitation
        context["expires_on"] = formats.date_format(invitation.expires_on, "j F")
        context["link"] = person_link(invitation_token(invitation))
    return context


def message_text(message):
    """The text of an SMS or of an email's body."""
    template = {
        MessageKind.CONVOCATION: "appointments/messages/convocation.txt",
        MessageKind.REMINDER: "appointments/messages/reminder.txt",
        MessageKind.INVITATION: "appointments/messages/invitation.txt",
        MessageKind.INVITATION_REMINDER: "appointments/messages/invitation.txt",
    }[message.kind]
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(template, message_context(message))
    return " ".join(text.split())


def message_subject(message):
    with translation.override(settings.LANGUAGE_CODE):
        if message.kind == MessageKind.REMINDER:
            return _("Rappel de votre rendez-vous")
        if message.kind in (MessageKind.INVITATION, MessageKind.INVITATION_REMINDER):
            return _("Prenez rendez-vous avec votre référent RSA")
        return _("Votre rendez-vous RSA")
