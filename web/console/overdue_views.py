"""The manager's list of overdue deadlines."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from caseload.models import Assignment, Territory
from caseload.perms import can_manage_territories
from pathways.enums import ReminderStatus
from pathways.models import Deadline, DeadlineReminder, Notification
from web.audit import trace_list


@require_GET
def overdue(request):
    """The manager's overdue deadlines, per territory: how late each one is,
    who was reminded when, and whose portfolio the person is in (their
    current referents, or none). `?territoire=<id>` narrows to one of the
    manager's territories (another one is a 404)."""
    if not can_manage_territories(request.user):
        raise PermissionDenied
    territories = list(Territory.objects.visible_to(request.user).order_by("name", "pk"))
    today = timezone.localdate()
    deadlines = (
        Deadline.objects.visible_to(request.user)
        .open()
        .filter(due_on__lt=today, pathway__closed_at__isnull=True)
    )
    territory = None
    if request.GET.get("territoire"):
        try:
            territory_id = int(request.GET["territoire"])
        except ValueError:
            territory_id = None
        territory = get_object_or_404(Territory.objects.visible_to(request.user), pk=territory_id)
        deadlines = deadlines.filter(pathway__beneficiary__territory=territory)
    deadlines = (
        deadlines.select_related("pathway__beneficiary__territory")
        .prefetch_related(
            Prefetch(
                "pathway__beneficiary__assignments",
                queryset=Assignment.objects.active()
                .filter(staff__is_active=True)
                .select_related("staff__user")
                .order_by("started_at", "pk"),
                to_attr="current_assignments",
            ),
            Prefetch(
                "reminders",
                queryset=DeadlineReminder.objects.filter(status=ReminderStatus.SENT)
                .prefetch_related(
                    Prefetch(
                        "notifications",
                        queryset=Notification.objects.select_related("recipient").order_by(
                            "created_at", "pk"
                        ),
                    )
                )
                .order_by("processed_at", "pk"),
                to_attr="sent_reminders",
            ),
        )
        .order_by("pathway__beneficiary__territory__name", "due_on", "pk")
    )
    page = Paginator(deadlines, settings.PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"deadline": d, "age": (today - d.due_on).days} for d in page]
    trace_list(request, "délais dépassés", len(rows), {"territory": territory, "page": page.number})
    return render(
        request,
        "console/overdue.html",
        {
            "page": page,
            "rows": rows,
            "territories": territories,
            "territory": territory,
            "active_nav": "overdue",
        },
    )
