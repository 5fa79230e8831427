"""A person's RGPD rights, from the console: the access export (Département
admins), objection and restriction (admins and the managers of the person's
territory); and every user's own exports, downloaded through expiring links.

A person outside the user's scope is a 404 before any role is checked; an
export is served to its owner only (404 for anyone else, the link holds an
opaque id), and refused once expired."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary
from beneficiaries.services import access_log_record
from caseload.perms import can_read_audit_trail
from core.forms_utils import apply_service_errors
from privacy.exports import export_files_of, export_mark_downloaded
from privacy.models import ExportFile, Restriction
from privacy.restrictions import (
    can_record_restriction,
    restriction_lift,
    restriction_record,
    restrictions_of,
)
from privacy.subject_access import subject_access_export
from web.privacy.rights_forms import LiftForm, RestrictionForm


def _person(request, pk):
    person = get_object_or_404(
        Beneficiary.objects.visible_to(request.user).select_related("territory"), pk=pk
    )
    if not can_record_restriction(request.user, person):
        raise PermissionDenied
    return person


def _rights_page(request, person, *, form=None, lift_form=None, lift_pk=None, status=200):
    """The page, with the form that failed (if any) showing its errors."""
    restrictions = restrictions_of(person.pk)
    return render(
        request,
        "privacy/person_rights.html",
        {
            "person": person,
            "restrictions": restrictions,
            "active": [r for r in restrictions if r.is_active],
            "form": form or RestrictionForm(),
            "lift_form": LiftForm(initial={"lifted_on": timezone.localdate()}),
            "failed_lift_form": lift_form,
            "lift_pk": lift_pk,
            "can_export": can_read_audit_trail(request.user),
            "active_nav": "team",
        },
        status=status,
    )


@require_GET
def person_rights(request, pk):
    """The person's objections and restrictions, the forms to record and
    lift them and, for an admin, the access export."""
    person = _person(request, pk)
    access_log_record(user=request.user, beneficiary=person, detail="droits RGPD")
    return _rights_page(request, person)


@require_POST
def restriction_create(request, pk):
    person = _person(request, pk)
    form = RestrictionForm(request.POST)
    if form.is_valid():
        try:
            restriction_record(acting_user=request.user, beneficiary=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Demande enregistrée : plus aucun message ne part vers cette personne."),
            )
            return redirect("privacy:person", pk=person.pk)
    return _rights_page(request, person, form=form, status=400)


@require_POST
def restriction_lift_view(request, pk):
    restriction = get_object_or_404(
        Restriction.objects.filter(
            beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("beneficiary__territory"),
        pk=pk,
    )
    person = restriction.beneficiary
    if not can_record_restriction(request.user, person):
        raise PermissionDenied
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            restriction_lift(
                acting_user=request.user,
                restriction=restriction,
                lifted_on=form.cleaned_data["lifted_on"],
                reason=form.cleaned_data["lift_reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Demande levée."))
            return redirect("privacy:person", pk=person.pk)
    return _rights_page(request, person, lift_form=form, lift_pk=restriction.pk, status=400)


@require_POST
def person_export(request, pk):
    """The access export (RGPD art. 15): a PDF and a JSON file, for a
    Département admin, kept behind expiring links."""
    person = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    if not can_read_audit_trail(request.user):
        raise PermissionDenied
    subject_access_export(acting_user=request.user, person=person)
    messages.success(
        request,
        _(
            "Export prêt : le PDF et le fichier JSON sont téléchargeables ci-dessous "
            "pendant %(hours)s heures, puis supprimés."
        )
        % {"hours": settings.EXPORT_LINK_VALIDITY_HOURS},
    )
    return redirect("privacy:exports")


@require_GET
def export_list(request):
    """The user's own exports, with their links and expiry."""
    return render(
        request,
        "privacy/exports.html",
        {
            "exports": export_files_of(request.user),
            "now": timezone.now(),
            "hours": settings.EXPORT_LINK_VALIDITY_HOURS,
        },
    )


@require_GET
def export_download(request, pk):
    """The file, to its owner only, until its link expires. Records the
    first download (and, for a person's export, a trace in their log)."""
    export = get_object_or_404(ExportFile.objects.owned_by(request.user), pk=pk)
    if export.is_expired():
        return render(
            request,
            "privacy/export_expired.html",
            {"export": export, "hours": settings.EXPORT_LINK_VALIDITY_HOURS},
            status=410,
        )
    # One person's export is small: read whole, the file closed at once.
    try:
        with export.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    export_mark_downloaded(export)
    if export.beneficiary_id:
        access_log_record(
            user=request.user,
            beneficiary=export.beneficiary_id,
            action=AccessAction.EXPORT,
            detail="téléchargement de l'export du droit d'accès",
        )
    response = HttpResponse(content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["Cache-Control"] = "no-store"
    return response
