"""Staff pages of the appointments: the referent's agenda (day or week)
with what is still unrecorded, booking and convoking from the record, the
"à convoquer" list with its batch convocation (the referent's portfolio, the
manager's territories), and the convocation letters as PDF."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments.channels import channel_recipient
from appointments.enums import Channel
from appointments.letters import letters_pdf
from appointments.models import Appointment, NoShowFlag, Place
from appointments.selectors import (
    TO_CONVOKE_LIMIT,
    agenda_slots,
    current_referent_ids,
    person_appointments,
    proposed_slots,
    to_convoke,
    unrecorded_appointments,
)
from appointments.services import (
    attendance_record,
    convocation_send,
    convocations_batch,
    slot_create,
)
from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary
from beneficiaries.services import access_log_record
from caseload.models import StaffProfile, scope_of
from core.forms_utils import apply_service_errors
from web.appointments.forms import AttendanceForm, BatchConvokeForm, ConvokeForm, SlotForm
from web.console.helpers import BadInput, all_or_404, ids_from
from web.workspace.people import editable_person_or_404, person_or_404


def _staff_or_403(request):
    scope = scope_of(request.user)
    if not scope.is_referent or scope.staff_id is None:
        raise PermissionDenied
    return scope.staff_id


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


# --- Agenda ----------------------------------------------------------------------


@require_GET
def agenda(request):
    staff_id = _staff_or_403(request)
    day = _day(request.GET.get("jour"))
    week = request.GET.get("vue") != "jour"
    first = day - datetime.timedelta(days=day.weekday()) if week else day
    days = 7 if week else 1
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    slots = agenda_slots(staff_id=staff_id, start=start, end=start + datetime.timedelta(days=days))
    by_day = []
    for offset in range(days):
        date = first + datetime.timedelta(days=offset)
        by_day.append((date, [s for s in slots if timezone.localtime(s.starts_at).date() == date]))
    staff = StaffProfile.objects.get(pk=staff_id)
    places = Place.objects.filter(territory__in=staff.territories.all(), is_active=True)
    return render(
        request,
        "appointments/agenda.html",
        {
            "active_nav": "agenda",
            "by_day": by_day,
            "week": week,
            "day": day,
            "previous": first - datetime.timedelta(days=days),
            "next": first + datetime.timedelta(days=days),
            "unrecorded": unrecorded_appointments(staff_id=staff_id),
            "attendance_form": AttendanceForm(),
            "slot_form": SlotForm(places=places, initial={"day": day + datetime.timedelta(days=1)}),
        },
    )


@require_POST
def slot_new(request):
    staff_id = _staff_or_403(request)
    staff = StaffProfile.objects.get(pk=staff_id)
    places = Place.objects.filter(territory__in=staff.territories.all(), is_active=True)
    form = SlotForm(request.POST, places=places)
    if form.is_valid():
        data = form.cleaned_data
        try:
            slot_create(
                acting_user=request.user,
                referent=staff,
                place=data["place"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                kind=data["kind"],
                capacity=data["capacity"],
                title=data["title"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Créneau ajouté."))
            return redirect(reverse("appointments:agenda") + f"?jour={data['day'].isoformat()}")
    return render(request, "appointments/slot_form.html", {"form": form}, status=422)


@require_POST
def attendance(request, pk):
    staff_id = _staff_or_403(request)
    appointment = get_object_or_404(
        Appointment.objects.filter(
            beneficiary__in=Beneficiary.objects.writable_by(request.user),
            slot__referent_id=staff_id,
        ),
        pk=pk,
    )
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez la présence dans la liste."))
    else:
        try:
            _appointment, flag = attendance_record(
                acting_user=request.user,
                appointment=appointment,
                attendance=form.cleaned_data["attendance"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            text = _("Présence enregistrée.")
            if flag is not None:
                text += " " + _(
                    "Deux absences de suite : la personne est signalée à votre responsable."
                )
            messages.success(request, text)
    return redirect("appointments:agenda")


# --- From the record -----------------------------------------------------------------


@require_GET
def record_section(request, pk):
    """The record's appointments (a fragment loaded by the record page)."""
    person = person_or_404(request, pk)
    access_log_record(user=request.user, beneficiary=person, detail="rendez-vous")
    return render(
        request,
        "appointments/_record_section.html",
        {"person": person, "appointments": person_appointments(person)},
    )


def _channel_help(person):
    return [(value, label, channel_recipient(person, value)[1]) for value, label in Channel.choices]


@require_http_methods(["GET", "POST"])
def convoke(request, pk):
    """Book a slot for the person and convoke them (letter, SMS, email)."""
    person = editable_person_or_404(request, pk)
    referents = current_referent_ids([person.pk]).get(person.pk, [])
    slots = proposed_slots(person, referent_ids=referents, limit=None)
    available = [v for v, _label, reason in _channel_help(person) if reason is None]
    form = ConvokeForm(request.POST or None, slots=slots, initial={"channels": available})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            from django.db import transaction

            from appointments.services import appointment_book

            try:
                with transaction.atomic():
                    appointment = appointment_book(
                        acting_user=request.user, beneficiary=person, slot=form.cleaned_data["slot"]
                    )
                    sent = convocation_send(
                        acting_user=request.user,
                        appointment=appointment,
                        channels=form.cleaned_data["channels"],
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                access_log_record(
                    user=request.user,
                    beneficiary=person,
                    action=AccessAction.CHANGE,
                    detail="convocation",
                )
                skipped = [m for m in sent if m.skip_reason]
                text = _("Rendez-vous réservé et convocation envoyée.")
                for message in skipped:
                    text += " " + _("%(channel)s non envoyé : %(reason)s.") % {
                        "channel": message.get_channel_display(),
                        "reason": message.skip_reason,
                    }
                messages.success(request, text)
                return redirect(person.get_absolute_url() + "#rendez-vous")
        status = 422
    return render(
        request,
        "appointments/convoke.html",
        {
            "person": person,
            "form": form,
            "channel_help": _channel_help(person),
            "has_slots": bool(slots),
        },
        status=status,
    )


# --- Letters -------------------------------------------------------------------------


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _printable(user):
    return Appointment.objects.visible_to(user).select_related(
        "beneficiary", "slot__place", "slot__referent__user"
    )


@require_GET
def letter(request, pk):
    appointment = get_object_or_404(_printable(request.user), pk=pk)
    access_log_record(
        user=request.user, beneficiary=appointment.beneficiary, detail="courrier de convocation"
    )
    return _pdf(letters_pdf([appointment]), f"convocation-{appointment.pk}.pdf")


@require_POST
def letters_batch(request):
    try:
        ids = ids_from(request.POST.getlist("appointments"))
    except BadInput:
        return HttpResponse(_("Sélection illisible."), status=400)
    if not ids:
        messages.error(request, _("Cochez au moins un rendez-vous."))
        return redirect("appointments:to_convoke")
    appointments = all_or_404(_printable(request.user), ids)
    for appointment in appointments:
        access_log_record(
            user=request.user, beneficiary=appointment.beneficiary, detail="courrier de convocation"
        )
    return _pdf(letters_pdf(appointments), "convocations.pdf")


# --- People to convoke -------------------------------------------------------------


def _people(request):
    scope = scope_of(request.user)
    if scope.is_referent:
        return Beneficiary.objects.writable_by(request.user)
    if scope.is_manager or scope.is_admin or scope.everything:
        return Beneficiary.objects.visible_to(request.user)
    raise PermissionDenied


@require_GET
def to_convoke_list(request):
    people = list(to_convoke(_people(request))[:TO_CONVOKE_LIMIT])
    scope = scope_of(request.user)
    flags = (
        list(
            NoShowFlag.objects.filter(
                closed_at__isnull=True, beneficiary__in=Beneficiary.objects.visible_to(request.user)
            )
            .select_related("beneficiary")
            .order_by("-raised_at", "-pk")[:TO_CONVOKE_LIMIT]
        )
        if scope.is_manager or scope.is_admin or scope.everything
        else []
    )
    return render(
        request,
        "appointments/to_convoke.html",
        {
            "active_nav": "to_convoke",
            "people": people,
            "limit": TO_CONVOKE_LIMIT,
            "flags": flags,
            "form": BatchConvokeForm(initial={"channels": Channel.values}),
        },
    )


@require_POST
def to_convoke_batch(request):
    form = BatchConvokeForm(request.POST)
    try:
        ids = ids_from(request.POST.getlist("people"))
    except BadInput:
        return HttpResponse(_("Sélection illisible."), status=400)
    if not ids or not form.is_valid():
        messages.error(request, _("Cochez au moins une personne et un moyen de convocation."))
        return redirect("appointments:to_convoke")
    people = all_or_404(to_convoke(_people(request)), ids)
    booked, left = convocations_batch(
        acting_user=request.user, people=people, channels=form.cleaned_data["channels"]
    )
    for appointment in booked:
        access_log_record(
            user=request.user,
            beneficiary=appointment.beneficiary,
            action=AccessAction.CHANGE,
            detail="convocation",
        )
    booked = list(
        Appointment.objects.filter(pk__in=[a.pk for a in booked])
        .select_related("beneficiary", "slot__place", "slot__referent__user")
        .order_by("slot__starts_at", "pk")
    )
    return render(
        request,
        "appointments/batch_done.html",
        {"active_nav": "to_convoke", "booked": booked, "left": left},
    )
