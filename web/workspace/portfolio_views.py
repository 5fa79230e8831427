"""The referent's portfolio ("Mon portefeuille"): the people they follow,
searched, filtered and most urgent first, and the week's deadlines."""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from beneficiaries.models import Beneficiary
from beneficiaries.selectors import tags_of
from caseload.enums import Programme
from caseload.perms import scope_of
from core.date_ranges import day_text
from pathways.enums import DeadlineKind, DeadlineState, Stage
from pathways.models import Deadline, deadline_state
from pathways.portfolio import with_portfolio_data
from web.audit import trace_list
from web.badges import deadline_badge
from web.row_links import url_by_pk
from web.workspace.forms import PortfolioFilterForm

# Only an overdue or close next deadline is flagged in its column.
URGENT_STATES = {DeadlineState.OVERDUE, DeadlineState.DUE_SOON}
DUE_THIS_WEEK_DAYS = 6
DUE_THIS_WEEK_LIMIT = 20


def _urgent_badge(state):
    return deadline_badge(state) if state in URGENT_STATES else None


def _day(value):
    return day_text(value) if value else ""


def _display(person):
    """A row's texts and link, as the template prints them (the list renders
    fifty rows: every tag and filter evaluated per row costs)."""
    if person.commune_id:
        place = person.commune.name
    elif person.territory_id:
        place = person.territory.name
    else:
        place = ""
    last_contact = person.last_contact_at
    return {
        "url": url_by_pk("workspace:detail", person.pk),
        "name": f"{person.last_name.upper()} {person.first_name}",
        "place": place,
        "last_contact": _day(timezone.localtime(last_contact)) if last_contact else "",
        "next_due": _day(person.next_due_on),
        "entry_due": _day(person.entry_due_on),
    }


@require_GET
def portfolio(request):
    """ "Mon portefeuille": the people the user follows (a manager: their
    territories'), searched and filtered from the query string, most urgent
    first. An htmx request gets the results only; the URL keeps the filters."""
    scope = scope_of(request.user)
    today = timezone.localdate()
    form = PortfolioFilterForm(request.GET or None, tags=tags_of(request.user))
    # writable_by: a previous referent's read-only access does not list the
    # person in their portfolio.
    people = with_portfolio_data(
        form.filter(Beneficiary.objects.writable_by(request.user), today),
        staff_id=scope.staff_id if scope.is_referent else None,
        today=today,
    )
    page = Paginator(people, settings.PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "person": person,
            **_display(person),
            # Labels as text once here rather than translated at each print.
            "stage": str(Stage(person.pathway_stage).label) if person.pathway_stage else None,
            "programme": (
                str(Programme(person.pathway_programme).label) if person.pathway_programme else None
            ),
            # Badges computed here rather than by an include per row (the
            # list renders 50 rows at a time).
            "entry_badge": deadline_badge(
                deadline_state(due_on=person.entry_due_on, met_on=person.entry_met_on, today=today)
            ),
            "next_badge": _urgent_badge(deadline_state(due_on=person.next_due_on, today=today)),
            "next_kind": (
                str(DeadlineKind(person.next_due_kind).label) if person.next_due_kind else None
            ),
        }
        for person in page
    ]
    trace_list(
        request,
        "portefeuille",
        len(rows),
        {**{k: request.GET.get(k) for k in form.fields}, "page": page.number},
    )
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
    # the filters): those of the people the referent follows, as the list.
    # A previous referent's read-only access shows none: they cannot act on
    # them (the new referent does).
    due_this_week = []
    if scope.is_referent:
        due_this_week = [
            (deadline, deadline.state_on(today))
            for deadline in Deadline.objects.filter(
                pathway__beneficiary__in=Beneficiary.objects.writable_by(request.user)
            )
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
