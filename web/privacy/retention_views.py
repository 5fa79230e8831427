"""The manager's list of the records to be anonymised within the month, and
the legal hold that keeps one."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries.models import Beneficiary
from caseload.perms import can_manage_territories
from privacy.retention import anonymisation_day, due_soon_for, legal_hold_create
from web.audit import trace_list, trace_person
from web.privacy.retention_forms import LegalHoldForm


def _check(user):
    if not can_manage_territories(user):
        raise PermissionDenied


@require_GET
def due_soon(request):
    """The people of the manager's territories (the admin's Département)
    whose record will be anonymised within `RETENTION_NOTICE_DAYS`, the
    soonest first, each with a form to keep them (legal hold)."""
    _check(request.user)
    people = due_soon_for(request.user)
    page = Paginator(people, settings.PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"person": person, "on": anonymisation_day(person)} for person in page]
    trace_list(request, "dossiers à anonymiser", len(rows), {"page": page.number})
    return render(
        request,
        "privacy/due_soon.html",
        {
            "page": page,
            "rows": rows,
            "form": LegalHoldForm(),
            "notice_days": settings.RETENTION_NOTICE_DAYS,
            "retention_days": settings.RECORD_RETENTION_DAYS,
            "active_nav": "retention",
        },
    )


@require_http_methods(["GET", "POST"])
def hold_create(request, pk):
    """Record a legal hold on one person of the manager's scope."""
    _check(request.user)
    person = get_object_or_404(
        Beneficiary.objects.writable_by(request.user).filter(anonymised_at__isnull=True), pk=pk
    )
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hold = legal_hold_create(
                acting_user=request.user,
                beneficiary=person,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(None if field not in form.fields else field, errors)
        else:
            messages.success(
                request,
                _("Le dossier de %(name)s est conservé jusqu'au %(until)s.")
                % {"name": person.full_name, "until": hold.until.strftime("%d/%m/%Y")},
            )
            return redirect("retention:due_soon")
    if request.method == "GET":
        trace_person(request, person, "conservation")
    return render(
        request,
        "privacy/hold_form.html",
        {"person": person, "form": form, "active_nav": "retention"},
        status=400 if form.errors else 200,
    )
