"""Reads of the manager's overdue deadlines (`/delais/depasses/`), page by page.

The list is read from the partial index of open deadlines by due date
(`deadline_open_by_due_date`), oldest first, joined row by row to the pathway
and the person, whose Département and territory keep the manager's scope
(`caseload.perms.managed_people_q`, the same rule as
`Beneficiary.objects.visible_to` for managers and admins). The next page
starts after the last row shown (keyset: due date, then id), so PostgreSQL
stops after one page whatever page is asked for, instead of joining and
sorting every overdue deadline of the territory.

The first page starts from the people instead: a walk by due date over
every Département's deadlines reads, before it has a page of one territory,
as many rows as that territory's share of the instance is small (≈ 200 at
100,000 people in three Départements, thousands at 1,000,000 in thirty: 11
→ 250 ms). The people of the scope with the earliest next deadlines, read on
the index (territory, next_deadline_on), hold that page (`_first_page_people`).

The header counts people, not deadlines: the people of the scope whose next
open deadline (`Beneficiary.next_deadline_on`, kept by the deadline services)
is past, read on the index (territory, next_deadline_on).
"""

import datetime

from django.db.models import DateField, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

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


def _first_page_people(user, *, today, size, territory=None):
    """Ids of the people whose overdue deadlines make the list's first `size`
    rows: those whose next open deadline (`next_deadline_on`, the earliest
    one of their open pathway) is on or before the `size`-th earliest of the
    scope. Those `size` people's next deadlines are `size` overdue deadlines
    due on or before that day, so none of the first `size` rows can belong to
    a person whose next deadline comes after it. Read as ids (one query) so
    that PostgreSQL joins the pathways and deadlines of a handful of people."""
    people = Beneficiary.objects.filter(managed_people_q(user), next_deadline_on__lt=today)
    if territory is not None:
        people = people.filter(territory=territory)
    last_day = people.order_by("next_deadline_on").values("next_deadline_on")[size - 1 : size]
    return list(
        people.filter(
            next_deadline_on__lte=Coalesce(
                Subquery(last_day), Value(today), output_field=DateField()
            )
        ).values_list("pk", flat=True)
    )


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
    if after is None:
        deadlines = deadlines.filter(
            pathway__beneficiary_id__in=_first_page_people(
                user, today=today, size=size + 1, territory=territory
            )
        )
    else:
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
