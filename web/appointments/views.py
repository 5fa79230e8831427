"""Staff pages of the appointments: the referent's agenda (day or week)
with what is still unrecorded, booking and convoking from the record, the
"à convoquer" list with its batch convocation (the referent's portfolio, the
manager's territories), and the convocation letters as PDF."""

import datetime

from django.conf import settings
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
from appointments.models import Appointment, Invitation, NoShowFlag, Place
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
    INVITATION_CHANNELS,
    alternative_slots,
    appointment_cancel_by_staff,
    appointment_reschedule,
    attendance_record,
    convocation_send,
    convocations_batch,
    invitation_send,
    invitations_batch,
    no_show_flag_close,
    slot_create,
)
from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary
from beneficiaries.services import access_log_record
from caseload.models import StaffProfile, scope_of
from core.forms_utils import apply_service_errors
from web.appointments.forms import (
    AttendanceForm,
    BatchConvokeForm,
    ConvokeForm,
    FlagCloseForm,
    InviteForm,
    RescheduleForm,
    SlotForm,
)
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
            "now": timezone.now(),
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
    scope = scope_of(request.user)
    return render(
        request,
        "appointments/_record_section.html",
        {
            "person": person,
            "appointments": person_appointments(person),
            "flags": list(
                NoShowFlag.objects.filter(beneficiary=person)
                .select_related("closed_by")
                .order_by("-raised_at", "-pk")[:10]
            ),
            "invitations": list(
                Invitation.objects.filter(beneficiary=person)
                .select_related("referent__user")
                .prefetch_related("messages")
                .order_by("-sent_on", "-pk")[:5]
            ),
            "can_close_flags": _may_close_flags(scope),
            "can_change": _may_change_appointments(scope)
            and (
                scope.is_manager
                or Beneficiary.objects.writable_by(request.user).filter(pk=person.pk).exists()
            ),
            "flag_form": FlagCloseForm(),
            "now": timezone.now(),
        },
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
            "flag_form": FlagCloseForm(),
            "can_close_flags": _may_close_flags(scope),
            # Convoking or inviting one person is the referent's (their record).
            "one_by_one": scope.is_referent,
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


# --- Invitations ---------------------------------------------------------------------


def _invitation_referent(request, person):
    """The referent the invitation is sent for: the user when they follow
    the person, else the person's first current referent."""
    staff_ids = current_referent_ids([person.pk]).get(person.pk, [])
    staff_id = scope_of(request.user).staff_id
    if staff_id in staff_ids:
        return StaffProfile.objects.get(pk=staff_id)
    if staff_ids:
        return StaffProfile.objects.get(pk=staff_ids[0])
    return None


@require_http_methods(["GET", "POST"])
def invite(request, pk):
    """Invite the person to call or choose a slot (before any slot is
    fixed), by SMS and email."""
    person = editable_person_or_404(request, pk)
    help_ = [
        (value, label, reason)
        for value, label, reason in _channel_help(person)
        if value in INVITATION_CHANNELS
    ]
    form = InviteForm(
        request.POST or None, initial={"channels": [v for v, _l, r in help_ if r is None]}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            referent = _invitation_referent(request, person)
            try:
                if referent is None:
                    raise ValidationError(_("La personne n'a pas de référent pour l'inviter."))
                invitation = invitation_send(
                    acting_user=request.user,
                    beneficiary=person,
                    referent=referent,
                    channels=form.cleaned_data["channels"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                access_log_record(
                    user=request.user,
                    beneficiary=person,
                    action=AccessAction.CHANGE,
                    detail="invitation",
                )
                messages.success(
                    request,
                    _("Invitation envoyée : elle vaut jusqu'au %(date)s.")
                    % {"date": invitation.expires_on.strftime("%d/%m/%Y")},
                )
                return redirect(person.get_absolute_url() + "#rendez-vous")
        status = 422
    return render(
        request,
        "appointments/invite.html",
        {
            "person": person,
            "form": form,
            "channel_help": help_,
            "validity_days": settings.INVITATION_VALIDITY_DAYS,
            "reminder_after": settings.INVITATION_REMINDER_AFTER_DAYS,
        },
        status=status,
    )


@require_POST
def to_convoke_invite(request):
    """Invite the people ticked in the "à convoquer" list, each for their
    referent."""
    try:
        ids = ids_from(request.POST.getlist("people"))
    except BadInput:
        return HttpResponse(_("Sélection illisible."), status=400)
    channels = [c for c in request.POST.getlist("channels") if c in INVITATION_CHANNELS]
    if not ids or not channels:
        messages.error(request, _("Cochez au moins une personne, et le SMS ou le courriel."))
        return redirect("appointments:to_convoke")
    people = all_or_404(to_convoke(_people(request)), ids)
    sent, left = invitations_batch(acting_user=request.user, people=people, channels=channels)
    for invitation in sent:
        access_log_record(
            user=request.user,
            beneficiary=invitation.beneficiary,
            action=AccessAction.CHANGE,
            detail="invitation",
        )
    if sent:
        messages.success(
            request,
            _("%(n)s invitation(s) envoyée(s), valables %(days)s jours.")
            % {"n": len(sent), "days": settings.INVITATION_VALIDITY_DAYS},
        )
    if left:
        messages.warning(
            request,
            _(
                "Non invitées (invitation déjà en attente, ni SMS ni courriel possible, "
                "ou pas de référent) : %(names)s."
            )
            % {"names": ", ".join(p.full_name for p in left)},
        )
    return redirect("appointments:to_convoke")


# --- Staff moves and cancellations ---------------------------------------------------


def _may_change_appointments(scope):
    return scope.is_referent or scope.is_manager


def _changeable_or_404(request, pk):
    """An appointment the user may move or cancel: a referent's for the
    people they follow, a manager's for the people of their territories."""
    scope = scope_of(request.user)
    if scope.is_referent:
        people = Beneficiary.objects.writable_by(request.user)
    elif scope.is_manager:
        people = Beneficiary.objects.visible_to(request.user)
    else:
        raise PermissionDenied
    return get_object_or_404(
        Appointment.objects.filter(beneficiary__in=people).select_related(
            "beneficiary", "slot__place", "slot__referent__user"
        ),
        pk=pk,
    )


def _back(request, appointment):
    if request.POST.get("depuis") == "agenda":
        day = timezone.localtime(appointment.slot.starts_at).date()
        return redirect(reverse("appointments:agenda") + f"?jour={day.isoformat()}")
    return redirect(appointment.beneficiary.get_absolute_url() + "#rendez-vous")


def _told(sent):
    parts = []
    for message in sent:
        if message.skip_reason:
            parts.append(
                _("%(channel)s non envoyé : %(reason)s")
                % {"channel": message.get_channel_display(), "reason": message.skip_reason}
            )
        else:
            parts.append(message.get_channel_display())
    return ", ".join(parts)


@require_http_methods(["GET", "POST"])
def reschedule(request, pk):
    """Move the appointment to another free slot of the same referent (or
    session); the person is told by the channels of their convocation."""
    appointment = _changeable_or_404(request, pk)
    if not appointment.is_active or appointment.slot.starts_at <= timezone.now():
        messages.error(request, _("Ce rendez-vous n'est plus modifiable."))
        return redirect(appointment.beneficiary.get_absolute_url() + "#rendez-vous")
    slots = alternative_slots(appointment, limit=None).select_related("referent__user")
    form = RescheduleForm(request.POST or None, slots=slots)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moved, sent = appointment_reschedule(
                    acting_user=request.user,
                    appointment=appointment,
                    to_slot=form.cleaned_data["slot"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                access_log_record(
                    user=request.user,
                    beneficiary=moved.beneficiary,
                    action=AccessAction.CHANGE,
                    detail="rendez-vous déplacé",
                )
                messages.success(
                    request,
                    _("Rendez-vous déplacé ; la personne est prévenue : %(channels)s.")
                    % {"channels": _told(sent)},
                )
                return _back(request, moved)
        status = 422
    return render(
        request,
        "appointments/reschedule.html",
        {
            "appointment": appointment,
            "person": appointment.beneficiary,
            "form": form,
            "has_slots": slots.exists(),
            "depuis": request.GET.get("depuis") or request.POST.get("depuis", ""),
        },
        status=status,
    )


@require_POST
def cancel(request, pk):
    appointment = _changeable_or_404(request, pk)
    try:
        cancelled, sent = appointment_cancel_by_staff(
            acting_user=request.user, appointment=appointment
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, appointment)
    access_log_record(
        user=request.user,
        beneficiary=cancelled.beneficiary,
        action=AccessAction.CHANGE,
        detail="rendez-vous annulé",
    )
    text = _("Rendez-vous annulé, la place est libérée.")
    if sent:
        text += " " + _("La personne est prévenue : %(channels)s.") % {"channels": _told(sent)}
    messages.success(request, text)
    return _back(request, cancelled)


# --- No-show flags -------------------------------------------------------------------


def _may_close_flags(scope):
    """Closing a no-show flag is the manager's (the people of their
    territories)."""
    return scope.is_manager


@require_POST
def flag_close(request, pk):
    """The manager closes a no-show flag, with the follow-up given."""
    if not _may_close_flags(scope_of(request.user)):
        raise PermissionDenied
    flag = get_object_or_404(
        NoShowFlag.objects.filter(
            beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("beneficiary"),
        pk=pk,
    )
    form = FlagCloseForm(request.POST)
    if form.is_valid():
        try:
            no_show_flag_close(acting_user=request.user, flag=flag, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            access_log_record(
                user=request.user,
                beneficiary=flag.beneficiary,
                action=AccessAction.CHANGE,
                detail="signalement d'absences traité",
            )
            messages.success(request, _("Signalement traité."))
    else:
        messages.error(request, " ".join(form.errors.get("note", [])))
    if request.POST.get("depuis") == "fiche":
        return redirect(flag.beneficiary.get_absolute_url() + "#rendez-vous")
    return redirect("appointments:to_convoke")
