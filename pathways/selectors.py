"""Reads of pathways that the layers above need to assign people: the
programme each person counts in, the roles that follow each stage, and the
people waiting for a referent."""

import datetime

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from beneficiaries.models import Beneficiary
from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, Unassigned, scope_of
from caseload.unassigned import is_stored
from pathways.models import Deadline, OrientationDecision, Pathway
from pathways.stages import STAGE_ROLES


def open_programmes(beneficiary_ids):
    """{person id: programme of the person's open pathway}, droit commun for a
    person with no open pathway (one query).

    The one place of the rule "an assignment counts in the programme of the
    person's open pathway". The assignment services of `caseload` sit below
    pathways and take the programme as data: every caller that assigns people
    (the manager console) passes what this returns.
    """
    beneficiary_ids = list(beneficiary_ids)
    found = dict(
        Pathway.objects.open()
        .filter(beneficiary_id__in=beneficiary_ids)
        .values_list("beneficiary_id", "programme")
    )
    return {pk: found.get(pk, Programme.DROIT_COMMUN) for pk in beneficiary_ids}


def open_stages(beneficiary_ids):
    """{person id: stage of the person's open pathway}, people with no open
    pathway left out (one query)."""
    return dict(
        Pathway.objects.open()
        .filter(beneficiary_id__in=list(beneficiary_ids))
        .values_list("beneficiary_id", "stage")
    )


# The roles that follow each stage; a person waiting for orientation (or with
# no stage to go by) may go to any referent role.
# Who may be suggested while a person waits for orientation: any referent.
PENDING_ROLES = (
    StaffRole.SOCIOPRO_REFERENT,
    StaffRole.SOCIAL_WORKER,
    StaffRole.PE_ADVISOR,
    StaffRole.JOB_CONSULTANT,
)


def roles_for_stage(stage):
    """The referent roles suggested for a person at `stage` (a Stage value or
    None): those the stage table names (`pathways.stages.STAGE_ROLES`), any
    referent before orientation."""
    return list(STAGE_ROLES.get(stage, PENDING_ROLES))


# The queue's deadline filter: the state of the person's most urgent open
# deadline (the denormalised `Beneficiary.next_deadline_on`, indexed with the
# territory), or no open deadline at all.
QUEUE_DEADLINE_OVERDUE = "overdue"
QUEUE_DEADLINE_DUE_SOON = "due_soon"
QUEUE_DEADLINE_LATER = "later"
QUEUE_DEADLINE_NONE = "none"
# The queue's orientation filter for a pathway with no orientation decision yet.
QUEUE_NOT_ORIENTED = "none"


def unassigned_queue(
    user,
    *,
    search="",
    territory_id=None,
    commune_id=None,
    programme=None,
    deadline=None,
    orientation=None,
    tag_id=None,
    today=None,
    due_by=None,
):
    """People of the manager's territories with no active referent (new
    applicants, people whose referent ended the follow-up or is no longer in
    post), with their open pathway (`pathway_id`, `pathway_stage`,
    `pathway_programme`) and its most urgent open deadline (`deadline_kind`,
    `deadline_due_on`); the oldest deadline first.

    On PostgreSQL the people come from the stored queue
    (`caseload.models.Unassigned`, kept exact by triggers), which carries
    these columns: no lookup per person. Elsewhere (the SQLite demo) the same
    filter is computed.

    Narrowed by a search (`BeneficiaryQuerySet.search`: name prefixes, CAF
    number, commune) and filters, each on an indexed column: territory,
    commune, the open pathway's programme, the state of the next deadline
    (QUEUE_DEADLINE_*), the latest orientation (an `Orientation` value or
    QUEUE_NOT_ORIENTED), a tag of the Département. A territory or commune outside the user's scope
    finds nobody (the scope comes first). `due_by`: only the people due on
    or before that day, a page's bound (`unassigned_due_bound`). The latest
    orientation of the people shown: `latest_orientations`."""
    orientations = OrientationDecision.objects.filter(
        pathway__beneficiary_id=OuterRef("pk"), pathway__closed_at__isnull=True
    )
    latest_orientation = orientations.order_by("-decided_on", "-pk").values("orientation")[:1]
    if is_stored():
        qs = (
            Beneficiary.objects.visible_to(user)
            .filter(unassigned__isnull=False)
            .annotate(
                pathway_id=F("unassigned__pathway_id"),
                pathway_stage=F("unassigned__stage"),
                pathway_programme=F("unassigned__programme"),
                deadline_kind=F("unassigned__next_kind"),
                deadline_due_on=F("unassigned__next_due_on"),
            )
        )
        if programme:
            qs = qs.filter(unassigned__programme=programme)
        # The manager's territories again, on the stored queue's own column
        # (the triggers keep it equal to the person's): the plan then reads
        # these territories' queue from its index, in deadline order, rather
        # than looking up every waiting person of the Département.
        scope = scope_of(user)
        if scope.is_manager and not scope.everything:
            qs = qs.filter(unassigned__territory_id__in=scope.territory_ids)
        if territory_id is not None:
            qs = qs.filter(unassigned__territory_id=territory_id)
        if due_by is not None:
            qs = qs.filter(unassigned__next_due_on__lte=due_by)
    else:
        qs = _computed_queue(user)
        if programme:
            qs = qs.filter(pathway_programme=programme)
        if due_by is not None:
            qs = qs.filter(deadline_due_on__lte=due_by)
    if search:
        qs = qs.search(search)
    if territory_id is not None:
        qs = qs.filter(territory_id=territory_id)
    if commune_id is not None:
        qs = qs.filter(commune_id=commune_id)
    if tag_id is not None:
        qs = qs.with_tag(tag_id)
    if deadline:
        qs = _with_next_deadline_state(qs, deadline, today)
    if orientation == QUEUE_NOT_ORIENTED:
        qs = qs.filter(~Exists(orientations))
    elif orientation:
        qs = qs.alias(latest_orientation_filter=Subquery(latest_orientation)).filter(
            latest_orientation_filter=orientation
        )
    return qs.select_related("territory", "commune").order_by(
        F("deadline_due_on").asc(nulls_last=True), "last_name", "first_name", "pk"
    )


def _stored_queue_rows(user, *, territory_id=None, programme=None, **other_filters):
    """The stored queue's rows that `unassigned_queue(user, …)` lists, when
    they can be read without the people: on PostgreSQL, for a manager (their
    territories), with no filter but the territory and the programme
    (columns of the stored queue, which its triggers keep equal to the
    person's and their open pathway's). None otherwise."""
    scope = scope_of(user)
    if (
        any(value for value in other_filters.values())
        or not is_stored()
        or not scope.is_manager
        or scope.is_admin
        or scope.everything
        or scope.departement_id is None
    ):
        return None
    rows = Unassigned.objects.filter(
        territory_id__in=scope.territory_ids, territory__departement_id=scope.departement_id
    )
    if territory_id is not None:
        rows = rows.filter(territory_id=territory_id)
    if programme:
        rows = rows.filter(programme=programme)
    return rows


def unassigned_count(user, **filters):
    """How many people `unassigned_queue(user, **filters)` lists, counted on
    the stored queue's own (territory, due date) index, without looking up
    each waiting person, when it can be (`_stored_queue_rows`); None
    otherwise: the caller counts the list itself. A territory has about 2,000
    people waiting at 100,000 people: counting them through the people's
    table cost the queue page 10 ms."""
    rows = _stored_queue_rows(user, **filters)
    return None if rows is None else rows.count()


def unassigned_due_bound(user, position, **filters):
    """The due date of the `position`-th person of `unassigned_queue(user,
    **filters)`, read on the stored queue's (territory, due date) index when
    it can be (`_stored_queue_rows`); None otherwise, or when there is no such
    person or they have no deadline. The list is in due-date order, so its
    first `position` people are all due on or before that date
    (`unassigned_queue(due_by=…)`): a page then joins those people only,
    instead of every waiting person of the territory, which PostgreSQL read
    whole to sort them (25,000 people at 1,000,000 for 1,930 waiting)."""
    rows = _stored_queue_rows(user, **filters)
    if rows is None or position < 1:
        return None
    found = list(
        rows.order_by("next_due_on").values_list("next_due_on", flat=True)[position - 1 : position]
    )
    return found[0] if found else None


def _computed_queue(user):
    """The unassigned queue computed from the assignments, pathways and
    deadlines (databases that do not store it); the same definition as the
    view `caseload_unassigned_expected` of the stored one."""
    open_pathway = Pathway.objects.filter(beneficiary_id=OuterRef("pk"), closed_at__isnull=True)
    next_deadline = (
        Deadline.objects.open()
        .filter(pathway__beneficiary_id=OuterRef("pk"), pathway__closed_at__isnull=True)
        .order_by("due_on", "pk")
    )
    return (
        Beneficiary.objects.visible_to(user)
        .filter(anonymised_at__isnull=True)
        .filter(
            ~Exists(
                Assignment.objects.active().filter(
                    beneficiary_id=OuterRef("pk"), staff__is_active=True
                )
            )
        )
        .filter(Exists(open_pathway))
        .annotate(
            pathway_id=Subquery(open_pathway.values("pk")[:1]),
            pathway_stage=Subquery(open_pathway.values("stage")[:1]),
            pathway_programme=Subquery(open_pathway.values("programme")[:1]),
            deadline_kind=Subquery(next_deadline.values("kind")[:1]),
            deadline_due_on=Subquery(next_deadline.values("due_on")[:1]),
        )
    )


def latest_orientations(pathway_ids):
    """{pathway id: its latest orientation decision's `Orientation` value},
    pathways with no decision left out (one query)."""
    latest = {}
    for pathway_id, orientation in (
        OrientationDecision.objects.filter(pathway_id__in=list(pathway_ids))
        .order_by("pathway_id", "-decided_on", "-pk")
        .values_list("pathway_id", "orientation")
    ):
        latest.setdefault(pathway_id, orientation)
    return latest


def _with_next_deadline_state(queryset, state, today):
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.DEADLINE_DUE_SOON_DAYS)
    if state == QUEUE_DEADLINE_OVERDUE:
        return queryset.filter(next_deadline_on__lt=today)
    if state == QUEUE_DEADLINE_DUE_SOON:
        return queryset.filter(next_deadline_on__gte=today, next_deadline_on__lte=soon)
    if state == QUEUE_DEADLINE_LATER:
        return queryset.filter(next_deadline_on__gt=soon)
    if state == QUEUE_DEADLINE_NONE:
        return queryset.filter(next_deadline_on__isnull=True)
    return queryset
