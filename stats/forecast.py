"""Capacity forecast: per pool (territory × referent role × programme), the
load of the next 26 weeks against the effective caps, the week the pool
saturates and the share of newcomers who would then miss the 15-day entry.

The method (docs/statistics.md):

1. *Measure* (one grouped query over the assignments, one over the staff;
   the flows of the dashboard's scopes are measured at night and stored),
   at an instant T, per pool: the load L0 (assignments active at T), the
   inflow λ (assignments started in the 13 weeks before T, per week: this is
   the import inflow after the orientation mix and the stage transitions,
   since a person enters a pool when oriented or moved to its role), and the
   weekly exit rate r (assignments ended in those 13 weeks / 13 / L0: exits,
   changes of stage and of referent). The capacity C is the sum of the
   effective caps (part time included) of the active referents of the role
   in the territory (a referent of several territories counts a share in
   each); None when the cap is not set.
2. *Project* week by week: L ← L − r·L (exits), then the week's λ newcomers
   join a queue served first-come first-served as far as C − L allows.
   Without a cap, everyone is served. The pool saturates the first week a
   newcomer cannot be served at once. A newcomer's wait is the number of
   people ahead of them divided by the places that free up each week (r·C);
   those waiting more than 15 days miss the entry deadline.
3. *What-if*: N more referents (C + N × cap), another cap (C scaled), an
   inflow changed by a percentage.
4. *Back-test*: the same measure at T − 13 weeks projected 13 weeks ahead,
   against the load measured at T.
"""

import datetime
import math
from dataclasses import dataclass, field, replace

from django.db.models import Count, Q
from django.utils import timezone

from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, StaffProfile, Territory
from caseload.selectors import cap_table, effective_cap

HORIZON_WEEKS = 26
LOOKBACK_WEEKS = 13
ENTRY_DAYS = 15


@dataclass(frozen=True)
class Pool:
    territory_id: int
    territory: str
    role: str
    programme: str
    load: float
    inflow: float  # people per week
    exit_rate: float  # share of the load leaving per week
    capacity: float | None
    staff: float  # referents (shares of referents working in several territories)
    cap: int | None  # the full-time cap of the role in the programme

    @property
    def label(self):
        return (
            f"{self.territory} — {StaffRole(self.role).label} — {Programme(self.programme).label}"
        )


@dataclass
class Projection:
    pool: Pool
    loads: list = field(default_factory=list)  # load at the end of each week
    queue: list = field(default_factory=list)  # people waiting at the end of each week
    saturation_week: int | None = None
    missing_entry_share: float | None = None

    @property
    def final_load(self):
        return round(self.loads[-1], 1) if self.loads else round(self.pool.load, 1)


# --- Measure ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """What does not change with the instant measured: the capacity and the
    headcount of each pool (current staff and caps), the territories' names."""

    capacity: dict
    headcount: dict
    caps: dict
    names: dict


def reference(*, departement_id, territory_ids, role="", programme="", structure=None):
    """Capacity of every pool from the active referents (of one structure,
    if given) and the caps: three queries."""
    staff = StaffProfile.objects.filter(
        is_active=True,
        role__in=StaffRole.referent_roles(),
        structure__departement_id=departement_id,
        territories__in=territory_ids,
    )
    if role:
        staff = staff.filter(role=role)
    if structure:
        staff = staff.filter(structure_id=structure)
    staff_rows = list(
        staff.annotate(territory_count=Count("territories", distinct=True))
        .values("pk", "role", "part_time_ratio", "territories", "territory_count")
        .order_by("pk")
    )
    caps = cap_table(departement_id)
    names = dict(Territory.objects.filter(pk__in=territory_ids).values_list("pk", "name"))
    programmes = [p.value for p in Programme if not programme or p.value == programme]
    # Each referent's effective cap, shared between their territories.
    capacity, headcount = {}, {}
    for s in staff_rows:
        if s["territories"] not in names:
            continue
        share_of = 1 / max(1, s["territory_count"])
        for p in programmes:
            key = (s["territories"], s["role"], p)
            cap = effective_cap(caps.get((s["role"], p)), s["part_time_ratio"])
            headcount[key] = headcount.get(key, 0) + share_of
            if cap is None or capacity.get(key, 0) is None:
                capacity[key] = None
            else:
                capacity[key] = capacity.get(key, 0) + cap * share_of
    return Reference(capacity=capacity, headcount=headcount, caps=caps, names=names)


def measure_flows(
    *,
    departement_id,
    territory_ids,
    at=None,
    role="",
    programme="",
    structure=None,
    weeks=LOOKBACK_WEEKS,
):
    """The flows of every pool at `at` (now by default), one grouped query
    over the assignments: [{"territory_id", "role", "programme", "load",
    "started", "ended"}] — the load at `at`, the assignments started and
    ended in the `weeks` before. With a structure, the assignments held by
    its staff. Plain values: the night stores them for the dashboard's
    scopes (`stats.snapshots`)."""
    (flows,) = flows_at(
        departement_id=departement_id,
        territory_ids=territory_ids,
        ats=[at or timezone.now()],
        role=role,
        programme=programme,
        structure=structure,
        weeks=weeks,
    )
    return flows


def flows_at(
    *,
    departement_id,
    territory_ids,
    ats,
    role="",
    programme="",
    structure=None,
    weeks=LOOKBACK_WEEKS,
):
    """`measure_flows` at each instant of `ats`, in one scan of the
    assignments (the back-test measures today and `weeks` ago: one query
    over the territory's assignments instead of two). A pool is listed at
    an instant only when one of its assignments had started by then."""
    assignments = Assignment.objects.filter(
        beneficiary__departement_id=departement_id,
        beneficiary__territory_id__in=territory_ids,
        started_at__lte=max(ats),
    )
    if role:
        assignments = assignments.filter(role=role)
    if programme:
        assignments = assignments.filter(programme=programme)
    if structure:
        assignments = assignments.filter(staff__structure_id=structure)
    counts = {}
    for index, at in enumerate(ats):
        since = at - datetime.timedelta(weeks=weeks)
        begun = Q(started_at__lte=at)
        counts |= {
            f"begun_{index}": Count("pk", filter=begun),
            f"load_{index}": Count(
                "pk", filter=begun & (Q(ended_at__isnull=True) | Q(ended_at__gt=at))
            ),
            f"started_{index}": Count("pk", filter=begun & Q(started_at__gt=since)),
            f"ended_{index}": Count("pk", filter=Q(ended_at__gt=since, ended_at__lte=at)),
        }
    rows = list(
        assignments.values("beneficiary__territory_id", "role", "programme")
        .annotate(**counts)
        .order_by("beneficiary__territory_id", "role", "programme")
    )
    return [
        [
            {
                "territory_id": row["beneficiary__territory_id"],
                "role": row["role"],
                "programme": row["programme"],
                "load": row[f"load_{index}"],
                "started": row[f"started_{index}"],
                "ended": row[f"ended_{index}"],
            }
            for row in rows
            if row[f"begun_{index}"]
        ]
        for index in range(len(ats))
    ]


def pools_of(flows, ref, *, weeks=LOOKBACK_WEEKS):
    """[Pool] from measured flows (`measure_flows`) and the current
    reference (capacity, headcount and caps of each pool)."""
    pools = []
    for flow in flows:
        key = (flow["territory_id"], flow["role"], flow["programme"])
        if key[0] not in ref.names:
            continue
        load = flow["load"]
        pools.append(
            Pool(
                territory_id=key[0],
                territory=ref.names[key[0]],
                role=key[1],
                programme=key[2],
                load=load,
                inflow=flow["started"] / weeks,
                exit_rate=(flow["ended"] / weeks / load) if load else 0.0,
                # No referent of the role in the territory: no room at all.
                capacity=ref.capacity.get(key, 0.0),
                staff=round(ref.headcount.get(key, 0), 2),
                cap=ref.caps.get((key[1], key[2])),
            )
        )
    return pools


def measure(
    *,
    departement_id,
    territory_ids,
    at=None,
    role="",
    programme="",
    structure=None,
    weeks=LOOKBACK_WEEKS,
    ref=None,
    flows=None,
):
    """[Pool] measured at `at` (now by default): one grouped query over the
    assignments, none when `flows` already measured are given (the night's,
    `measure_flows`), plus `reference`'s three when `ref` is not given."""
    scoped = {
        "departement_id": departement_id,
        "territory_ids": territory_ids,
        "role": role,
        "programme": programme,
        "structure": structure,
    }
    if flows is None:
        flows = measure_flows(**scoped, at=at, weeks=weeks)
    return pools_of(flows, ref or reference(**scoped), weeks=weeks)


# --- Project ----------------------------------------------------------------------


def project(pool: Pool, weeks=HORIZON_WEEKS) -> Projection:
    """The pool's load week by week, with a first-come first-served queue
    when the capacity is reached (see the module's docstring)."""
    result = Projection(pool=pool)
    load, queue = float(pool.load), 0.0
    capacity = pool.capacity
    freed_per_week = pool.exit_rate * capacity if capacity else 0.0
    arrivals = late = 0.0
    limit_weeks = ENTRY_DAYS / 7
    for week in range(1, weeks + 1):
        load -= pool.exit_rate * load
        queue += pool.inflow
        arrivals += pool.inflow
        room = queue if capacity is None else max(0.0, capacity - load)
        served = min(queue, room)
        load += served
        queue -= served
        if queue > 1e-9:
            if result.saturation_week is None:
                result.saturation_week = week
            wait = math.inf if freed_per_week <= 0 else queue / freed_per_week
            if wait > limit_weeks:
                # This week's newcomers are at the back of the queue.
                late += min(pool.inflow, queue)
        result.loads.append(load)
        result.queue.append(queue)
    result.missing_entry_share = round(late / arrivals, 4) if arrivals else None
    return result


def what_if(pool: Pool, *, added_staff=0, cap=None, inflow_change_percent=0):
    """The pool changed by a what-if: N more full-time referents of its role,
    another full-time cap, an inflow changed by a percentage."""
    capacity = pool.capacity
    full_cap = cap if cap else pool.cap
    if cap and capacity is not None and pool.cap:
        capacity = capacity * cap / pool.cap
    elif cap and capacity is None:
        capacity = pool.staff * cap
    if added_staff and full_cap:
        capacity = (capacity or 0) + added_staff * full_cap
    return replace(
        pool,
        capacity=capacity,
        cap=full_cap,
        inflow=pool.inflow * (1 + inflow_change_percent / 100),
    )


def forecast(
    *,
    departement_id,
    territory_ids,
    role="",
    programme="",
    structure=None,
    scenario=None,
    at=None,
    ref=None,
    flows=None,
):
    """[Projection] of every pool, with the what-if `scenario` (a dict of
    `what_if`'s arguments) applied; from `flows` already measured (the
    night's, `measure_flows`) when given, without a query over the
    assignments."""
    pools = measure(
        departement_id=departement_id,
        territory_ids=territory_ids,
        role=role,
        programme=programme,
        structure=structure,
        at=at,
        ref=ref,
        flows=flows,
    )
    if scenario:
        pools = [what_if(pool, **scenario) for pool in pools]
    return [project(pool) for pool in pools]


def back_test(
    *,
    departement_id,
    territory_ids,
    role="",
    programme="",
    structure=None,
    weeks=LOOKBACK_WEEKS,
    now=None,
    ref=None,
    flows=None,
):
    """[(pool label, forecast load, actual load)]: the forecast made `weeks`
    ago for today, against the load measured today (one query over the
    assignments, `back_test_flows`, none when its `flows` are given; plus
    `reference`'s three when `ref` is not given)."""
    kwargs = {
        "departement_id": departement_id,
        "territory_ids": territory_ids,
        "role": role,
        "programme": programme,
        "structure": structure,
    }
    if flows is None:
        flows = back_test_flows(**kwargs, weeks=weeks, now=now)
    ref = ref or reference(**kwargs)
    then_flows, now_flows = flows
    past = {
        (p.territory_id, p.role, p.programme): p for p in pools_of(then_flows, ref, weeks=weeks)
    }
    present = {
        (p.territory_id, p.role, p.programme): p for p in pools_of(now_flows, ref, weeks=weeks)
    }
    rows = []
    for key in sorted(set(past) | set(present)):
        pool = past.get(key) or replace(present[key], load=0, inflow=0.0, exit_rate=0.0)
        predicted = project(pool, weeks=weeks).final_load
        actual = present[key].load if key in present else 0
        rows.append(
            {
                "pool": (present.get(key) or pool).label,
                "forecast": predicted,
                "actual": actual,
                "error": round(predicted - actual, 1),
            }
        )
    return rows


def back_test_flows(*, weeks=LOOKBACK_WEEKS, now=None, **scoped):
    """(flows `weeks` ago, flows now) for `back_test`; the second serves the
    forecast too (`forecast(flows=…)`)."""
    now = now or timezone.now()
    return flows_at(**scoped, ats=[now - datetime.timedelta(weeks=weeks), now], weeks=weeks)
