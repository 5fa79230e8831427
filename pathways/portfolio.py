"""The portfolio read: people with their open pathway's stage and programme
and their deadlines, filtered and sorted by urgency.

Each function takes a `Beneficiary` queryset (already scoped to the user, e.g.
`Beneficiary.objects.writable_by(user)`) and returns a narrower or annotated
one; people know nothing of pathways, so these reads live here.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from caseload.models import Assignment
from pathways.enums import DeadlineKind, InterviewStatus
from pathways.models import Deadline, Interview, Pathway


def in_stage(queryset, stage):
    """People whose open pathway is at this stage."""
    return queryset.filter(
        Exists(
            Pathway.objects.filter(
                beneficiary_id=OuterRef("pk"), closed_at__isnull=True, stage=stage
            )
        )
    )


def in_programme(queryset, programme):
    """People whose open pathway is in this programme."""
    return queryset.filter(
        Exists(
            Pathway.objects.filter(
                beneficiary_id=OuterRef("pk"), closed_at__isnull=True, programme=programme
            )
        )
    )


def with_deadline_status(queryset, status, today):
    """overdue / due_soon: the person's next open deadline in that state
    (`next_deadline_on`); entry_pending / entry_met: the 15-day entry
    deadline of the open pathway. Any other status filters nothing."""
    deadlines = Deadline.objects.filter(
        pathway__beneficiary_id=OuterRef("pk"), pathway__closed_at__isnull=True
    )
    soon = today + datetime.timedelta(days=settings.DEADLINE_DUE_SOON_DAYS)
    if status == "overdue":
        return queryset.filter(next_deadline_on__lt=today)
    elif status == "due_soon":
        return queryset.filter(next_deadline_on__gte=today, next_deadline_on__lte=soon)
    elif status == "entry_pending":
        deadlines = deadlines.open().filter(kind=DeadlineKind.ENTRY)
    elif status == "entry_met":
        deadlines = deadlines.filter(kind=DeadlineKind.ENTRY, met_on__isnull=False)
    else:
        return queryset
    return queryset.filter(Exists(deadlines))


def without_interview_since(queryset, days, today):
    """No interview held in the last `days` days (or never)."""
    since = today - datetime.timedelta(days=days)
    return queryset.exclude(
        Exists(
            Interview.objects.filter(
                beneficiary_id=OuterRef("pk"),
                status=InterviewStatus.HELD,
                occurred_on__gte=since,
            )
        )
    )


def with_portfolio_data(queryset, staff_id=None, today=None):
    """Everything the portfolio list shows, in the same query: the open
    pathway's stage and programme, the 15-day entry deadline, the next open
    deadline, and (for a referent, `staff_id`) whether the person is followed
    through a binôme.

    Ordered by urgency: an overdue deadline first, then one due soon
    (earliest first), then the oldest last contact (never contacted first).
    """
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.DEADLINE_DUE_SOON_DAYS)
    open_pathway = Pathway.objects.filter(beneficiary_id=OuterRef("pk"), closed_at__isnull=True)
    entry_deadline = Deadline.objects.filter(
        pathway__beneficiary_id=OuterRef("pk"),
        pathway__closed_at__isnull=True,
        kind=DeadlineKind.ENTRY,
        cancelled_on__isnull=True,
    ).order_by("-created_at", "-pk")
    next_deadline = (
        Deadline.objects.open()
        .filter(pathway__beneficiary_id=OuterRef("pk"), pathway__closed_at__isnull=True)
        .order_by("due_on")
    )
    qs = queryset.select_related("territory", "commune").annotate(
        pathway_stage=models.Subquery(open_pathway.values("stage")[:1]),
        pathway_programme=models.Subquery(open_pathway.values("programme")[:1]),
        entry_due_on=models.Subquery(entry_deadline.values("due_on")[:1]),
        entry_met_on=models.Subquery(entry_deadline.values("met_on")[:1]),
        next_due_on=models.F("next_deadline_on"),
        next_due_kind=models.Subquery(next_deadline.values("kind")[:1]),
    )
    if staff_id is not None:
        qs = qs.annotate(
            via_binome=Exists(
                Assignment.objects.filter(
                    beneficiary_id=OuterRef("pk"),
                    staff_id=staff_id,
                    ended_at__isnull=True,
                    binome__isnull=False,
                )
            )
        )
    # Overdue and due-soon deadlines come first, earliest first (an overdue
    # date is always before a due-soon one); then everyone else, the
    # oldest last contact first. Read from the denormalised column, so the
    # sort costs no subquery per person (a territory holds thousands).
    return qs.order_by(
        models.Case(
            models.When(next_deadline_on__lte=soon, then=models.F("next_deadline_on")),
            default=models.Value(None),
            output_field=models.DateField(),
        ).asc(nulls_last=True),
        models.F("last_contact_at").asc(nulls_first=True),
        "last_name",
        "first_name",
        "pk",
    )
