import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from beneficiaries.models import Beneficiary
from beneficiaries.services import access_log_record
from caseload.enums import Programme
from caseload.models import Assignment
from caseload.perms import can_see_nir, can_view_health_notes, scope_of
from pathways.enums import Stage
from pathways.models import Deadline, Interview, Pathway, deadline_state

RECENT_INTERVIEWS = 10
DUE_THIS_WEEK_DAYS = 6
DUE_THIS_WEEK_LIMIT = 20


@require_GET
def portfolio(request):
    """ "Mon portefeuille": the people the user follows (a manager: their
    territories'), the most urgent entry deadline first."""
    scope = scope_of(request.user)
    # writable_by: a previous referent's read-only access does not list the
    # person in their portfolio.
    people = Beneficiary.objects.writable_by(request.user).with_portfolio_data(
        staff_id=scope.staff_id if scope.is_referent else None
    )
    page = Paginator(people, settings.PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "person": person,
            "stage": Stage(person.pathway_stage).label if person.pathway_stage else None,
            "programme": (
                Programme(person.pathway_programme).label if person.pathway_programme else None
            ),
            "entry_state": deadline_state(
                due_on=person.entry_due_on, met_on=person.entry_met_on, today=today
            ),
        }
        for person in page
    ]
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
    return render(
        request,
        "beneficiaries/portfolio.html",
        {
            "page": page,
            "rows": rows,
            "due_this_week": due_this_week,
            "is_referent": scope.is_referent,
            "active_nav": "portfolio",
        },
    )


@require_GET
def detail(request, pk):
    """A person's record, read-only: identity, referents, pathway and deadlines.

    Reading is traced in the append-only access log (the one write a GET
    makes, by design: every read of a record is traced).
    """
    person = get_object_or_404(
        Beneficiary.objects.visible_to(request.user).select_related(
            "territory", "commune", "departement"
        ),
        pk=pk,
    )
    pathways = list(
        Pathway.objects.filter(beneficiary=person)
        .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "pk")))
        .order_by("-opened_on", "-pk")
    )
    assignments = list(
        Assignment.objects.filter(beneficiary=person)
        .select_related("staff__user", "staff__structure", "binome")
        .order_by("-started_at", "-pk")
    )
    barriers = list(person.barriers.order_by("kind", "pk"))
    interviews = list(
        Interview.objects.filter(beneficiary=person)
        .select_related("author")
        .order_by("-occurred_on", "-pk")[:RECENT_INTERVIEWS]
    )
    show_health = can_view_health_notes(
        request.user,
        person,
        current_referent_ids={a.staff_id for a in assignments if a.is_active},
    )
    health_notes = (
        list(person.health_notes.select_related("author").order_by("-created_at", "-pk"))
        if show_health
        else []
    )
    today = timezone.localdate()
    open_pathway = next((p for p in pathways if p.is_open), None)
    deadlines = (
        [(d, d.state_on(today)) for d in open_pathway.deadlines.all()] if open_pathway else []
    )
    access_log_record(user=request.user, beneficiary=person, detail="fiche")
    return render(
        request,
        "beneficiaries/detail.html",
        {
            "person": person,
            "pathways": pathways,
            "open_pathway": open_pathway,
            "deadlines": deadlines,
            "current_assignments": [a for a in assignments if a.is_active],
            "past_assignments": [a for a in assignments if not a.is_active],
            "show_nir": can_see_nir(request.user),
            "barriers": barriers,
            "interviews": interviews,
            "show_health": show_health,
            "health_notes": health_notes,
        },
    )
