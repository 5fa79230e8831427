"""The manager's list of overdue deadlines."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from caseload.models import Territory
from caseload.perms import can_manage_territories
from core.date_ranges import day_text
from pathways.enums import DeadlineKind
from pathways.overdue import (
    cursor_of,
    overdue_deadlines_page,
    overdue_people_count,
    parse_cursor,
)
from web.audit import trace_list
from web.row_links import url_by_pk


def _row(deadline, today):
    """A row's texts and links, ready to print (fifty rows a page,
    web/jinja2/console/overdue_rows.html): the person, their territory, their
    current referents, the deadline, how late it is and the reminders sent."""
    person = deadline.pathway.beneficiary
    age = (today - deadline.due_on).days
    return {
        "deadline": deadline,
        "age": age,
        "url": url_by_pk("workspace:detail", person.pk),
        "name": f"{person.last_name.upper()} {person.first_name}",
        "territory": person.territory.name if person.territory_id else _("Sans territoire"),
        "referents": [
            (str(assignment.staff.user), assignment.staff.role_label)
            for assignment in person.current_assignments
        ],
        "kind": str(DeadlineKind(deadline.kind).label),
        "due": day_text(deadline.due_on),
        "age_text": ngettext("%(days)s jour", "%(days)s jours", age) % {"days": localize(age)},
        "reminders": [
            (
                reminder.step_label,
                date_format(timezone.localtime(reminder.processed_at), "d/m/Y H:i"),
                ", ".join(str(n.recipient) for n in reminder.notifications.all()),
            )
            for reminder in deadline.sent_reminders
        ],
    }


@require_GET
def overdue(request):
    """The manager's overdue deadlines, oldest first: how late each one is,
    who was reminded when, and whose portfolio the person is in (their
    current referents, or none). `?territoire=<id>` narrows to one of the
    manager's territories (another one is a 404); `?apres=<cursor>` is the
    next page (`pathways.overdue`: read page by page from the index of open
    deadlines, never the whole territory)."""
    if not can_manage_territories(request.user):
        raise PermissionDenied
    territories = list(Territory.objects.visible_to(request.user).order_by("name", "pk"))
    today = timezone.localdate()
    territory = None
    if request.GET.get("territoire"):
        try:
            territory_id = int(request.GET["territoire"])
        except ValueError:
            territory_id = None
        territory = get_object_or_404(Territory.objects.visible_to(request.user), pk=territory_id)
    after = parse_cursor(request.GET.get("apres"))
    deadlines, has_next = overdue_deadlines_page(
        request.user,
        today=today,
        size=settings.PORTFOLIO_PAGE_SIZE,
        territory=territory,
        after=after,
    )
    rows = [_row(d, today) for d in deadlines]
    trace_list(
        request,
        "délais dépassés",
        len(rows),
        {"territory": territory, "after": request.GET["apres"] if after else None},
    )
    return render(
        request,
        "console/overdue.html",
        {
            "rows": rows,
            "people_count": overdue_people_count(request.user, today=today, territory=territory),
            "next_cursor": cursor_of(deadlines[-1]) if has_next else None,
            "is_first_page": after is None,
            "show_territory": territory is None and len(territories) != 1,
            "territories": territories,
            "territory": territory,
            "active_nav": "overdue",
        },
    )
