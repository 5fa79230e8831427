"""Record sections written by some referents only: health notes (the nurse
and the person's social worker) and the consent to reinforced accompaniment.
Like the other record forms, each comes into the record through htmx and
re-renders it once saved."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beneficiaries.enums import ConsentDecision
from beneficiaries.perms import can_write_health_notes
from beneficiaries.services import health_note_create, reinforced_consent_record
from core.exceptions import StaleVersionError
from core.forms_utils import apply_service_errors
from web.workspace.people import editable_person_or_404
from web.workspace.person_forms import ConsentForm, HealthNoteForm
from web.workspace.responses import render_panel, render_record


@require_http_methods(["GET", "POST"])
def health_note_create_view(request, pk):
    """A health note, with the disability recognition (RQTH): the nurse and
    the person's social worker only; anyone else gets a 403 (a 404 when they
    may not see the person)."""
    person = editable_person_or_404(request, pk)
    if not can_write_health_notes(request.user, person):
        raise PermissionDenied
    latest = person.health_notes.order_by("-created_at", "-pk").first()
    form = HealthNoteForm(
        request.POST or None,
        initial={"disability_recognised": latest.disability_recognised if latest else False},
    )
    context = {"person": person, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                health_note_create(
                    acting_user=request.user, beneficiary=person, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return render_record(request, person, flash=_("Note de santé enregistrée."))
        return render_panel(request, "workspace/_health_note_form.html", context, status=422)
    return render_panel(request, "workspace/_health_note_form.html", context)


@require_http_methods(["GET", "POST"])
def consent_view(request, pk):
    """Record, refuse or withdraw the consent to reinforced accompaniment,
    with its history: those who may change the record."""
    person = editable_person_or_404(request, pk)
    form = ConsentForm(
        request.POST or None,
        initial={
            "version": person.version,
            "decision": (
                ConsentDecision.WITHDRAWN if person.reinforced_consent else ConsentDecision.GIVEN
            ),
        },
    )
    history = list(
        person.consent_events.select_related("recorded_by").order_by("-occurred_on", "-pk")
    )
    context = {"person": person, "form": form, "history": history}
    template = "workspace/_consent_form.html"
    if request.method == "POST":
        if form.is_valid():
            try:
                reinforced_consent_record(
                    acting_user=request.user,
                    beneficiary=person,
                    expected_version=form.cleaned_data["version"],
                    decision=form.cleaned_data["decision"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    channel=form.cleaned_data["channel"],
                )
            except StaleVersionError as error:
                form.add_error(None, error)
                return render_panel(request, template, {**context, "stale": True}, status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return render_record(
                    request, person, flash=_("Consentement à l'accompagnement renforcé enregistré.")
                )
        return render_panel(request, template, context, status=422)
    return render_panel(request, template, context)
