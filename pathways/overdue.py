"""Reads of the manager's overdue deadlines (`/delais/depasses/`), page by page.

The list is read from the partial index of open deadlines by due date
(`deadline_open_by_due_date`), oldest first, joined row by row to the pathway
and the person, whose Département and territory keep the manager's scope
(`caseload.perms.managed_people_q`, the same rule as
`Beneficiary.objects.visible_to` for managers and admins). The next page
starts after the last row shown (keyset: due date, then id), so PostgreSQL
stops after one page whatever page is asked for, instead of joining and
sorting every overdue deadline of the territory.

The header counts people, not deadlines: the people of the scope whose next
open deadline (`Beneficiary.next_deadline_on`, kept by the deadline services)
is past, read on the index (territory, next_deadline_on).
"""

import datetime

from django.db.models import Prefetch, Q

from beneficiaries.models import Beneficiary
from caseload.models import Assignment
from caseload.perms import managed_people_q
from pathways.enums import ReminderStatus
from pathways.models import Deadline, DeadlineReminder, Notification

CURSOR_SEPARATOR = "_"


def parse_cursor(value):
    """(due date, id) of the last row of the previous page from `?apres=`,
    or None when it is absent or malformed (the first page)."""
    if not value:
        return None
    due_on, _sep, pk = value.partition(CURSOR_SEPARATOR)
    try:
        return datetime.date.fromisoformat(due_on), int(pk)
    except ValueError:
        return None


def cursor_of(deadline):
    return f"{deadline.due_on.isoformat()}{CURSOR_SEPARATOR}{deadline.pk}"


def overdue_people_count(user, *, today, territory=None):
    """How many people of the user's scope have at least one overdue open
    deadline on their open pathway."""
    people = Beneficiary.objects.filter(managed_people_q(user), next_deadline_on__lt=today)
    if territory is not None:
        people = people.filter(territory=territory)
    return people.count()


def overdue_deadlines_page(user, *, today, size, territory=None, after=None):
    """One page of the overdue open deadlines of the user's scope, oldest
    first, with the person, their territory, their current referents and the
    reminders sent; `after` is the (due date, id) of the previous page's last
    row. Returns (deadlines, has_next)."""
    deadlines = Deadline.objects.open().filter(
        managed_people_q(user, prefix="pathway__beneficiary__"),
        due_on__lt=today,
        pathway__closed_at__isnull=True,
    )
    if territory is not None:
        deadlines = deadlines.filter(pathway__beneficiary__territory=territory)
    if after is not None:
        due_on, pk = after
        # `due_on >= d` bounds the index scan; the rest skips the rows of
        # that day already shown.
        deadlines = deadlines.filter(Q(due_on__gt=due_on) | Q(pk__gt=pk), due_on__gte=due_on)
    deadlines = list(
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
        .order_by("due_on", "pk")[: size + 1]
    )
    return deadlines[:size], len(deadlines) > size
