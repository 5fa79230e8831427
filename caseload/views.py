from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caseload.enums import Programme
from caseload.models import StaffProfile
from caseload.perms import can_manage_territories
from caseload.selectors import cap_tables, programme_loads


@require_GET
def team(request):
    """The manager's home: each staff member of their territories with their
    load against the cap, per programme."""
    if not can_manage_territories(request.user):
        raise PermissionDenied
    staff_list = list(
        StaffProfile.objects.visible_to(request.user)
        .active()
        .exclude(role__in=["manager", "admin"])
        .select_related("user", "structure")
        .with_load_counts()
        .order_by("role", "user__last_name", "user__first_name", "pk")
    )
    caps = cap_tables(staff.structure.departement_id for staff in staff_list)
    rows = [
        (staff, programme_loads(staff, caps.get(staff.structure.departement_id, {})))
        for staff in staff_list
    ]
    return render(
        request,
        "caseload/team.html",
        {"rows": rows, "programmes": list(Programme), "active_nav": "team"},
    )
