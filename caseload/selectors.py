"""Reads of the caseload app: caps, loads, and the staff and binômes a
manager may assign people to. Nothing here reads people or pathways (the
unassigned queue is `pathways.selectors.unassigned_queue`)."""

import heapq
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, Binome, CapPolicy, StaffLoad, StaffProfile
from caseload.perms import scope_of


def cap_table(departement_id):
    """{(role, programme): cap or None} for a Département, in one query."""
    return cap_tables([departement_id]).get(departement_id, {})


def cap_tables(departement_ids):
    """{departement_id: {(role, programme): cap or None}}, in one query."""
    tables = {}
    for row in CapPolicy.objects.filter(departement_id__in=set(departement_ids)):
        tables.setdefault(row.departement_id, {})[(row.role, row.programme)] = row.cap
    return tables


def effective_cap(cap, part_time_ratio):
    """A cap scaled for part-time work, rounded down (a hard limit never rounds up)."""
    if cap is None:
        return None
    return math.floor(cap * part_time_ratio)


@dataclass(frozen=True)
class ProgrammeLoad:
    programme: str
    label: str
    active: int
    cap: int | None

    @property
    def ratio(self):
        if self.cap is None:
            return None
        if self.cap == 0:
            # A cap scaled down to nothing: any one person is over it.
            return 1.0 if self.active == 0 else float(self.active + 1)
        return self.active / self.cap

    @property
    def percent(self):
        ratio = self.ratio
        return None if ratio is None else min(100, round(ratio * 100))

    @property
    def over_cap(self):
        return self.cap is not None and self.active > self.cap

    @property
    def near_cap(self):
        return (
            self.cap is not None
            and not self.over_cap
            and self.active >= settings.NEAR_CAP_RATIO * self.cap
        )


def programme_loads(staff, caps):
    """Loads of a staff member annotated by `StaffProfileQuerySet.with_load_counts`
    or given their counts by `attach_load_counts`."""
    return [
        ProgrammeLoad(
            programme=programme.value,
            label=programme.label,
            active=getattr(staff, f"load_{programme.value}"),
            cap=effective_cap(caps.get((staff.role, programme.value)), staff.part_time_ratio),
        )
        for programme in Programme
    ]


def stored_loads(staff_ids, programme=None):
    """{(staff_id, programme): active} from the stored counters
    (`caseload.StaffLoad`, exact in every transaction), in one query on their
    unique (staff, programme) index; a pair with no one is absent. `staff_ids`
    may be a queryset of staff ids (a subquery: no thousand parameters)."""
    if not isinstance(staff_ids, QuerySet):
        staff_ids = list(staff_ids)
    rows = StaffLoad.objects.filter(staff_id__in=staff_ids, active__gt=0)
    if programme is not None:
        rows = rows.filter(programme=programme)
    return {
        (staff_id, held): active
        for staff_id, held, active in rows.values_list("staff_id", "programme", "active")
    }


def staff_load(staff, programme=None):
    """(active, cap) of a staff member, in one programme or in all.

    Caps are hard limits per programme (the assignment services enforce them
    programme by programme). For all programmes, `cap` is the sum of the
    effective caps of the programmes the staff member holds people in, so the
    total is over it only when some programme is; it is None when one of those
    programmes has no cap set (nothing bounds the total then).
    """
    caps = cap_table(staff.structure.departement_id)
    held = {p: n for (_s, p), n in stored_loads([staff.pk], programme).items()}
    if programme is not None:
        cap = effective_cap(caps.get((staff.role, programme)), staff.part_time_ratio)
        return held.get(programme, 0), cap
    held_caps = [effective_cap(caps.get((staff.role, p)), staff.part_time_ratio) for p in held]
    cap = None if not held_caps or None in held_caps else sum(held_caps)
    return sum(held.values()), cap


# The stored counters that differ from a recount of the active assignments.
# Portable SQL (PostgreSQL and SQLite); the recount reads the partial index of
# active assignments by (staff, programme).
_DRIFT_SQL = """
SELECT staff_id, programme, SUM(stored) AS stored, SUM(counted) AS counted
FROM (
    SELECT staff_id, programme, active AS stored, 0 AS counted FROM caseload_staffload
    UNION ALL
    SELECT staff_id, programme, 0, 1 FROM caseload_assignment WHERE ended_at IS NULL
) AS counts
GROUP BY staff_id, programme
HAVING SUM(stored) <> SUM(counted)
ORDER BY staff_id, programme
"""


@dataclass(frozen=True)
class LoadDrift:
    staff_id: int
    programme: str
    stored: int
    counted: int


def load_counter_drift():
    """[LoadDrift…]: the (staff, programme) pairs whose stored load
    (`caseload.StaffLoad`) differs from the count of their active
    assignments. Empty when the counters are exact, which the triggers that
    keep them promise (checked by the tests after every kind of write and by
    `check_caseload_counters`)."""
    with connection.cursor() as cursor:
        cursor.execute(_DRIFT_SQL)
        return [LoadDrift(*row) for row in cursor.fetchall()]


# --- Dashboard ---------------------------------------------------------------------


def attach_load_counts(staff_list):
    """Set `load_<programme>` on each staff member: their active assignments
    per programme, read from the stored counters (one query on their unique
    index, whatever the number of people)."""
    counts = stored_loads(staff.pk for staff in staff_list)
    for staff in staff_list:
        for programme in Programme:
            setattr(staff, f"load_{programme.value}", counts.get((staff.pk, programme.value), 0))
    return staff_list


@dataclass(frozen=True)
class TeamMember:
    """A staff member as the loads dashboard shows them, read as plain values
    (no model instances: a team can count a thousand people)."""

    pk: int
    first_name: str
    last_name: str
    role: str
    structure_id: int
    structure_name: str
    departement_id: int
    part_time_ratio: object

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def role_label(self):
        return StaffRole(self.role).label


def team_members(staff_queryset):
    """[TeamMember…] of a staff queryset, in its order, in one query."""
    return [
        TeamMember(*row)
        for row in staff_queryset.values_list(
            "pk",
            "user__first_name",
            "user__last_name",
            "role",
            "structure_id",
            "structure__name",
            "structure__departement_id",
            "part_time_ratio",
        )
    ]


@dataclass
class Total:
    label: str
    active: int = 0
    cap: int = 0
    uncapped_staff: int = 0

    @property
    def percent(self):
        return None if not self.cap else min(100, round(self.active / self.cap * 100))


class TeamLoads:
    """The stored loads and effective caps of a team (`TeamMember`s), read in
    two queries: the loads of a page of members, and the totals of all."""

    def __init__(self, members, staff_queryset=None):
        """`staff_queryset`: the staff the members were read from, when they
        are many (their loads are then read through a subquery)."""
        self.members = members
        self.active = stored_loads(
            staff_queryset.values("pk")
            if staff_queryset is not None
            else [member.pk for member in members]
        )
        self.caps = cap_tables({member.departement_id for member in members})
        self._effective = {}

    def cap(self, member, programme):
        key = (member.departement_id, member.role, member.part_time_ratio, programme)
        if key not in self._effective:
            self._effective[key] = effective_cap(
                self.caps.get(member.departement_id, {}).get((member.role, programme)),
                member.part_time_ratio,
            )
        return self._effective[key]

    def rows(self, members, programmes):
        """[(member, [ProgrammeLoad…])] in `programmes`."""
        return [
            (
                member,
                [
                    ProgrammeLoad(
                        programme=programme.value,
                        label=programme.label,
                        active=self.active.get((member.pk, programme.value), 0),
                        cap=self.cap(member, programme.value),
                    )
                    for programme in programmes
                ],
            )
            for member in members
        ]

    def totals(self, programmes):
        """Totals of active people and effective caps in `programmes`, by role
        (in the members' order) and by programme."""
        by_role, by_programme = {}, {}
        if self.members:
            by_programme = {p.value: Total(label=p.label) for p in programmes}
        values = [p.value for p in programmes]
        programme_totals = [by_programme.get(value) for value in values]
        # The effective caps of a member depend on their Département, role
        # and working time only: computed once per such kind of member.
        kinds = {}
        active_of = self.active.get
        for member in self.members:
            role_total = by_role.get(member.role)
            if role_total is None:
                role_total = by_role[member.role] = Total(label=member.role_label)
            kind = (member.departement_id, member.role, member.part_time_ratio)
            caps = kinds.get(kind)
            if caps is None:
                caps = kinds[kind] = [self.cap(member, value) for value in values]
            for value, cap, programme_total in zip(values, caps, programme_totals, strict=True):
                active = active_of((member.pk, value), 0)
                for total in (role_total, programme_total):
                    total.active += active
                    if cap is None:
                        if active:
                            total.uncapped_staff += 1
                    else:
                        total.cap += cap
        return list(by_role.values()), list(by_programme.values())


# --- Suggestions ----------------------------------------------------------------------


@dataclass
class Candidate:
    staff: object
    programme: str
    active: int
    cap: int | None
    continuity: bool = False
    staff_id: int | None = None

    def __post_init__(self):
        if self.staff_id is None and self.staff is not None:
            self.staff_id = self.staff.pk

    @property
    def headroom(self):
        return None if self.cap is None else self.cap - self.active

    @property
    def load(self):
        return ProgrammeLoad(
            programme=self.programme,
            label=Programme(self.programme).label,
            active=self.active,
            cap=self.cap,
        )


@dataclass
class _RankedStaff:
    """What the ranking reads of a staff member (no model object): their
    loads are set on it by `attach_load_counts`."""

    pk: int
    role: str
    part_time_ratio: Decimal
    departement_id: int


def _rank(active, cap, pk):
    """The ranking of a staff member after continuity: the most room left in
    proportion to the cap first (an unset cap after every known one), then
    the lighter load, then the oldest account (a total order)."""
    ratio = -1.0 if cap is None else (cap - active) / cap
    return (-ratio, active, pk)


class SuggestionPool:
    """The staff a manager may assign to, with their loads, read once (four
    queries, the columns the ranking reads: no model objects) and then ranked
    for any number of people without more queries.
    Ranking: continuity with a previous referent first, then the most room
    left in proportion to the cap (an unset cap after every known one), then
    the lighter load.
    `take()` counts a planned assignment, so a balancing plan never plans past
    a cap.
    The staff model objects (names, for the pages) are read only when asked:
    `resolve()` for the candidates shown (one query), `staff` for all (one
    query)."""

    def __init__(self, user):
        self.queryset = StaffProfile.objects.visible_to(user).active().referents()
        self.rows = attach_load_counts(
            [
                _RankedStaff(*row)
                for row in self.queryset.order_by("pk").values_list(
                    "pk", "role", "part_time_ratio", "structure__departement_id"
                )
            ]
        )
        territories = {}
        for staff_id, territory_id in StaffProfile.territories.through.objects.filter(
            staffprofile_id__in=self.queryset.values("pk")
        ).values_list("staffprofile_id", "territory_id"):
            territories.setdefault(staff_id, set()).add(territory_id)
        self.caps = cap_tables(r.departement_id for r in self.rows)
        self.extra = {}
        self._objects = {}
        self._plan_heaps = {}
        # Plain tuples per role, read in the ranking loop (no attribute
        # access there: it runs for every person of a page or a plan).
        self._by_role = {}
        self._by_role_territory = {}
        programmes = [p.value for p in Programme]
        load_names = [(value, f"load_{value}") for value in programmes]
        # The effective caps depend on the Département, the role and the
        # working time only: computed once per such kind of staff member.
        caps_of_kind = {}
        for r in self.rows:
            kind = (r.departement_id, r.role, r.part_time_ratio)
            caps = caps_of_kind.get(kind)
            if caps is None:
                table = self.caps.get(r.departement_id, {})
                caps = caps_of_kind[kind] = {
                    value: effective_cap(table.get((r.role, value)), r.part_time_ratio)
                    for value in programmes
                }
            loads = {value: getattr(r, name) for value, name in load_names}
            entry = (r.pk, loads, caps)
            self._by_role.setdefault(r.role, []).append(entry)
            # And by territory: a person is ranked among their territory's
            # staff only (a balancing plan ranks 200 people).
            for territory_id in territories.get(r.pk, ()):
                self._by_role_territory.setdefault((r.role, territory_id), []).append(entry)

    def candidates(
        self, *, territory_id, roles, programme, previous_staff_ids=(), limit=None, resolve=True
    ):
        """The eligible staff, best first: one of `roles` (those that follow
        the person's stage: `pathways.selectors.roles_for_stage`), working in
        the person's territory, with room under their cap in `programme`.
        With `resolve=False`, the candidates carry `staff_id` only (their
        `staff` comes with `resolve()`, once for many people)."""
        eligible = self._ranked(territory_id, roles, programme, previous_staff_ids)
        # The best few without sorting every eligible member (min() for one).
        found = sorted(eligible) if limit is None else heapq.nsmallest(limit, eligible)
        candidates = [
            Candidate(
                staff=None,
                staff_id=rank[2],
                programme=programme,
                active=active,
                cap=cap,
                continuity=not no_continuity,
            )
            for no_continuity, rank, active, cap, _loads in found
        ]
        return self.resolve(candidates) if resolve else candidates

    def _ranked(self, territory_id, roles, programme, previous_staff_ids):
        """The eligible staff as (no continuity, rank, active, cap, loads),
        in no order: a smaller tuple is a better candidate."""
        extra = self.extra
        for role in roles:
            if territory_id is None:
                staff = self._by_role.get(role, ())
            else:
                staff = self._by_role_territory.get((role, territory_id), ())
            for pk, loads, caps in staff:
                active = loads[programme] + extra.get((pk, programme), 0)
                cap = caps[programme]
                if cap is not None and active >= cap:
                    continue
                yield (pk not in previous_staff_ids, _rank(active, cap, pk), active, cap, loads)

    def resolve(self, candidates, others=0):
        """Give the candidates their staff model objects (with their user
        and structure) in one query, and return them. With `others`, also
        read the first staff members by name, that many (`staff_read()`)."""
        wanted = {c.staff_id for c in candidates if c is not None} - set(self._objects)
        query = Q(pk__in=wanted)
        if others:
            query |= Q(
                pk__in=self.queryset.order_by("user__last_name", "user__first_name", "pk").values(
                    "pk"
                )[:others]
            )
        if wanted or others:
            self._objects.update(self._load(self.queryset.filter(query)))
        for candidate in candidates:
            if candidate is not None:
                candidate.staff = self._objects[candidate.staff_id]
        return candidates

    def staff_read(self):
        """{pk: staff model object} of the staff read so far (`resolve`,
        `staff`)."""
        return dict(self._objects)

    @cached_property
    def staff(self):
        """Every staff member of the pool, as model objects with their loads
        (one query)."""
        staff = self._load(self.queryset.order_by("pk"))
        self._objects.update(staff)
        return list(staff.values())

    def _load(self, queryset):
        rows = {r.pk: r for r in self.rows}
        staff = {}
        for member in queryset.select_related("user", "structure"):
            row = rows.get(member.pk)
            if row is None:
                continue
            for programme in Programme:
                name = f"load_{programme.value}"
                setattr(member, name, getattr(row, name))
            staff[member.pk] = member
        return staff

    def take(self, candidate):
        key = (candidate.staff_id, candidate.programme)
        self.extra[key] = self.extra.get(key, 0) + 1

    def best_for_plan(self, *, territory_id, roles, programme):
        """The best-ranked referent for a person with no past referent, the
        one `candidates(limit=1)` gives, or None, from a heap per territory,
        roles and programme kept for the whole plan.

        Why: a balancing plan ranks 200 people over some 400 staff, and
        `take()` changes one member's load at a time. The heap's top is
        checked against the loads taken since it was pushed, and pushed
        back with its new rank when it changed (a load only grows, so a rank
        only worsens: a top that is current is the best), instead of ranking
        every member again for each person."""
        key = (territory_id, tuple(roles), programme)
        heap = self._plan_heaps.get(key)
        if heap is None:
            heap = [
                (rank, active, cap, loads)
                for _continuity, rank, active, cap, loads in self._ranked(
                    territory_id, roles, programme, ()
                )
            ]
            heapq.heapify(heap)
            self._plan_heaps[key] = heap
        extra = self.extra
        while heap:
            rank, active, cap, loads = heap[0]
            pk = rank[2]
            current = loads[programme] + extra.get((pk, programme), 0)
            if current == active:
                return Candidate(
                    staff=None, staff_id=pk, programme=programme, active=active, cap=cap
                )
            heapq.heappop(heap)
            if cap is None or current < cap:
                heapq.heappush(heap, (_rank(current, cap, pk), current, cap, loads))
        return None


def staff_choice_groups(staff_list, roles=None):
    """[(role label, [staff…])] for a select with one group per role (the
    label translated once per role, not once per option). With `roles`, only
    those roles, in that order (the roles a stage needs, a requested role
    first); otherwise every role present."""
    groups = {}
    for staff in sorted(
        staff_list, key=lambda s: (s.role, s.user.last_name, s.user.first_name, s.pk)
    ):
        groups.setdefault(staff.role, []).append(staff)
    order = list(dict.fromkeys(roles)) if roles is not None else list(groups)
    return [(StaffRole(role).label, groups[role]) for role in order if role in groups]


def may_exceed_caps(user):
    """Whether the user may assign past a cap by giving a reason: a manager
    (or a superuser). The assignment services and the console both ask here."""
    scope = scope_of(user)
    return scope.is_manager or scope.everything


def previous_referents(beneficiary_ids):
    """{beneficiary_id: {staff_id…}} of the people's past referents (continuity)."""
    result = {}
    for beneficiary_id, staff_id in Assignment.objects.filter(
        beneficiary_id__in=list(beneficiary_ids), ended_at__isnull=False
    ).values_list("beneficiary_id", "staff_id"):
        result.setdefault(beneficiary_id, set()).add(staff_id)
    return result


def binome_candidates(user, *, territory_id=None):
    """Active binômes a manager may enrol people with, ranked by the smaller
    headroom of their two members in accompagnement global (full ones left out)."""
    visible = StaffProfile.objects.visible_to(user)
    binomes = list(
        Binome.objects.filter(
            dissolved_at__isnull=True, pe_advisor__in=visible, social_worker__in=visible
        )
        .select_related("pe_advisor__user", "pe_advisor__structure", "social_worker__user")
        .prefetch_related("pe_advisor__territories", "social_worker__territories")
        .order_by("pk")
    )
    programme = Programme.ACCOMPAGNEMENT_GLOBAL
    staff_ids = {b.pe_advisor_id for b in binomes} | {b.social_worker_id for b in binomes}
    loads = {staff_id: n for (staff_id, _p), n in stored_loads(staff_ids, programme).items()}
    caps = cap_tables(b.pe_advisor.structure.departement_id for b in binomes)
    ranked = []
    for binome in binomes:
        members = []
        for member in (binome.pe_advisor, binome.social_worker):
            cap = effective_cap(
                caps.get(binome.pe_advisor.structure.departement_id, {}).get(
                    (member.role, programme)
                ),
                member.part_time_ratio,
            )
            members.append(
                ProgrammeLoad(
                    programme=programme,
                    label=Programme(programme).label,
                    active=loads.get(member.pk, 0),
                    cap=cap,
                )
            )
        if any(m.cap is not None and m.active >= m.cap for m in members):
            continue
        if territory_id is not None and not (
            {t.pk for t in binome.pe_advisor.territories.all()}
            | {t.pk for t in binome.social_worker.territories.all()}
        ) & {territory_id}:
            continue
        headroom = min((m.cap - m.active) / m.cap if m.cap else 1.0 for m in members)
        ranked.append((binome, members, headroom))
    ranked.sort(key=lambda item: (-item[2], item[0].pk))
    return [
        (binome, list(zip((binome.pe_advisor, binome.social_worker), members, strict=True)))
        for binome, members, _h in ranked
    ]
