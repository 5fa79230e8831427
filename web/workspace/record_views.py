"""A person's record: the page itself, and every form written from it
(contact details, outreach, interviews, stage, contract, prescriptions).

A write re-renders the record in place with htmx (`render_record`), or
redirects back to it without; a form that does not validate comes back in
its panel (`render_panel`).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beneficiaries.models import Beneficiary
from beneficiaries.perms import can_edit_record
from beneficiaries.services import (
    access_log_record,
    beneficiary_update_contact,
    outreach_attempt_create,
)
from caseload.models import Assignment, StaffProfile
from core.exceptions import StaleVersionError
from core.forms_utils import apply_service_errors
from pathways.enums import Stage
from pathways.models import Interview, Pathway, Prescription
from pathways.services.followup import (
    catalogue_for,
    contract_create,
    contract_current,
    interview_create,
    interview_update,
    prescription_create,
    prescription_set_status,
)
from pathways.services.transitions import pathway_advance
from web.workspace.people import editable_person_or_404, person_or_404
from web.workspace.record import interviews_page, record_context
from web.workspace.record_forms import (
    ContactForm,
    ContractForm,
    InterviewForm,
    ObjectiveFormSet,
    OutreachForm,
    PrescribeForm,
    PrescriptionFormSet,
    StageForm,
)
from web.workspace.responses import render_panel, render_record


def _attendee_choices(request, person):
    """Who may be ticked as present at an interview: the person's current
    referents and the user."""
    # The referents through a subquery on the person's assignments rather
    # than a join: OR-ed with the user, the join read every assignment of
    # every staff member and sorted them for DISTINCT (50 ms at 100,000
    # people, on each interview form).
    referents = Assignment.objects.filter(beneficiary=person, ended_at__isnull=True).values(
        "staff_id"
    )
    return (
        StaffProfile.objects.filter(Q(pk__in=referents) | Q(user_id=request.user.pk))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _panel(request, template, context, *, status=200):
    """A form of the record (`workspace/<template>`): its fragment for htmx, a
    whole page otherwise."""
    return render_panel(request, f"workspace/{template}", context, status=status)


@require_GET
def detail(request, pk):
    """A person's record, every section on one page.

    Reading is traced in the append-only access log (the one write a GET
    makes, by design: every read of a record is traced).
    """
    person = person_or_404(request, pk)
    context = record_context(request.user, person)
    access_log_record(user=request.user, beneficiary=person, detail="fiche")
    return render(
        request,
        "workspace/detail.html",
        {**context, "flash": None},
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    person = editable_person_or_404(request, pk)
    if request.method == "POST":
        form = ContactForm(request.POST, instance=Beneficiary.objects.get(pk=person.pk))
        if form.is_valid():
            try:
                beneficiary_update_contact(
                    acting_user=request.user,
                    beneficiary=person,
                    expected_version=form.cleaned_data["version"],
                    erase_all=form.cleaned_data["erase_all"],
                    **{name: form.cleaned_data[name] for name in ContactForm.Meta.fields},
                )
            except StaleVersionError as error:
                form.add_error(None, error)
                return _panel(
                    request,
                    "_contact_form.html",
                    {"person": person, "form": form, "stale": True},
                    status=409,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return render_record(request, person, flash=_("Coordonnées enregistrées."))
        return _panel(request, "_contact_form.html", {"person": person, "form": form}, status=422)
    form = ContactForm(instance=person, initial={"version": person.version})
    return _panel(request, "_contact_form.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def outreach_create(request, pk):
    person = editable_person_or_404(request, pk)
    form = OutreachForm(request.POST or None, person=person)
    if request.method == "POST":
        if form.is_valid():
            try:
                outreach_attempt_create(
                    acting_user=request.user, beneficiary=person, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return render_record(request, person, flash=_("Tentative de contact enregistrée."))
        return _panel(request, "_outreach_form.html", {"person": person, "form": form}, status=422)
    return _panel(request, "_outreach_form.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def interview_create_view(request, pk):
    """Log an interview: the form comes into the record through htmx and, once
    saved, the record is re-rendered in place."""
    person = editable_person_or_404(request, pk)
    barriers = list(person.barriers.order_by("kind"))
    offers = catalogue_for(person).select_related("territory").order_by("theme", "title", "pk")
    form = InterviewForm(
        request.POST or None,
        person=person,
        attendee_choices=_attendee_choices(request, person),
        with_barriers=True,
        barriers=barriers,
        initial={"occurred_on": timezone.localdate()},
    )
    formset = PrescriptionFormSet(
        request.POST or None, prefix="prescriptions", form_kwargs={"offers": offers}
    )
    context = {"person": person, "form": form, "formset": formset, "interview": None}
    if request.method == "POST":
        if form.is_valid() & formset.is_valid():
            data = form.cleaned_data
            try:
                interview_create(
                    acting_user=request.user,
                    beneficiary=person,
                    occurred_on=data["occurred_on"],
                    kind=data["kind"],
                    status=data["status"],
                    attendees=list(data["attendees"]),
                    other_attendees=data["other_attendees"],
                    notes=data["notes"],
                    next_appointment_at=data["next_appointment_at"],
                    barrier_changes=form.barrier_changes(),
                    prescriptions=[
                        {"offer": line["offer"], "hours_per_week": line["hours_per_week"]}
                        for line in formset.cleaned_data
                        if line.get("offer")
                    ],
                )
            except ValidationError as error:
                apply_service_errors(form, error, {"prescriptions": formset})
            else:
                return render_record(request, person, flash=_("Entretien enregistré."))
        return _panel(request, "_interview_form.html", context, status=422)
    return _panel(request, "_interview_form.html", context)


# Far beyond any person's interviews; larger offsets are brought back to it
# (an empty page) instead of reaching the database's integer limits.
MAX_OFFSET = 100_000


def _offset(text):
    """The position in a list from the query string: a number from 0 to
    MAX_OFFSET; anything else (negative, not a number, huge) is clamped."""
    text = text.strip()
    if not text.isdigit() or not text.isascii():
        return 0
    return min(int(text[:7]), MAX_OFFSET)


@require_GET
def interview_list_view(request, pk):
    """Older interviews of the record, loaded on demand (newest first)."""
    person = person_or_404(request, pk)
    offset = _offset(request.GET.get("offset", ""))
    page = interviews_page(person, offset=offset)
    access_log_record(user=request.user, beneficiary=person, detail="entretiens")
    return render_panel(
        request,
        "workspace/_interviews.html",
        {
            "person": person,
            "interviews": page["items"],
            "more_interviews_from": page["next_offset"],
            "can_edit": can_edit_record(request.user)
            and Beneficiary.objects.writable_by(request.user).filter(pk=person.pk).exists(),
            "empty_message": False,
        },
    )


@require_http_methods(["GET", "POST"])
def interview_edit_view(request, pk, interview_pk):
    """Edit an interview; the previous content is kept as a revision, and a
    save based on a version someone else has changed meanwhile is refused."""
    person = editable_person_or_404(request, pk)
    interview = get_object_or_404(Interview.objects.filter(beneficiary=person), pk=interview_pk)
    initial = {
        "occurred_on": interview.occurred_on,
        "kind": interview.kind,
        "status": interview.status,
        "attendees": list(interview.attendees.all()),
        "other_attendees": interview.other_attendees,
        "notes": interview.notes,
        "next_appointment_at": (
            timezone.localtime(interview.next_appointment_at)
            if interview.next_appointment_at
            else None
        ),
        "version": interview.version,
    }
    form = InterviewForm(
        request.POST or None,
        person=person,
        interview=interview,
        attendee_choices=_attendee_choices(request, person),
        initial=initial,
    )
    context = {"person": person, "form": form, "formset": None, "interview": interview}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                interview_update(
                    acting_user=request.user,
                    interview=interview,
                    expected_version=data["version"] or 0,
                    occurred_on=data["occurred_on"],
                    kind=data["kind"],
                    status=data["status"],
                    attendees=list(data["attendees"]),
                    other_attendees=data["other_attendees"],
                    notes=data["notes"],
                    next_appointment_at=data["next_appointment_at"],
                )
            except StaleVersionError as error:
                form.add_error(None, error)
                return _panel(
                    request, "_interview_form.html", {**context, "stale": True}, status=409
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return render_record(request, person, flash=_("Entretien modifié."))
        return _panel(request, "_interview_form.html", context, status=422)
    return _panel(request, "_interview_form.html", context)


@require_http_methods(["GET", "POST"])
def pathway_advance_view(request, pk):
    person = editable_person_or_404(request, pk)
    pathway = Pathway.objects.open().filter(beneficiary=person).first()
    if pathway is None:
        raise Http404
    form = StageForm(request.POST or None, initial={"expected_stage": pathway.stage})
    context = {"person": person, "form": form, "pathway": pathway}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                _pathway, change_request = pathway_advance(
                    acting_user=request.user,
                    pathway=pathway,
                    to_stage=data["to_stage"],
                    expected_stage=data["expected_stage"],
                    reason=data["reason"],
                    outcome=data["outcome"],
                    outcome_detail=data["outcome_detail"],
                )
            except StaleVersionError as error:
                form.add_error(None, error)
                return _panel(request, "_stage_form.html", {**context, "stale": True}, status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                flash = _("Étape mise à jour : %(stage)s.") % {
                    "stage": Stage(data["to_stage"]).label
                }
                if change_request is not None:
                    flash += " " + _(
                        "Cette étape demande un autre référent : une demande est transmise "
                        "au chef de service."
                    )
                return render_record(request, person, flash=flash)
        return _panel(request, "_stage_form.html", context, status=422)
    return _panel(request, "_stage_form.html", context)


@require_http_methods(["GET", "POST"])
def contract_create_view(request, pk):
    """Sign or renew the engagement contract (renewing starts from the
    current contract's values and objectives)."""
    person = editable_person_or_404(request, pk)
    current = person.contracts.prefetch_related("objectives").order_by("-signed_on", "-pk").first()
    renewed = contract_current(
        beneficiary=person, pathway=Pathway.objects.open().filter(beneficiary=person).first()
    )
    today = timezone.localdate()
    initial = {"signed_on": today, "renews": renewed.pk if renewed else None}
    objectives_initial = []
    if current is not None:
        initial.update(
            weekly_hours=current.weekly_hours,
            hours_reduction_reason=current.hours_reduction_reason,
            hours_reduction_detail=current.hours_reduction_detail,
        )
        objectives_initial = [
            {"label": o.label, "state": o.state} for o in current.objectives.all()
        ]
    form = ContractForm(request.POST or None, initial=initial)
    formset = ObjectiveFormSet(
        request.POST or None, prefix="objectives", initial=objectives_initial
    )
    context = {"person": person, "form": form, "formset": formset, "renewal": current is not None}
    if request.method == "POST":
        if form.is_valid() & formset.is_valid():
            data = dict(form.cleaned_data)
            try:
                contract_create(
                    acting_user=request.user,
                    beneficiary=person,
                    objectives=[
                        (line["label"], line["state"])
                        for line in formset.cleaned_data
                        if line.get("label")
                    ],
                    renews_id=data.pop("renews"),
                    **data,
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "stale":
                    # Another contract was saved since the form opened.
                    form.add_error(None, error)
                    return _panel(
                        request, "_contract_form.html", {**context, "stale": True}, status=409
                    )
                apply_service_errors(form, error)
            else:
                return render_record(request, person, flash=_("Contrat enregistré."))
        return _panel(request, "_contract_form.html", context, status=422)
    return _panel(request, "_contract_form.html", context)


@require_POST
def prescription_status_view(request, pk, prescription_pk):
    """Change the status of a prescribed action from the record."""
    person = editable_person_or_404(request, pk)
    prescription = get_object_or_404(
        Prescription.objects.filter(beneficiary=person).select_related("beneficiary"),
        pk=prescription_pk,
    )
    try:
        prescription_set_status(
            acting_user=request.user,
            prescription=prescription,
            status=request.POST.get("status", ""),
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return render_record(request, person, flash=_("Prescription mise à jour."))


@require_POST
def prescribe_view(request, pk, offer_pk):
    """Prescribe an action of the catalogue to a person."""
    person = editable_person_or_404(request, pk)
    form = PrescribeForm(request.POST)
    offer = catalogue_for(person).filter(pk=offer_pk).first()
    if form.is_valid():
        try:
            prescription_create(
                acting_user=request.user,
                beneficiary=person,
                offer=offer,
                hours_per_week=form.cleaned_data["hours_per_week"],
                starts_on=form.cleaned_data["starts_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Action prescrite."))
            return redirect(person.get_absolute_url() + "#titre-prescriptions")
    return render(
        request,
        "workspace/prescribe_error.html",
        {"person": person, "form": form, "offer": offer},
        status=422,
    )
