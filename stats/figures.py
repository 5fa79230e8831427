"""The figures the Département is judged on, computed in the database.

Every figure reads a `Filters`: a Département, the territories the reader may
see (already narrowed to the chosen one), a period [start, end) whose bounds
are Europe/Paris midnights, and optional filters (programme, stage, referent
role). Each function runs one grouped query (or one raw SQL statement over
the same scoped subquery): no loop over people in Python, so the dashboard
keeps a constant number of queries whatever the data size.

Definitions (also in docs/statistics.md):

- *people followed*: people with a pathway open at some time in the period;
- *entries*: pathways opened in the period (a re-entry is a pathway opened
  for a person who had an earlier one);
- *delays* (entry 15 days, orientation 6 weeks, contract 1 month): the
  deadlines whose reference date falls in the period, minus those cancelled
  without being met (an exit before entry, a contract delay restarted by a
  reorientation). Share on time = met by the due date / (met + overdue); a
  deadline still open and not yet due is in neither; null without any;
- *exits*: pathways closed in the period, by outcome; back to activity =
  CDI, CDD, training, business creation among them;
- *loads*: assignments active at the end of the period (or now), per staff
  member, against the Département's caps scaled for part-time work.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from appointments.enums import (
    AppointmentStatus,
    Attendance,
    Channel,
    DeliveryStatus,
    MessageKind,
    MessageStatus,
)
from appointments.models import Appointment, Message, NoShowFlag
from beneficiaries.enums import OutreachResult
from beneficiaries.models import Barrier, Beneficiary, OutreachAttempt
from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, StaffProfile
from caseload.selectors import cap_table, effective_cap
from pathways.enums import DeadlineKind, ExitOutcome, InterviewStatus, Stage
from pathways.models import Contract, Deadline, Interview, Pathway
from pathways.models.catalogue import MIN_WEEKLY_HOURS

PARIS = ZoneInfo("Europe/Paris")
STAGE_SEQUENCE = [Stage.PENDING, Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT, Stage.EXIT]
# Bands of days (inclusive bounds; None: no upper bound).
DELAY_BANDS = [(0, 7), (8, 15), (16, 30), (31, 42), (43, 60), (61, None)]
WAITING_BANDS = [(0, 7), (8, 15), (16, 30), (31, 60), (61, None)]
COHORT_HORIZONS = (3, 6, 12)
ACTIVITY = [str(o) for o in ExitOutcome.return_to_activity()]
# Channels whose operator reports delivery (SMS receipts); email and letters do not.
RECEIPT_CHANNELS = (Channel.SMS,)
# Attendances of an appointment that took place or was missed (the no-show rate's denominator).
ATTENDED = (Attendance.SEEN.value, Attendance.NO_SHOW.value, Attendance.EXCUSED.value)
FIRST_APPOINTMENT_DAYS = 15
# Sort memory of the dashboard's statements (`statistics_session`).
STATEMENT_WORK_MEM = "64MB"
# Parallel plans for the dashboard's statements (`statistics_session`): the
# planner's default costs (1000 to start workers, 0.1 a row handed over) keep
# a Département's grouped statements on one core, each of them CPU-bound for
# 50 – 300 ms. The number of workers stays the server's setting
# (`max_parallel_workers_per_gather`, `max_parallel_workers`).
PARALLEL_SETUP_COST = "10"
PARALLEL_TUPLE_COST = "0.001"


def paris_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=PARIS)


def default_period(today=None):
    """The last twelve months, the current one included: [first day of the
    month eleven months ago, first day of next month)."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    start = datetime.date(year, (month - 1) % 12 + 1, 1)
    end = datetime.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return start, end


def share(part, whole):
    """A fraction between 0 and 1, or None without a denominator."""
    if not whole:
        return None
    return round(part / whole, 4)


def band_label(low, high):
    return f"{low}+" if high is None else f"{low}-{high}"


@dataclass(frozen=True)
class Filters:
    departement_id: int
    territory_ids: tuple
    start: datetime.date
    end: datetime.date
    programme: str = ""
    stage: str = ""
    role: str = ""
    # A caseload structure: the people followed in the period by one of its staff.
    structure: int | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def start_at(self):
        return paris_midnight(self.start)

    @property
    def end_at(self):
        return paris_midnight(self.end)

    @property
    def as_of(self) -> datetime.date:
        """The day snapshots (waiting people, loads, contracts) are read on:
        the period's last day, or today for a period not over yet."""
        return min(self.end - datetime.timedelta(days=1), self.today)

    @property
    def as_of_at(self):
        """The instant of the snapshot: the end of the `as_of` day, or now."""
        end_of_day = paris_midnight(self.as_of + datetime.timedelta(days=1))
        return min(end_of_day, timezone.now())


# --- Database helpers -------------------------------------------------------------


def computable():
    """Whether the figures can be computed on this database. They are written
    for PostgreSQL (PERCENTILE_CONT, FILTER, date arithmetic) so that every
    figure stays one grouped statement at Département scale; the embedded
    SQLite mode of `make run` shows the dashboard's notice instead."""
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def statistics_session():
    """One transaction for every statement of the dashboard (the figures
    read one consistent state), tuned for its grouped statements: no JIT
    compilation (it took up to half a second per statement at 100,000
    people, longer than the statement itself), enough sort memory for
    the grouping and medians of a Département to stay in memory (4 MB sorted
    them on disk), and parallel plans when they pay (a Département's live
    dashboard 1.23 → 1.02 s on 2 cores, a territory's 0.51 → 0.46 s). One
    query; the settings end with the transaction."""
    with transaction.atomic():
        if computable():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true), "
                    "set_config('parallel_setup_cost', %s, true), "
                    "set_config('parallel_tuple_cost', %s, true)",
                    [STATEMENT_WORK_MEM, PARALLEL_SETUP_COST, PARALLEL_TUPLE_COST],
                )
        yield


class Median(Aggregate):
    """PostgreSQL's continuous median."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """later - earlier for two DateFields: whole days (PostgreSQL date arithmetic)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def _days(value):
    return None if value is None else round(value, 1)


# --- Scoped querysets -------------------------------------------------------------


def people(f: Filters):
    """The people of the scope; with a referent role or a structure, those
    followed in the period by a referent of that role or of that structure
    (the structure's semi-join reads `assignment_by_staff_period`)."""
    qs = Beneficiary.objects.filter(
        departement_id=f.departement_id, territory_id__in=f.territory_ids
    )
    if f.role or f.structure:
        followed = Assignment.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=f.start_at),
            beneficiary_id=OuterRef("pk"),
            started_at__lt=f.end_at,
        )
        if f.role:
            followed = followed.filter(role=f.role)
        if f.structure:
            followed = followed.filter(staff__structure_id=f.structure)
        qs = qs.filter(Exists(followed))
    return qs


def pathways(f: Filters):
    qs = Pathway.objects.filter(beneficiary__in=people(f))
    if f.programme:
        qs = qs.filter(programme=f.programme)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    return qs


def _open_in_period(f):
    return Q(opened_on__lt=f.end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=f.start_at))


def _closed_in_period(f):
    return Q(closed_at__gte=f.start_at, closed_at__lt=f.end_at)


def _opened_in_period(f):
    return Q(opened_on__gte=f.start, opened_on__lt=f.end)


# --- Figures ----------------------------------------------------------------------


def headline(f: Filters):
    """People followed (known before or never seen), entries, re-entries,
    exits and the share back to activity: one query."""
    earlier = Pathway.objects.filter(
        beneficiary_id=OuterRef("beneficiary_id"), pk__lt=OuterRef("pk")
    )
    row = (
        pathways(f)
        .annotate(re_entry=Exists(earlier))
        .aggregate(
            people_followed=Count("beneficiary", distinct=True, filter=_open_in_period(f)),
            known=Count(
                "beneficiary",
                distinct=True,
                filter=_open_in_period(f) & Q(beneficiary__known_to_departement=True),
            ),
            entries=Count("pk", filter=_opened_in_period(f)),
            re_entries=Count("pk", filter=_opened_in_period(f) & Q(re_entry=True)),
            exits=Count("pk", filter=_closed_in_period(f)),
            back_to_activity=Count("pk", filter=_closed_in_period(f) & Q(outcome__in=ACTIVITY)),
        )
    )
    row["never_seen"] = row["people_followed"] - row["known"]
    row["back_to_activity_share"] = share(row["back_to_activity"], row["exits"])
    return row


def followed_by_programme(f: Filters):
    rows = (
        pathways(f)
        .filter(_open_in_period(f))
        .values("programme")
        .annotate(people=Count("beneficiary", distinct=True))
        .order_by("programme")
    )
    found = {r["programme"]: r["people"] for r in rows}
    return [
        {"programme": p.value, "label": str(p.label), "people": found.get(p.value, 0)}
        for p in Programme
    ]


def exits_by_outcome(f: Filters):
    rows = (
        pathways(f)
        .filter(_closed_in_period(f))
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by("outcome")
    )
    found = {r["outcome"]: r["n"] for r in rows}
    return {o.value: found.get(o.value, 0) for o in ExitOutcome}


def delays(f: Filters):
    """The entry (15 days), orientation (6 weeks) and contract (1 month)
    delays, one grouped query: {kind: figures}."""
    delay = DaysBetween(F("met_on"), F("reference_date"))
    met = Q(met_on__isnull=False)
    bands = {
        band_label(low, high): Count(
            "pk",
            filter=met
            & Q(delay_days__gte=low)
            & (Q() if high is None else Q(delay_days__lte=high)),
        )
        for low, high in DELAY_BANDS
    }
    rows = (
        Deadline.objects.filter(
            pathway__in=pathways(f),
            kind__in=[DeadlineKind.ENTRY, DeadlineKind.ORIENTATION, DeadlineKind.CONTRACT],
            reference_date__gte=f.start,
            reference_date__lt=f.end,
        )
        .exclude(cancelled_on__isnull=False, met_on__isnull=True)
        .annotate(delay_days=delay)
        .values("kind")
        .annotate(
            cohort=Count("pk"),
            on_time=Count("pk", filter=met & Q(met_on__lte=F("due_on"))),
            late=Count("pk", filter=met & Q(met_on__gt=F("due_on"))),
            overdue=Count("pk", filter=Q(met_on__isnull=True, due_on__lt=f.today)),
            open=Count("pk", filter=Q(met_on__isnull=True, due_on__gte=f.today)),
            median_days=Median("delay_days", filter=met),
            **bands,
        )
        .order_by("kind")
    )
    found = {r["kind"]: r for r in rows}
    result = {}
    for kind in (DeadlineKind.ENTRY, DeadlineKind.ORIENTATION, DeadlineKind.CONTRACT):
        r = found.get(kind.value, {})
        on_time, late, overdue = r.get("on_time", 0), r.get("late", 0), r.get("overdue", 0)
        result[kind.value] = {
            "cohort": r.get("cohort", 0),
            "on_time": on_time,
            "late": late,
            "overdue": overdue,
            "open": r.get("open", 0),
            "on_time_share": share(on_time, on_time + late + overdue),
            "median_days": _days(r.get("median_days")),
            "distribution": {
                band_label(lo, hi): r.get(band_label(lo, hi), 0) for lo, hi in DELAY_BANDS
            },
        }
    return result


def waiting_by_age(f: Filters):
    """People whose entry deadline was open on `as_of` (no first interview
    yet), by days waited: one query."""
    as_of = f.as_of
    waited = DaysBetween(Value(as_of, output_field=DateField()), F("reference_date"))
    bands = {
        band_label(low, high): Count(
            "pk",
            filter=Q(waited__gte=low) & (Q() if high is None else Q(waited__lte=high)),
        )
        for low, high in WAITING_BANDS
    }
    row = (
        Deadline.objects.filter(
            Q(met_on__isnull=True) | Q(met_on__gt=as_of),
            Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=as_of),
            pathway__in=pathways(f),
            kind=DeadlineKind.ENTRY,
            reference_date__lte=as_of,
        )
        .annotate(waited=waited)
        .aggregate(total=Count("pk"), **bands)
    )
    return {
        "as_of": as_of,
        "total": row.pop("total"),
        "bands": row,
    }


def _pathway_condition_sql(qs):
    """The condition of a `pathways(f)` queryset, as SQL on the table
    `pathways_pathway` itself, for a statement that reads that table (not
    aliased): the pathway's person among the scope's people, and the other
    filters. Rather than `id IN (the scope's pathways)`, which read the
    pathways a second time to hash their ids: about 25 ms a statement for a
    Département's 100,000 pathways."""
    query = qs.query
    sql, params = query.get_compiler(using=qs.db).compile(query.where)
    return sql, list(params)


def stages(f: Filters):
    """Stage funnel (pathways opened in the period that reached each stage),
    median days spent in each stage (stays that ended in the period) and
    moves back to an earlier stage in the period: one statement."""
    scoped, params = _pathway_condition_sql(pathways(f))
    order = "ARRAY['pending','social','sociopro','employment','exit']::varchar[]"
    sql = f"""
        WITH t AS (
            SELECT st.pathway_id, st.from_stage, st.to_stage, st.occurred_at,
                   LEAD(st.occurred_at) OVER (
                       PARTITION BY st.pathway_id ORDER BY st.occurred_at, st.id
                   ) AS left_at,
                   pathways_pathway.opened_on
            FROM pathways_stagetransition st
            JOIN pathways_pathway ON pathways_pathway.id = st.pathway_id
            WHERE {scoped}
        )
        SELECT to_stage,
               COUNT(DISTINCT pathway_id) FILTER (WHERE opened_on >= %s AND opened_on < %s),
               PERCENTILE_CONT(0.5) WITHIN GROUP (
                   ORDER BY EXTRACT(EPOCH FROM left_at - occurred_at) / 86400.0
               ) FILTER (WHERE left_at >= %s AND left_at < %s),
               COUNT(*) FILTER (
                   WHERE from_stage <> '' AND occurred_at >= %s AND occurred_at < %s
                   AND array_position({order}, to_stage::varchar)
                       < array_position({order}, from_stage::varchar)
               )
        FROM t GROUP BY to_stage
    """
    params += [f.start, f.end, f.start_at, f.end_at, f.start_at, f.end_at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    rows = []
    for stage in STAGE_SEQUENCE:
        reached, median, back = found.get(stage.value, (0, None, 0))
        rows.append(
            {
                "stage": stage.value,
                "label": str(stage.label),
                "reached": reached,
                "median_days": _days(median),
                "moves_back": back,
            }
        )
    return rows


def cohorts(f: Filters):
    """Pathways opened in each month of the period and the share of them
    back to activity (exit to CDI, CDD, training, business creation) within
    3, 6 and 12 months of opening; null while the horizon is not reached for
    the whole month: one statement."""
    scoped, params = _pathway_condition_sql(pathways(f).filter(_opened_in_period(f)))
    activity = ", ".join(["%s"] * len(ACTIVITY))
    columns = ",\n".join(
        f"COUNT(*) FILTER (WHERE outcome IN ({activity}) "
        f"AND closed_at < (opened_on + INTERVAL '{months} months'))"
        for months in COHORT_HORIZONS
    )
    sql = f"""
        SELECT DATE_TRUNC('month', opened_on)::date AS month, COUNT(*), {columns}
        FROM pathways_pathway WHERE {scoped}
        GROUP BY 1 ORDER BY 1
    """
    all_params = []
    for _months in COHORT_HORIZONS:
        all_params += ACTIVITY
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params + params)
        rows = cursor.fetchall()
    result = []
    for month, entered, *reached in rows:
        row = {"month": month, "entered": entered}
        for months, count in zip(COHORT_HORIZONS, reached, strict=True):
            horizon = _add_months(_add_months(month, 1), months)
            row[f"activity_{months}m"] = count
            row[f"activity_{months}m_share"] = share(count, entered) if horizon <= f.today else None
        result.append(row)
    return result


def _add_months(day, months):
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def barriers(f: Filters):
    """Per kind of barrier, among the people followed: people with it
    identified before the end of the period, share lifted, median days to
    lift: one query (the denominator comes from `headline`)."""
    followed = pathways(f).filter(_open_in_period(f)).values("beneficiary_id")
    rows = (
        Barrier.objects.filter(beneficiary_id__in=followed, identified_on__lt=f.end)
        .annotate(days_to_lift=DaysBetween(F("lifted_on"), F("identified_on")))
        .values("kind")
        .annotate(
            people=Count("beneficiary", distinct=True),
            barriers=Count("pk"),
            lifted=Count("pk", filter=Q(lifted_on__lt=f.end)),
            median_days_to_lift=Median("days_to_lift", filter=Q(lifted_on__lt=f.end)),
        )
        .order_by("kind")
    )
    return [
        {
            **r,
            "lifted_share": share(r["lifted"], r["barriers"]),
            "median_days_to_lift": _days(r["median_days_to_lift"]),
        }
        for r in rows
    ]


def outreach(f: Filters):
    """Contact attempts made in the period with the people of the scope, by
    result: attempts and people reached by them: one query."""
    rows = (
        OutreachAttempt.objects.filter(
            beneficiary__in=people(f), attempted_on__gte=f.start, attempted_on__lt=f.end
        )
        .values("result")
        .annotate(attempts=Count("pk"), people=Count("beneficiary", distinct=True))
        .order_by("result")
    )
    found = {r["result"]: r for r in rows}
    return [
        {
            "result": r.value,
            "label": str(r.label),
            "attempts": found.get(r.value, {}).get("attempts", 0),
            "people": found.get(r.value, {}).get("people", 0),
        }
        for r in OutreachResult
    ]


def interviews_per_referent(f: Filters):
    """Interviews held per month and role of the attending referents:
    interviews, referents who held at least one, average per referent."""
    # One filter call: the attendee conditions and the grouping share one join.
    attendee = {"attendees__isnull": False}
    if f.role:
        attendee["attendees__role"] = f.role
    if f.structure:
        attendee["attendees__structure_id"] = f.structure
    qs = Interview.objects.filter(
        beneficiary__in=people(f),
        status=InterviewStatus.HELD,
        occurred_on__gte=f.start,
        occurred_on__lt=f.end,
        **attendee,
    )
    rows = (
        qs.values(month=TruncMonth("occurred_on"), role=F("attendees__role"))
        .annotate(
            interviews=Count("pk", distinct=True), referents=Count("attendees", distinct=True)
        )
        .order_by("month", "role")
    )
    return [
        {
            **r,
            "role_label": str(StaffRole(r["role"]).label),
            "per_referent": round(r["interviews"] / r["referents"], 1),
        }
        for r in rows
    ]


def weekly_hours(f: Filters):
    """The current contract of each pathway open on `as_of` (the last one
    signed by then): how many, how many at 15 hours a week or more, the
    reductions by reason, the median hours: one query."""
    as_of = f.as_of
    renewed = Contract.objects.filter(renews_id=OuterRef("pk"), signed_on__lte=as_of)
    open_then = Q(pathway__closed_at__isnull=True) | Q(pathway__closed_at__gte=f.as_of_at)
    row = (
        Contract.objects.filter(open_then, pathway__in=pathways(f), signed_on__lte=as_of)
        .exclude(Exists(renewed))
        .aggregate(
            contracts=Count("pk"),
            at_least_minimum=Count("pk", filter=Q(weekly_hours__gte=MIN_WEEKLY_HOURS)),
            reduced_health=Count("pk", filter=Q(hours_reduction_reason="health")),
            reduced_disability=Count("pk", filter=Q(hours_reduction_reason="disability")),
            reduced_single_parent=Count("pk", filter=Q(hours_reduction_reason="single_parent")),
            median_hours=Median("weekly_hours"),
        )
    )
    row["minimum_hours"] = MIN_WEEKLY_HOURS
    row["at_least_minimum_share"] = share(row["at_least_minimum"], row["contracts"])
    row["median_hours"] = _days(row["median_hours"])
    return row


def staff_in_scope(f: Filters):
    qs = StaffProfile.objects.filter(
        is_active=True,
        role__in=StaffRole.referent_roles(),
        structure__departement_id=f.departement_id,
        territories__in=f.territory_ids,
    ).distinct()
    if f.role:
        qs = qs.filter(role=f.role)
    if f.structure:
        qs = qs.filter(structure_id=f.structure)
    return qs


def staff_loads(f: Filters):
    """Each referent of the territories with the people they followed on
    `as_of` per programme, and their effective caps: one query (rows are
    staff members, a few hundred at most)."""
    at = f.as_of_at
    active_then = Q(assignments__started_at__lte=at) & (
        Q(assignments__ended_at__isnull=True) | Q(assignments__ended_at__gt=at)
    )
    annotations = {
        f"load_{p.value}": Count("assignments", filter=active_then & Q(assignments__programme=p))
        for p in Programme
    }
    return list(
        staff_in_scope(f)
        .annotate(**annotations)
        .values("pk", "role", "part_time_ratio", *annotations)
        .order_by("role", "pk")
    )


def loads(f: Filters, *, staff_rows=None, caps=None):
    """Average and maximum loads against the effective caps, per role and
    programme (staff members holding nobody in a programme count with 0):
    {role: {programme: figures}}."""
    staff_rows = staff_loads(f) if staff_rows is None else staff_rows
    caps = cap_table(f.departement_id) if caps is None else caps
    programmes = [p for p in Programme if not f.programme or p.value == f.programme]
    result = {}
    for role in StaffRole.referent_roles():
        members = [s for s in staff_rows if s["role"] == role]
        if not members:
            continue
        by_programme = {}
        for programme in programmes:
            counts = [s[f"load_{programme.value}"] for s in members]
            member_caps = [
                effective_cap(caps.get((role, programme.value)), s["part_time_ratio"])
                for s in members
            ]
            people_count = sum(counts)
            cap_total = None if None in member_caps else sum(member_caps)
            by_programme[programme.value] = {
                "staff": len(members),
                "people": people_count,
                "average": round(people_count / len(members), 1),
                "maximum": max(counts),
                "cap": caps.get((role, programme.value)),
                "effective_cap_total": cap_total,
                "load_share": share(people_count, cap_total),
                "staff_over_cap": sum(
                    1
                    for count, cap in zip(counts, member_caps, strict=True)
                    if cap is not None and count > cap
                ),
            }
        result[str(role)] = by_programme
    return result


def all_figures(f: Filters, *, precomputed_cohorts=None):
    """Every figure of the dashboard (a constant number of queries); the
    cohorts may come precomputed (`stats.snapshots`)."""
    head = headline(f)
    return {
        "headline": head,
        "followed_by_programme": followed_by_programme(f),
        "exits_by_outcome": exits_by_outcome(f),
        "delays": delays(f),
        "waiting": waiting_by_age(f),
        "stages": stages(f),
        "cohorts": cohorts(f) if precomputed_cohorts is None else precomputed_cohorts,
        "barriers": [
            {**row, "prevalence": share(row["people"], head["people_followed"])}
            for row in barriers(f)
        ],
        "outreach": outreach(f),
        "interviews": interviews_per_referent(f),
        "weekly_hours": weekly_hours(f),
        "loads": loads(f),
        "convocations": convocations(f),
        "attendance": attendance(f),
        "first_appointment": first_appointment(f),
        "no_show_flags": no_show_flags(f),
    }


# --- Convocations and no-shows (appointments) --------------------------------------


def convocations(f: Filters):
    """Convocations written in the period to the people of the scope, per
    channel: sent, not sent (no phone, no address…), given up after failed
    attempts, and, where the channel reports it (SMS receipts), delivered
    and undelivered; the delivered share is delivered / sent for those
    channels only (null elsewhere): one grouped query."""
    rows = (
        Message.objects.filter(
            beneficiary__in=people(f),
            kind=MessageKind.CONVOCATION,
            created_at__gte=f.start_at,
            created_at__lt=f.end_at,
        )
        .values("channel")
        .annotate(
            written=Count("pk"),
            sent=Count("pk", filter=Q(status=MessageStatus.SENT)),
            skipped=Count("pk", filter=Q(status=MessageStatus.SKIPPED)),
            failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
            delivered=Count("pk", filter=Q(delivery_status=DeliveryStatus.DELIVERED)),
            undelivered=Count("pk", filter=Q(delivery_status=DeliveryStatus.UNDELIVERED)),
        )
        .order_by("channel")
    )
    found = {r["channel"]: r for r in rows}
    result = []
    for channel in Channel:
        r = found.get(channel.value, {})
        row = {
            "channel": channel.value,
            "label": str(channel.label),
            "reports_delivery": channel in RECEIPT_CHANNELS,
        }
        for key in ("written", "sent", "skipped", "failed", "delivered", "undelivered"):
            row[key] = r.get(key, 0)
        row["delivered_share"] = (
            share(row["delivered"], row["sent"]) if row["reports_delivery"] else None
        )
        result.append(row)
    return result


def attendance(f: Filters):
    """Appointments of the period (by the slot's time) whose attendance is
    recorded, by attendance, and the no-show rate: no-shows / appointments
    that were held or missed (seen, no-show, excused; an appointment
    recorded as cancelled did not take place): one query."""
    counts = {a.value: Count("pk", filter=Q(attendance=a.value)) for a in Attendance}
    row = Appointment.objects.filter(
        beneficiary__in=people(f),
        status=AppointmentStatus.RECORDED,
        slot__starts_at__gte=f.start_at,
        slot__starts_at__lt=f.end_at,
    ).aggregate(**counts)
    recorded = sum(row[a] for a in ATTENDED)
    return {
        "by_attendance": row,
        "recorded": recorded,
        "no_show_rate": share(row[Attendance.NO_SHOW.value], recorded),
    }


def first_appointment(f: Filters):
    """For the entry deadlines whose reference date falls in the period
    (as `delays`), the days from the reference date to the first
    appointment on or after it (any appointment not cancelled, by its day
    in Paris time): how many have one, median, how many within 15 days, and
    the share within 15 days among those that have one or whose 15 days
    have passed without one: one statement."""
    scoped, params = _pathway_condition_sql(pathways(f))
    # MATERIALIZED: the first appointment is looked up once per deadline,
    # not once per use of `days` below (four).
    sql = f"""
        WITH e AS MATERIALIZED (
            SELECT dl.reference_date,
                   ((SELECT MIN(s.starts_at)
                     FROM appointments_appointment a
                     JOIN appointments_slot s ON s.id = a.slot_id
                     WHERE a.beneficiary_id = pathways_pathway.beneficiary_id
                       AND a.status <> %s AND a.attendance <> %s
                       AND s.starts_at >= (dl.reference_date::timestamp AT TIME ZONE %s)
                    ) AT TIME ZONE %s)::date - dl.reference_date AS days
            FROM pathways_deadline dl
            JOIN pathways_pathway ON pathways_pathway.id = dl.pathway_id
            WHERE {scoped}
              AND dl.kind = %s
              AND dl.reference_date >= %s AND dl.reference_date < %s
              AND NOT (dl.cancelled_on IS NOT NULL AND dl.met_on IS NULL)
        )
        SELECT COUNT(*),
               COUNT(days),
               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days),
               COUNT(*) FILTER (WHERE days <= %s::integer),
               COUNT(*) FILTER (WHERE days IS NULL AND reference_date + %s::integer < %s)
        FROM e
    """
    limit = FIRST_APPOINTMENT_DAYS
    all_params = [
        AppointmentStatus.CANCELLED.value,
        Attendance.CANCELLED.value,
        "Europe/Paris",
        "Europe/Paris",
        *params,
        DeadlineKind.ENTRY.value,
        f.start,
        f.end,
        limit,
        limit,
        f.today,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        cohort, with_appointment, median, within, missed = cursor.fetchone()
    return {
        "cohort": cohort,
        "with_appointment": with_appointment,
        "median_days": _days(median),
        "within_15_days": within,
        "without_appointment_after_15_days": missed,
        "within_15_days_share": share(within, with_appointment + missed),
    }


def no_show_flags(f: Filters):
    """People flagged for two no-shows in a row: flags raised in the period
    (people counted once) and flags still open at the snapshot: one query."""
    at = f.as_of_at
    return NoShowFlag.objects.filter(beneficiary__in=people(f)).aggregate(
        flagged_in_period=Count(
            "beneficiary",
            distinct=True,
            filter=Q(raised_at__gte=f.start_at, raised_at__lt=f.end_at),
        ),
        open_at_end=Count(
            "beneficiary",
            distinct=True,
            filter=Q(raised_at__lte=at) & (Q(closed_at__isnull=True) | Q(closed_at__gt=at)),
        ),
    )
