"""The statistics dashboard of managers (their territories) and admins (their
Département): period, filters, charts with their tables, exports."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import json_script
from django.utils.translation import gettext as _

from caseload.models import Structure, Territory, scope_of
from stats import exports, forecast, snapshots
from stats.esf import esf_table
from stats.figures import Filters, all_figures, computable, statistics_session
from stats.models import SnapshotKind
from stats.tables import build_tables, forecast_tables
from web.console.helpers import manager_required
from web.stats.forms import StatsFilterForm


def _territories(user):
    return list(Territory.objects.visible_to(user).order_by("name"))


def _structures(territories):
    """The structures whose staff work in the reader's territories (one query)."""
    return list(
        Structure.objects.filter(
            departement_id__in={t.departement_id for t in territories},
            staff__territories__in=territories,
        )
        .distinct()
        .order_by("name")
    )


def _filters(request):
    """(form, Filters or None) from the query string, scoped to the user's
    territories (a territory outside them is refused by the form)."""
    territories = _territories(request.user)
    structures = _structures(territories) if territories else []
    choices = {"territories": territories, "structures": structures}
    form = StatsFilterForm(request.GET or None, **choices)
    if request.GET:
        valid = form.is_valid()
    else:
        form = StatsFilterForm({}, **choices)
        valid = form.is_valid()
    if not valid:
        form.mark_errors()
    if not valid or not territories:
        return form, None
    data = form.cleaned_data
    chosen = [t for t in territories if not data["territoire"] or t.pk == data["territoire"]]
    scope = scope_of(request.user)
    departement_id = scope.departement_id or chosen[0].departement_id
    chosen = [t for t in chosen if t.departement_id == departement_id]
    filters = Filters(
        departement_id=departement_id,
        territory_ids=tuple(t.pk for t in chosen),
        start=data["debut"],
        end=data["fin"],
        programme=data["dispositif"],
        stage=data["etape"],
        role=data["role"],
        structure=data["structure"] or None,
    )
    return form, filters


def _tables(filters, scenario):
    """Every table of the dashboard: the figures of the period, then the
    capacity forecast (with the what-if) and its back-test. The figures of
    the period (the cohorts among them), the forecast's flows (each pool's
    load, arrivals and exits, projected with today's staff and caps) and the
    back-test come from the night's snapshots when there are some for these
    filters (their time shown), else are computed now."""
    scoped = {
        "departement_id": filters.departement_id,
        "territory_ids": filters.territory_ids,
        "role": filters.role,
        "programme": filters.programme,
        "structure": filters.structure,
    }
    # One transaction, its statements tuned (`statistics_session`).
    with statistics_session():
        stored = snapshots.read(filters)
        night = stored.get(SnapshotKind.FIGURES)
        cohorts = stored.get(SnapshotKind.COHORTS)
        back_test = stored.get(SnapshotKind.BACK_TEST)
        flows = stored.get(SnapshotKind.FORECAST)
        ref = forecast.reference(**scoped)
        if night:
            data, entrants = night.data
        else:
            data = all_figures(filters, precomputed_cohorts=cohorts.data if cohorts else None)
            entrants = None
        tables = [
            *build_tables(data),
            esf_table(filters, data["exits_by_outcome"], counts=entrants),
        ]
        if night:
            for table in tables:
                table.computed_at = night.computed_at
        elif cohorts:
            for table in tables:
                if table.key == "cohortes":
                    table.computed_at = cohorts.computed_at
        # Computed now: today's flows and those of the back-test's start in
        # one scan of the assignments, today's serving the forecast too.
        live_flows = None if flows and back_test else forecast.back_test_flows(**scoped)
        back_test_tables = forecast_tables(
            forecast.forecast(
                **scoped, scenario=scenario, ref=ref, flows=flows.data if flows else live_flows[1]
            ),
            back_test.data
            if back_test
            else forecast.back_test(**scoped, ref=ref, flows=live_flows),
            filters.today,
        )
        for table in back_test_tables:
            if table.key == "retro_prevision" and back_test:
                table.computed_at = back_test.computed_at
            if table.key == "prevision" and flows:
                table.computed_at = flows.computed_at
        tables += back_test_tables
        return tables


# Stands for a table's key in its reversed export link (a slug, as the URL
# accepts, that no path holds otherwise).
_KEY_PLACEHOLDER = "cle-du-tableau-0"


def _shown_tables(tables, query):
    """The tables as web/jinja2/stats/tables.html prints them, every text
    ready. The dashboard prints some 20 tables and 600 cells: through the
    Django template engine, one generic lookup at each print, they took
    most of the page's time."""
    # Each table's export links: the link reversed once per format, the
    # table's key put in its place (as web/row_links.py does for lists).
    links = {
        fmt: reverse("stats:export", args=[_KEY_PLACEHOLDER, fmt]) + f"?{query}"
        for fmt in ("csv", "xlsx")
    }
    shown = []
    for table in tables:
        computed_at = None
        if table.computed_at:
            local = timezone.localtime(table.computed_at)
            computed_at = {
                "day": date_format(local, "SHORT_DATE_FORMAT"),
                "time": time_format(local, "H:i"),
            }
        shown.append(
            {
                "key": table.key,
                "title": table.title,
                "chart": bool(table.chart),
                "chart_script": (
                    json_script(table.chart_data, table.chart_id) if table.chart else ""
                ),
                "columns": table.columns,
                "rows": table.shown_rows,
                "note": table.note,
                "computed_at": computed_at,
                "csv_url": links["csv"].replace(_KEY_PLACEHOLDER, table.key, 1),
                "xlsx_url": links["xlsx"].replace(_KEY_PLACEHOLDER, table.key, 1),
            }
        )
    return shown


@manager_required
def dashboard(request):
    if not computable():
        return render(request, "stats/unavailable.html", {"active_nav": "stats"})
    form, filters = _filters(request)
    tables = _tables(filters, form.cleaned_data["scenario"]) if filters else []
    query = request.GET.urlencode()
    template = "stats/_results.html" if request.htmx else "stats/dashboard.html"
    return render(
        request,
        template,
        {
            "form": form,
            "filters": filters,
            "tables": _shown_tables(tables, query),
            "active_nav": "stats",
        },
        status=200 if filters or not form.errors else 422,
    )


@manager_required
def export(request, key, fmt):
    form, filters = _filters(request)
    if not computable() or filters is None or fmt not in ("csv", "xlsx"):
        raise Http404
    tables = {t.key: t for t in _tables(filters, form.cleaned_data["scenario"])}
    table = tables.get(key)
    if table is None:
        raise Http404
    # Exports leave the Département: counts under 5 are shown as "< 5".
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.table_csv(table, small_counts_hidden=True),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = StreamingHttpResponse(
            [exports.table_xlsx(table, small_counts_hidden=True)],
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    name = _("statistiques") + f"-{key}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
