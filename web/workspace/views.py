import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries.models import Beneficiary
from beneficiaries.perms import can_edit_record
from beneficiaries.services import (
    access_log_record,
    beneficiary_update_contact,
    outreach_attempt_create,
)
from caseload.enums import Programme
from caseload.perms import scope_of
from core.exceptions import StaleVersionError
from core.forms_utils import apply_service_errors
from pathways.enums import DeadlineKind, DeadlineState, Stage
from pathways.models import Deadline, deadline_state
from web.workspace.forms import ContactForm, OutreachForm, PortfolioFilterForm
from web.workspace.record import record_context, visible_person
from web.workspace.responses import render_panel, render_record

# The deadline badges of the portfolio rows, computed once here rather than by
# an include per row (the list renders 50 rows at a time).
DEADLINE_BADGES = {
    DeadlineState.MET: ("text-bg-success", _lazy("Respecté")),
    DeadlineState.MET_LATE: ("text-bg-secondary", _lazy("Tenu en retard")),
    DeadlineState.OVERDUE: ("text-bg-danger", _lazy("Dépassé")),
    DeadlineState.DUE_SOON: ("text-bg-warning", _lazy("Échéance proche")),
    DeadlineState.CANCELLED: ("text-bg-secondary", _lazy("Annulé")),
    DeadlineState.OPEN: ("text-bg-light border", _lazy("En cours")),
}
URGENT_BADGES = {
    DeadlineState.OVERDUE: ("text-bg-danger", _lazy("En retard")),
    DeadlineState.DUE_SOON: ("text-bg-warning", _lazy("Bientôt")),
}
DUE_THIS_WEEK_DAYS = 6
DUE_THIS_WEEK_LIMIT = 20


@require_GET
def portfolio(request):
    """ "Mon portefeuille": the people the user follows (a manager: their
    territories'), searched and filtered from the query string, most urgent
    first. An htmx request gets the results only; the URL keeps the filters."""
    scope = scope_of(request.user)
    today = timezone.localdate()
    form = PortfolioFilterForm(request.GET or None)
    # writable_by: a previous referent's read-only access does not list the
    # person in their portfolio.
    people = form.filter(Beneficiary.objects.writable_by(request.user), today).with_portfolio_data(
        staff_id=scope.staff_id if scope.is_referent else None, today=today
    )
    page = Paginator(people, settings.PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "person": person,
            "stage": Stage(person.pathway_stage).label if person.pathway_stage else None,
            "programme": (
                Programme(person.pathway_programme).label if person.pathway_programme else None
            ),
            "entry_badge": DEADLINE_BADGES.get(
                deadline_state(due_on=person.entry_due_on, met_on=person.entry_met_on, today=today)
            ),
            "next_badge": URGENT_BADGES.get(deadline_state(due_on=person.next_due_on, today=today)),
            "next_kind": DeadlineKind(person.next_due_kind).label if person.next_due_kind else None,
        }
        for person in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "is_referent": scope.is_referent,
        "active_nav": "portfolio",
    }
    if request.htmx and request.htmx.target == "resultats":
        return render(request, "workspace/_portfolio_results.html", context)
    # The week's deadlines, above the list (referents only; not refreshed by
    # the filters).
    due_this_week = []
    if scope.is_referent:
        due_this_week = [
            (deadline, deadline.state_on(today))
            for deadline in Deadline.objects.visible_to(request.user)
            .open()
            .filter(
                pathway__closed_at__isnull=True,
                due_on__gte=today,
                due_on__lte=today + datetime.timedelta(days=DUE_THIS_WEEK_DAYS),
            )
            .select_related("pathway__beneficiary")
            .order_by("due_on", "pk")[:DUE_THIS_WEEK_LIMIT]
        ]
    return render(request, "workspace/portfolio.html", {**context, "due_this_week": due_this_week})


def _person_or_404(request, pk):
    person = visible_person(request.user, pk)
    if person is None:
        raise Http404
    return person


def _editable_person_or_404(request, pk):
    """The person, for a page that changes their record: a 404 when the user
    may not see them, a 403 when they only read it (a manager, or a previous
    referent's read-only access)."""
    person = _person_or_404(request, pk)
    if not can_edit_record(request.user) or not (
        Beneficiary.objects.writable_by(request.user).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied
    return person


@require_GET
def detail(request, pk):
    """A person's record, every section on one page.

    Reading is traced in the append-only access log (the one write a GET
    makes, by design: every read of a record is traced).
    """
    person = _person_or_404(request, pk)
    context = record_context(request.user, person)
    access_log_record(user=request.user, beneficiary=person, detail="fiche")
    return render(
        request,
        "workspace/detail.html",
        {**context, "can_edit": can_edit_record(request.user), "flash": None},
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    person = _editable_person_or_404(request, pk)
    if request.method == "POST":
        form = ContactForm(request.POST, instance=Beneficiary.objects.get(pk=person.pk))
        if form.is_valid():
            try:
                beneficiary_update_contact(
                    acting_user=request.user,
                    beneficiary=person,
                    expected_version=form.cleaned_data["version"],
                    **{name: form.cleaned_data[name] for name in ContactForm.Meta.fields},
                )
            except StaleVersionError as error:
                form.add_error(None, error)
                return _panel(request, person, form, "contact", status=409, stale=True)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return render_record(request, person, flash=_("Coordonnées enregistrées."))
        return _panel(request, person, form, "contact", status=422)
    form = ContactForm(instance=person, initial={"version": person.version})
    return _panel(request, person, form, "contact")


@require_http_methods(["GET", "POST"])
def outreach_create(request, pk):
    person = _editable_person_or_404(request, pk)
    form = OutreachForm(request.POST or None)
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
        return _panel(request, person, form, "outreach", status=422)
    return _panel(request, person, form, "outreach")


def _panel(request, person, form, kind, *, status=200, stale=False):
    return render_panel(
        request,
        f"workspace/_{kind}_form.html",
        {"person": person, "form": form, "stale": stale},
        status=status,
    )
