"""Reads of the appointments: the agenda, what is left to record, the
people to convoke, the slots to propose (nearest place first)."""

import datetime

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from appointments.enums import AppointmentStatus, InvitationStatus
from appointments.models import Appointment, Invitation, Slot
from caseload.models import Assignment
from pathways.enums import DeadlineKind
from pathways.models import Deadline

TO_CONVOKE_LIMIT = 200


def agenda_slots(*, staff_id, start, end):
    """A referent's slots between two dates, each with its appointments."""
    return list(
        Slot.objects.filter(referent_id=staff_id, starts_at__gte=start, starts_at__lt=end)
        .select_related("place")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.exclude(status=AppointmentStatus.CANCELLED)
                .select_related("beneficiary")
                .order_by("beneficiary__last_name", "pk"),
            )
        )
        .order_by("starts_at", "pk")
    )


def unrecorded_appointments(*, staff_id, now=None):
    """The referent's past appointments whose attendance is still unrecorded."""
    return list(
        Appointment.objects.unrecorded(now)
        .filter(slot__referent_id=staff_id)
        .select_related("beneficiary", "slot__place")
        .order_by("slot__starts_at", "pk")[:200]
    )


def _open_entry_deadlines():
    return Deadline.objects.filter(
        pathway__beneficiary_id=OuterRef("pk"),
        pathway__closed_at__isnull=True,
        kind=DeadlineKind.ENTRY,
        met_on__isnull=True,
        cancelled_on__isnull=True,
    )


def to_convoke(people):
    """People whose entry deadline is open and who have no appointment to
    come, the nearest deadline first."""
    # The open entry deadline joined (a person has one open pathway at most,
    # and it one open deadline of a kind: the unique indexes say so) rather
    # than looked up per person: the list then reads the open deadlines in
    # date order and stops at the page (a manager's territory has thousands
    # to convoke; the lookup per person sorted them all).
    return (
        people.filter(
            pathways__closed_at__isnull=True,
            pathways__deadlines__kind=DeadlineKind.ENTRY,
            pathways__deadlines__met_on__isnull=True,
            pathways__deadlines__cancelled_on__isnull=True,
        )
        .exclude(Exists(Appointment.objects.active().filter(beneficiary_id=OuterRef("pk"))))
        .annotate(
            entry_due_on=F("pathways__deadlines__due_on"),
            invited_until=Subquery(
                Invitation.objects.filter(
                    beneficiary_id=OuterRef("pk"),
                    status=InvitationStatus.OPEN,
                    expires_on__gte=timezone.localdate(),
                )
                .order_by("-expires_on")
                .values("expires_on")[:1]
            ),
        )
        .select_related("commune")
        .order_by("entry_due_on", "last_name", "first_name", "pk")
    )


def _distance_to(person):
    """0 for a place in the person's commune, 1 in their postcode, 2 in
    their territory, 3 elsewhere (a person or a place without a commune,
    a postcode or a territory matches none of those)."""
    whens = []
    if person.commune_id:
        whens.append(When(place__commune_id=person.commune_id, then=Value(0)))
    if person.postcode:
        whens.append(When(place__postcode=person.postcode, then=Value(1)))
    if person.territory_id:
        whens.append(When(place__territory_id=person.territory_id, then=Value(2)))
    if not whens:
        return Value(3, output_field=IntegerField())
    return Case(*whens, default=Value(3), output_field=IntegerField())


def proposed_slots(person, *, referent_ids, limit=30):
    """Free future slots of these referents, the nearest place to the
    person first (same commune, then postcode, then territory)."""
    return (
        Slot.objects.free()
        .filter(
            referent_id__in=referent_ids,
            starts_at__gt=timezone.now(),
            starts_at__lt=timezone.now() + datetime.timedelta(days=120),
        )
        .annotate(distance=_distance_to(person))
        .select_related("place", "referent__user")
        .order_by("distance", "starts_at", "pk")[:limit]
    )


def current_referent_ids(people_ids):
    """{person id: [staff ids]} of the current referents."""
    found = {}
    for person_id, staff_id in (
        Assignment.objects.filter(beneficiary_id__in=people_ids, ended_at__isnull=True)
        .order_by("pk")
        .values_list("beneficiary_id", "staff_id")
    ):
        found.setdefault(person_id, []).append(staff_id)
    return found


def person_appointments(person):
    return list(
        Appointment.objects.filter(beneficiary=person)
        .select_related("slot__place", "slot__referent__user")
        .prefetch_related("messages")
        .order_by("-slot__starts_at", "-pk")[:20]
    )
