"""Reads of a person's record: everything the record page shows, in a fixed
number of queries whatever the size of the history."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone

from beneficiaries.audit import recent_readers
from beneficiaries.models import BarrierEvent, Beneficiary
from beneficiaries.perms import can_edit_record
from caseload.enums import ChangeRequestStatus
from caseload.models import Assignment, ReferentChangeRequest
from caseload.perms import can_see_nir, can_view_health_notes, scope_of
from pathways.enums import PrescriptionStatus
from pathways.models import (
    MIN_WEEKLY_HOURS,
    Contract,
    Deadline,
    Interview,
    OrientationDecision,
    Pathway,
    Prescription,
    StageTransition,
)
from privacy.restrictions import active_restrictions, can_record_restriction

WEEKLY_HOURS_TARGET = (MIN_WEEKLY_HOURS, Decimal("20"))


def visible_person(user, pk):
    """The person if the user may see them (a 404 otherwise, in the view)."""
    return (
        Beneficiary.objects.visible_to(user)
        .select_related("territory", "commune", "departement", "structure")
        .filter(pk=pk)
        .first()
    )


def household_partner(user, person):
    """The other member of the household (same CAF number), if the user may see them.
    A person recorded without an allocation number has no known household."""
    if not person.caf_number:
        return None
    return (
        Beneficiary.objects.visible_to(user)
        .filter(departement_id=person.departement_id, caf_number=person.caf_number)
        .exclude(pk=person.pk)
        .only("pk", "first_name", "last_name", "household_role")
        .first()
    )


def follows_now(user, assignments):
    """The user is one of the person's current referents (or a superuser),
    given the person's assignments."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return scope.staff_id is not None and any(
        a.staff_id == scope.staff_id and a.is_active for a in assignments
    )


def weekly_hours_summary(prescriptions, contract):
    """Sum of the active prescriptions' weekly hours against the 15-hour
    minimum and the 15–20 h target, and the contract's reduction if any."""
    total = sum(
        (p.hours_per_week for p in prescriptions if p.status in PrescriptionStatus.active()),
        Decimal("0"),
    )
    minimum = contract.weekly_hours if contract else MIN_WEEKLY_HOURS
    low, high = WEEKLY_HOURS_TARGET
    if contract and contract.hours_reduction_reason:
        state = "reduced"
    elif total < low:
        state = "below"
    elif total > high:
        state = "above"
    else:
        state = "on_target"
    return {
        "total": total,
        "minimum": minimum,
        "target_low": low,
        "target_high": high,
        "state": state,
        "reduced": bool(contract and contract.hours_reduction_reason),
    }


RECORD_INTERVIEWS = 20
MY_CHANGE_REQUESTS = 5


def interviews_page(person, *, offset, size=RECORD_INTERVIEWS):
    """Interviews newest first, a page at a time (the record shows the most
    recent ones; older ones load on demand), with everything each one shows."""
    rows = list(
        Interview.objects.filter(beneficiary=person)
        .select_related("author")
        .prefetch_related(
            "attendees__user",
            Prefetch(
                "barrier_events",
                queryset=BarrierEvent.objects.select_related("barrier").order_by("pk"),
            ),
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.select_related("offer").order_by("pk"),
            ),
        )
        .annotate(revision_count=Count("revisions"))
        .order_by("-occurred_on", "-pk")[offset : offset + size + 1]
    )
    return {
        "items": rows[:size],
        "next_offset": offset + size if len(rows) > size else None,
    }


def pathways_with_history(person):
    """The person's pathways, newest first, each with its deadlines, stage
    transitions and orientation decisions (four queries)."""
    return list(
        Pathway.objects.filter(beneficiary=person)
        .prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "pk")),
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related("by").order_by(
                    "-occurred_at", "-pk"
                ),
            ),
            Prefetch(
                "orientations",
                queryset=OrientationDecision.objects.select_related("decided_by").order_by(
                    "-decided_on", "-pk"
                ),
            ),
        )
        .order_by("-opened_on", "-pk")
    )


def record_context(user, person):
    """The record page's data. Reads only: the caller traces the read."""
    today = timezone.localdate()
    pathways = pathways_with_history(person)
    open_pathway = next((p for p in pathways if p.is_open), None)
    assignments = list(
        Assignment.objects.filter(beneficiary=person)
        .select_related("staff__user", "binome")
        .order_by("-started_at", "-pk")
    )
    # "Qui a consulté ce dossier": the person's referents, current or past.
    referent_users = {a.staff.user_id: a.staff.user for a in assignments}
    readers = [
        {"user": referent_users[row["user_id"]], "at": row["at"]}
        for row in recent_readers(person, list(referent_users))
    ]
    change_requests = list(
        ReferentChangeRequest.objects.filter(beneficiary=person)
        .select_related("requested_by", "new_staff__user", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    barriers = list(person.barriers.order_by("kind", "pk"))
    contracts = list(
        Contract.objects.filter(beneficiary=person)
        .select_related("created_by")
        .prefetch_related("objectives")
        .order_by("-signed_on", "-pk")
    )
    prescriptions = list(
        Prescription.objects.filter(beneficiary=person)
        .select_related("offer__territory", "prescribed_by")
        .order_by("-prescribed_on", "-pk")
    )
    interviews = interviews_page(person, offset=0)
    outreach = list(
        person.outreach_attempts.select_related("made_by").order_by("-attempted_on", "-pk")
    )
    # Health data: the nurse and the person's social worker, following the
    # person now (not through any wider read access).
    show_health = can_view_health_notes(
        user, person, current_referent_ids={a.staff_id for a in assignments if a.is_active}
    )
    health_notes = (
        list(person.health_notes.select_related("author").order_by("-created_at", "-pk"))
        if show_health
        else []
    )
    contract = contracts[0] if contracts else None
    return {
        "person": person,
        # Objection or restriction of processing that holds (privacy): a banner.
        "active_restrictions": active_restrictions(person.pk),
        "rights_url": (
            reverse("privacy:person", args=[person.pk])
            if can_record_restriction(user, person)
            else ""
        ),
        # The record's write buttons, only for those whose writes are taken:
        # a current referent (not a previous one's read-only access, not a
        # manager or an admin reading): the same rule as
        # `web.workspace.people.editable_person_or_404`.
        "can_edit": can_edit_record(user) and follows_now(user, assignments),
        "readers": readers,
        "partner": household_partner(user, person),
        "pathways": pathways,
        "open_pathway": open_pathway,
        "closed_pathways": [p for p in pathways if not p.is_open],
        "deadlines": (
            [(d, d.state_on(today)) for d in open_pathway.deadlines.all()] if open_pathway else []
        ),
        "current_assignments": [a for a in assignments if a.is_active],
        "past_assignments": [a for a in assignments if not a.is_active],
        "pending_change_request": next(
            (r for r in change_requests if r.status == ChangeRequestStatus.PENDING), None
        ),
        "change_requests": change_requests,
        # The reader's own requests and the manager's decisions (the last five).
        "my_change_requests": [r for r in change_requests if r.requested_by_id == user.pk][
            :MY_CHANGE_REQUESTS
        ],
        "show_nir": can_see_nir(user),
        "barriers": barriers,
        "contract": contract,
        "past_contracts": contracts[1:],
        "prescriptions": prescriptions,
        "hours": weekly_hours_summary(prescriptions, contract),
        "interviews": interviews["items"],
        "more_interviews_from": interviews["next_offset"],
        "outreach_attempts": outreach,
        "show_health": show_health,
        "health_notes": health_notes,
        "tags": [tag.name for tag in person.tags.order_by("name", "pk")],
        "due_soon_days": settings.DEADLINE_DUE_SOON_DAYS,
        "prescription_statuses": PrescriptionStatus.choices,
    }
