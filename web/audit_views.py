"""An administrator's view of one person's audit trail: every access row
and every change (old → new), each list paginated. Opening it is traced."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from beneficiaries.audit import access_rows, change_events, history_available, masked_diff
from beneficiaries.models import Beneficiary
from caseload.perms import can_read_audit_trail
from web.audit import trace_person


@require_GET
def person_history(request, pk):
    if not can_read_audit_trail(request.user):
        raise PermissionDenied
    person = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    size = settings.AUDIT_HISTORY_PAGE_SIZE
    accesses = Paginator(access_rows(person), size).get_page(request.GET.get("acces"))
    changes = None
    rows = []
    if history_available():
        changes = Paginator(change_events(person), size).get_page(request.GET.get("modifications"))
        events = list(changes)
        user_ids = {
            (event.pgh_context or {}).get("user")
            for event in events
            if (event.pgh_context or {}).get("user")
        }
        # One query whatever the page holds (none named: an id that matches no one).
        users = get_user_model().objects.in_bulk(user_ids or [0])
        rows = [
            {
                "event": event,
                "context": event.pgh_context or {},
                "user": users.get((event.pgh_context or {}).get("user")),
                "diff": masked_diff(event),
            }
            for event in events
        ]
    trace_person(request, person, "historique d'audit")
    return render(
        request,
        "audit/person_history.html",
        {
            "person": person,
            "accesses": accesses,
            "changes": changes,
            "change_rows": rows,
            "history_available": history_available(),
        },
    )


app_name = "audit"
urlpatterns = [
    path("personnes/<int:pk>/historique/", person_history, name="person_history"),
]
