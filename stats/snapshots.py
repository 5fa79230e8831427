"""The heavy figures of the dashboard precomputed at night (the forecast's
flows and its back-test, the cohorts and every other figure of the default
period with the ESF report's entrants), per Département and per
set of territories a reader sees: the whole Département, each territory,
and the territories of each manager. The dashboard reads them when its
filters are exactly such a scope and the snapshot is recent; otherwise it
computes them live. Each snapshot keeps the time it was computed, shown on
the page."""

import datetime
import decimal

from django.utils import timezone

from caseload.enums import StaffRole
from caseload.models import Departement, StaffProfile, Territory
from stats import esf, figures, forecast
from stats.models import Snapshot, SnapshotKind

# A snapshot older than this is not read: the page computes live.
MAX_AGE = datetime.timedelta(hours=36)


def scope_key(territory_ids):
    return ",".join(str(pk) for pk in sorted(territory_ids))


def is_plain(f: figures.Filters):
    """Filters that a snapshot can answer: only a period and territories."""
    return not (f.programme or f.stage or f.role or f.structure)


def _cohorts_json(rows):
    return [{**row, "month": row["month"].isoformat()} for row in rows]


def _cohorts_from_json(rows):
    return [{**row, "month": datetime.date.fromisoformat(row["month"])} for row in rows]


# Dates, decimals and dicts inside the stored figures, read back as such:
# {DATE_TAG: "2026-03-01"}, {DECIMAL_TAG: "15"}, {ITEMS_TAG: [[key, value], …]}.
# A dict is stored as its items because PostgreSQL's jsonb orders an object's
# keys by length: the delay bands "0-7", "8-15" … "61+" came back as "0-7",
# "61+", "8-15" …, and so did the dashboard's rows and charts.
DATE_TAG = "__date__"
DECIMAL_TAG = "__decimal__"
ITEMS_TAG = "__items__"


def _figures_json(value):
    """`figures.all_figures`' result as JSON, its dates, decimals and dicts
    (in their order) tagged."""
    if isinstance(value, dict):
        return {ITEMS_TAG: [[key, _figures_json(item)] for key, item in value.items()]}
    if isinstance(value, list | tuple):
        return [_figures_json(item) for item in value]
    if isinstance(value, datetime.datetime):
        raise TypeError("The figures hold dates, not instants.")
    if isinstance(value, datetime.date):
        return {DATE_TAG: value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {DECIMAL_TAG: str(value)}
    return value


def _figures_from_json(value):
    if isinstance(value, dict):
        if set(value) == {DATE_TAG}:
            return datetime.date.fromisoformat(value[DATE_TAG])
        if set(value) == {DECIMAL_TAG}:
            return decimal.Decimal(value[DECIMAL_TAG])
        if set(value) == {ITEMS_TAG}:
            return {key: _figures_from_json(item) for key, item in value[ITEMS_TAG]}
        # Stored before ITEMS_TAG: the keys in jsonb's order.
        return {key: _figures_from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_figures_from_json(item) for item in value]
    return value


def figures_json(data, entrants):
    """The FIGURES snapshot's content: every figure of the period and the
    ESF entrants ({(civility, age band, known): people} as rows)."""
    return {
        "figures": _figures_json(data),
        "entrants": [[*key, count] for key, count in entrants.items()],
    }


def figures_from_json(content):
    """(figures, ESF entrants) as computed live, from `figures_json`."""
    entrants = {tuple(row[:3]): row[3] for row in content["entrants"]}
    return _figures_from_json(content["figures"]), entrants


def read(f: figures.Filters, *, now=None):
    """{kind: Snapshot} usable for these filters (one query), or {} without
    a query when the filters are not a plain scope."""
    if not is_plain(f):
        return {}
    now = now or timezone.now()
    rows = Snapshot.objects.filter(
        departement_id=f.departement_id,
        scope=scope_key(f.territory_ids),
        computed_at__gte=now - MAX_AGE,
    ).only("kind", "period_start", "period_end", "computed_at", "data")
    found = {}
    for snapshot in rows:
        if snapshot.kind in (SnapshotKind.BACK_TEST, SnapshotKind.FORECAST):
            found[snapshot.kind] = snapshot
        elif (snapshot.period_start, snapshot.period_end) == (f.start, f.end):
            if snapshot.kind == SnapshotKind.COHORTS:
                snapshot.data = _cohorts_from_json(snapshot.data)
            else:
                snapshot.data = figures_from_json(snapshot.data)
            found[snapshot.kind] = snapshot
    return found


def scopes(departement):
    """The sets of territories read on the dashboard: the Département, each
    territory, each active manager's territories."""
    territory_ids = list(
        Territory.objects.filter(departement=departement)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found = {tuple(territory_ids)} if territory_ids else set()
    found |= {(pk,) for pk in territory_ids}
    managers = StaffProfile.objects.filter(
        is_active=True, role=StaffRole.MANAGER, structure__departement=departement
    ).prefetch_related("territories")
    for manager in managers:
        mine = tuple(sorted(t.pk for t in manager.territories.all() if t.pk in territory_ids))
        if mine:
            found.add(mine)
    return sorted(found)


def _save(departement, kind, territory_ids, data, computed_at, start=None, end=None):
    Snapshot.objects.update_or_create(
        departement=departement,
        kind=kind,
        scope=scope_key(territory_ids),
        period_start=start,
        period_end=end,
        defaults={"computed_at": computed_at, "data": data},
    )


def precompute(*, now=None, start=None, end=None):
    """Compute and store every Département's snapshots (the back-test at
    `now`, the cohorts and every figure of the period, by default the
    dashboard's). Returns
    the number of snapshots written; older ones of each scope are replaced,
    those of scopes no longer read are deleted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if start is None or end is None:
        start, end = figures.default_period(today)
    written = 0
    for departement in Departement.objects.order_by("pk"):
        keys = []
        for territory_ids in scopes(departement):
            with figures.statistics_session():
                # One scan of the assignments for the back-test and the
                # forecast's flows (today's are the same).
                flows = forecast.back_test_flows(
                    departement_id=departement.pk, territory_ids=territory_ids, now=now
                )
                rows = forecast.back_test(
                    departement_id=departement.pk, territory_ids=territory_ids, flows=flows
                )
                _save(departement, SnapshotKind.BACK_TEST, territory_ids, rows, now)
                _save(departement, SnapshotKind.FORECAST, territory_ids, flows[1], now)
                f = figures.Filters(
                    departement_id=departement.pk,
                    territory_ids=territory_ids,
                    start=start,
                    end=end,
                    today=today,
                )
                data = figures.all_figures(f)
                cohorts = _cohorts_json(data["cohorts"])
                _save(departement, SnapshotKind.COHORTS, territory_ids, cohorts, now, start, end)
                content = figures_json(data, esf.entrants(f))
                _save(departement, SnapshotKind.FIGURES, territory_ids, content, now, start, end)
            keys.append(scope_key(territory_ids))
            written += len(SnapshotKind)
        Snapshot.objects.filter(departement=departement).exclude(scope__in=keys).delete()
        Snapshot.objects.filter(
            departement=departement, kind__in=[SnapshotKind.COHORTS, SnapshotKind.FIGURES]
        ).exclude(period_start=start, period_end=end).delete()
    return written
