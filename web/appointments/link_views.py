"""The person's pages, reached by the signed link of their SMS, email or
letter (no login): see the appointment, confirm it, cancel it or choose
another free slot of the same referent or session. Nothing else is shown;
a link altered, expired or no longer valid gets a French refusal."""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from appointments.channels import appointment_facts, slot_facts
from appointments.enums import AppointmentStatus
from appointments.links import appointment_from_token, invitation_from_token, token_kind
from appointments.models import Slot
from appointments.outbox import delivery_receipt
from appointments.services import (
    alternative_slots,
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_move,
)
from appointments.sms import brevo_receipt


def _rate_limited(request, token):
    """Requests per address and link within the window (Redis counter)."""
    address = request.META.get("REMOTE_ADDR", "")
    key = "rdv-link:" + hashlib.sha256(f"{address}|{token}".encode()).hexdigest()[:32]
    if cache.add(key, 1, timeout=settings.APPOINTMENT_LINK_RATE_WINDOW):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > settings.APPOINTMENT_LINK_RATE_LIMIT


def _refusal(request, status=404):
    return render(request, "appointments/link_refused.html", status=status)


def _page(request, context, status=200):
    response = render(request, "appointments/link.html", context, status=status)
    response["Cache-Control"] = "no-store"
    # The token never leaves the site (same-origin), and the forms keep their Origin.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _slot_choice(slot):
    return {"slot": slot, **slot_facts(slot)}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def show(request, token):
    if _rate_limited(request, token):
        return render(request, "appointments/link_refused.html", {"too_many": True}, status=429)
    kind = token_kind(token)
    if kind == "i":
        return _invitation(request, token)
    appointment = appointment_from_token(token)
    if appointment is None:
        return _refusal(request)
    done = ""
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                appointment = appointment_confirm(appointment=appointment)
                done = _("Merci, votre rendez-vous est confirmé.")
            elif action == "cancel":
                appointment_cancel(appointment=appointment)
                return _page(request, {"cancelled": True})
            elif action == "move":
                slot = _slot_or_none(request.POST.get("slot"))
                if slot is None:
                    raise ValidationError(_("Choisissez une autre date dans la liste."))
                appointment = appointment_move(appointment=appointment, to_slot=slot)
                done = _("C'est noté : votre rendez-vous a changé de date.")
            else:
                return HttpResponseBadRequest(_("Action inconnue."))
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return _page(
        request,
        {
            "facts": appointment_facts(appointment),
            "confirmed": appointment.status == AppointmentStatus.CONFIRMED,
            "access_notes": appointment.slot.place.access_notes,
            "choices": [_slot_choice(s) for s in alternative_slots(appointment)],
            "done": done,
            "error": error,
        },
        status=422 if error else 200,
    )


def _slot_or_none(value):
    try:
        return Slot.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _invitation(request, token):
    invitation = invitation_from_token(token)
    if invitation is None:
        return _refusal(request)
    from django.utils import timezone

    slots = (
        Slot.objects.free()
        .filter(referent_id=invitation.referent_id, starts_at__gt=timezone.now())
        .select_related("place")
        .order_by("starts_at", "pk")[:10]
    )
    error = ""
    if request.method == "POST":
        slot = _slot_or_none(request.POST.get("slot"))
        if slot is None or slot.referent_id != invitation.referent_id:
            error = _("Choisissez une date dans la liste.")
        else:
            try:
                with transaction.atomic():
                    appointment = appointment_book(
                        acting_user=None, beneficiary=invitation.beneficiary, slot=slot
                    )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                from appointments.links import appointment_token

                return redirect("appointment_link:show", appointment_token(appointment))
    return _page(
        request,
        {
            "invitation": True,
            "first_name": invitation.beneficiary.first_name,
            "choices": [_slot_choice(s) for s in slots],
            "error": error,
        },
        status=422 if error else 200,
    )


@login_not_required
@csrf_exempt
@require_POST
def sms_webhook(request, secret):
    """Delivery receipts of the SMS provider (Brevo's SMS webhook)."""
    expected = settings.SMS_WEBHOOK_TOKEN
    # Compared in constant time: the answer's timing tells nothing of the secret.
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        return HttpResponse(status=404)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest()
    receipt = brevo_receipt(payload)
    if receipt is None:
        return JsonResponse({"updated": 0})
    provider_id, status = receipt
    return JsonResponse(
        {"updated": delivery_receipt(provider_id=provider_id, delivery_status=status)}
    )
