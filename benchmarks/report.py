"""Pure helpers of `make bench` (no Django, no network): percentiles, the
targets and their pass/fail verdicts, the parsers of the other benchmark
scripts' output and of locust's CSV, and docs/benchmarks.md."""

import csv
import io
import math
import os
import re
import statistics
from dataclasses import dataclass

# The targets of issue 15.
PAGE_RATIO_LIMIT = 5.0
REFERENT_PAGE_RATIO_LIMIT = 3.0
LOAD_P95_MS = 300
LOAD_P99_MS = 800
IMPORT_ROWS = 100_000
IMPORT_SECONDS = 60
SCAN_PATHWAYS = 100_000
SCAN_SECONDS = 30
STATS_SECONDS = 1.0


def percentile(values, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class PageFigure:
    label: str
    path: str
    login: str  # "referent" or "manager"
    median_ms: float
    p95_ms: float
    queries: int
    floor_ms: float
    wall_ms: float = 0.0  # client-side median (loopback)
    sql_ms: float = 0.0  # median time waiting for the database
    floor_sql_ms: float = 0.0

    @property
    def ratio(self):
        return self.median_ms / self.floor_ms if self.floor_ms else float("inf")

    @property
    def sql_bound_ratio(self):
        """The ratio the page would have if, beyond the floor's work, it spent
        only its database time: what its queries alone cost, whatever the
        Python around them. A bound under the target says the rest is the
        application's to win; over it, the queries themselves are."""
        if not self.floor_ms:
            return float("inf")
        return (self.floor_ms + max(self.sql_ms - self.floor_sql_ms, 0.0)) / self.floor_ms

    @property
    def ratio_limit(self):
        return REFERENT_PAGE_RATIO_LIMIT if self.login == "referent" else PAGE_RATIO_LIMIT


def server_timing(header):
    """{metric: ms} of a `Server-Timing` header ("app;dur=12.5, db;dur=3.1")."""
    timings = {}
    for metric in (header or "").split(","):
        name, _sep, params = metric.strip().partition(";")
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "dur" and name:
                try:
                    timings[name] = float(value)
                except ValueError:
                    continue
    return timings


def summarise(samples):
    """(median, p95) of a list of milliseconds."""
    return statistics.median(samples), percentile(samples, 95)


@dataclass
class Check:
    what: str
    figure: str
    target: str
    passed: bool | None  # None: not measured

    @property
    def verdict(self):
        return {True: "OK", False: "ÉCHEC", None: "non mesuré"}[self.passed]


def page_checks(pages):
    return [
        Check(
            f"page {page.label} ({page.path}) / plancher",
            f"×{page.ratio:.1f} ({page.median_ms:.0f} ms / {page.floor_ms:.1f} ms)",
            f"≤ ×{page.ratio_limit:g}",
            page.ratio <= page.ratio_limit,
        )
        for page in pages
    ]


@dataclass
class LoadRow:
    name: str
    method: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    average: float = 0.0
    rps: float = 0.0


def parse_locust_stats(text):
    """The rows of locust's `*_stats.csv` (its "Aggregated" row last)."""
    rows = []
    for line in csv.DictReader(io.StringIO(text)):

        def number(key, line=line):
            value = line.get(key) or "0"
            return float(value) if value != "N/A" else 0.0

        rows.append(
            LoadRow(
                name=line["Name"],
                method=line.get("Type") or "",
                requests=int(number("Request Count")),
                failures=int(number("Failure Count")),
                p50=number("50%"),
                p95=number("95%"),
                p99=number("99%"),
                average=number("Average Response Time"),
                rps=number("Requests/s"),
            )
        )
    return rows


def load_checks(rows):
    if not rows:
        return [Check("charge : 50 utilisateurs", "—", "0 erreur", None)]
    pages = [row for row in rows if row.name != "Aggregated"]
    errors = sum(row.failures for row in pages)
    checks = [Check("charge : erreurs", f"{errors}", "0", errors == 0)]
    for row in pages:
        checks.append(
            Check(
                f"charge : {row.method} {row.name}",
                f"p95 {row.p95:.0f} ms, p99 {row.p99:.0f} ms",
                f"p95 < {LOAD_P95_MS} ms, p99 < {LOAD_P99_MS} ms",
                row.p95 < LOAD_P95_MS and row.p99 < LOAD_P99_MS,
            )
        )
    return checks


IMPORT_LINE = re.compile(
    r"^(?P<engine>\S+)\s+(?P<phase>\S+)\s+(?P<seconds>[\d.]+) s \(CPU\s+(?P<cpu>[\d.]+) s\)"
    r"\s+peak\s+(?P<peak>\d+) MB\s+(?P<counts>.*)$"
)


def parse_import_output(text):
    """{(engine, phase): {"seconds", "cpu", "peak_mb", "counts"}} from
    benchmarks/import_bench.py's output."""
    results = {}
    for line in text.splitlines():
        match = IMPORT_LINE.match(line.strip())
        if match:
            results[(match["engine"], match["phase"])] = {
                "seconds": float(match["seconds"]),
                "cpu": float(match["cpu"]),
                "peak_mb": int(match["peak"]),
                "counts": match["counts"].strip(),
            }
    return results


def import_checks(results, rows):
    """Our import against the target, scaled to 100,000 rows when the file
    has another size."""
    ours = results.get(("ours", "import"))
    target = f"< {IMPORT_SECONDS} s pour {IMPORT_ROWS:,} lignes"
    if ours is None:
        return [Check(f"import de {rows:,} lignes", "—", target, None)]
    projected = ours["seconds"] * IMPORT_ROWS / rows
    return [
        Check(
            f"import de {rows:,} lignes",
            f"{ours['seconds']:.1f} s ({rows / ours['seconds']:,.0f} lignes/s; CPU {ours['cpu']:.1f} s)",
            target,
            projected < IMPORT_SECONDS,
        )
    ]


SCAN_LINE = re.compile(r"^scan: (?P<seconds>[\d.]+) s, .*SQL queries: (?P<queries>\d+)")
SCAN_PEAK = re.compile(r"peak RSS: (?P<rss>\d+) MB")
SCAN_SIZE = re.compile(
    r"open pathways: (?P<pathways>[\d,]+)\s+reminder rows: (?P<reminders>[\d,]+)"
)


def parse_scan_output(text):
    result = {}
    for line in text.splitlines():
        if match := SCAN_LINE.match(line.strip()):
            result["seconds"] = float(match["seconds"])
            result["queries"] = int(match["queries"])
            if peak := SCAN_PEAK.search(line):
                result["peak_mb"] = int(peak["rss"])
            result["line"] = line.strip()
        elif match := SCAN_SIZE.match(line.strip()):
            result["pathways"] = int(match["pathways"].replace(",", ""))
            result["reminders"] = int(match["reminders"].replace(",", ""))
    return result


def scan_checks(result, pathways):
    if "seconds" not in result:
        return [Check(f"scan des délais, {pathways:,} parcours", "—", f"< {SCAN_SECONDS} s", None)]
    return [
        Check(
            f"scan des délais, {pathways:,} parcours ouverts",
            f"{result['seconds']:.1f} s, {result['queries']} requêtes SQL",
            f"< {SCAN_SECONDS} s",
            result["seconds"] < SCAN_SECONDS,
        )
    ]


STATS_ROW = re.compile(
    r"^\| (?P<label>[^|]+) \| (?P<median>\d+) ms \| (?P<p95>\d+) ms \| (?P<cpu>\d+) ms \| (?P<queries>\d+) \|$"
)


def parse_stats_output(text):
    """[(label, median ms, p95 ms, SQL queries)] of benchmarks/stats_bench.py."""
    rows = []
    for line in text.splitlines():
        if match := STATS_ROW.match(line.strip()):
            rows.append(
                (
                    match["label"].strip(),
                    int(match["median"]),
                    int(match["p95"]),
                    int(match["queries"]),
                )
            )
    return rows


def stats_checks(rows, http_page=None):
    checks = [
        Check(
            f"statistiques, {label}",
            f"{median / 1000:.2f} s (p95 {p95 / 1000:.2f} s)",
            f"< {STATS_SECONDS:g} s",
            median / 1000 < STATS_SECONDS,
        )
        for label, median, p95, _queries in rows
    ]
    if http_page is not None:
        checks.append(
            Check(
                "statistiques, page servie par gunicorn (chef de service)",
                f"{http_page.median_ms / 1000:.2f} s",
                f"< {STATS_SECONDS:g} s",
                http_page.median_ms / 1000 < STATS_SECONDS,
            )
        )
    if not checks:
        checks.append(Check("statistiques", "—", f"< {STATS_SECONDS:g} s", None))
    return checks


def growth(pages_by_scale):
    """{label: {scale: median}} and the ratio between consecutive scales:
    [(label, [(from, to, ratio)])]."""
    labels = []
    for pages in pages_by_scale.values():
        for page in pages:
            if page.label not in labels:
                labels.append(page.label)
    scales = sorted(pages_by_scale)
    table = []
    for label in labels:
        medians = {
            scale: next((p.median_ms for p in pages_by_scale[scale] if p.label == label), None)
            for scale in scales
        }
        ratios = [
            (a, b, medians[b] / medians[a])
            for a, b in zip(scales, scales[1:], strict=False)
            if medians[a] and medians[b]
        ]
        table.append((label, medians, ratios))
    return table


def checks_table(checks):
    lines = ["| cible | mesure | objectif | verdict |", "| --- | --- | --- | --- |"]
    lines += [f"| {c.what} | {c.figure} | {c.target} | {c.verdict} |" for c in checks]
    return lines


def stolen_share(start, end):
    """The share of CPU time stolen by the hypervisor between two readings
    of /proc/stat's counters (`suite.cpu_times`), or None."""
    if not start or not end or len(start) < 8 or len(end) < 8:
        return None
    total = sum(end) - sum(start)
    return (end[7] - start[7]) / total if total > 0 else None


def stolen_line(start, end):
    share = stolen_share(start, end)
    if share is None:
        return []
    return [
        f"- CPU time stolen by the hypervisor during the run: {share:.0%} (this virtual "
        "machine shares its host: a busy host slows every figure, compare runs with care)"
    ]


def scale_label(people):
    if people >= 1_000_000 and people % 1_000_000 == 0:
        return f"{people // 1_000_000}m"
    if people >= 1000 and people % 1000 == 0:
        return f"{people // 1000}k"
    return str(people)


def _ms(value):
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def render(results, checks, growth_table, args):
    """docs/benchmarks.md."""
    machine = results["machine"]
    started, finished = results["started"], results["finished"]
    lines = [
        "# Benchmarks (`make bench`)",
        "",
        "Written by `benchmarks/suite.py` (`make bench`); every figure below comes from the run",
        "described here. Regenerate it with the command, on a quiet machine when possible.",
        "",
        f"- command: `{results['command'].strip()}`",
        f"- date: {started:%Y-%m-%d %H:%M} – {finished:%H:%M} UTC "
        f"({(finished - started).total_seconds() / 60:.0f} min), commit `{machine['commit']}`",
        f"- machine: {machine['cores']} cores ({machine['cpu']}), {machine['ram_gb']:.0f} GB RAM, "
        f"PostgreSQL {machine['postgres']}, Redis {machine['redis']}, Python {machine['python']}",
        "- load average (1 min) at the start {:.1f}, at the end {:.1f} on {} cores: the machine "
        "is shared, and every figure includes that contention".format(
            results["load_start"][0], results["load_end"][0], machine["cores"]
        ),
        *stolen_line(results.get("cpu_start"), results.get("cpu_end")),
        f"- stack: gunicorn ({args.workers} sync workers, production settings, DEBUG off) behind "
        "nothing, a Celery worker (concurrency 2), PostgreSQL and Redis, all on 127.0.0.1; "
        "locust runs on the same cores",
        "",
        "## Targets",
        "",
        *checks_table(checks),
        "",
    ]
    for people, scale in sorted(results["scales"].items()):
        lines += [
            f"## Pages at {people:,} people",
            "",
            f"Database `{scale['database']}` (seed_demo: {scale['people']:,} people, "
            f"{scale['staff']:,} staff). Server time measured by a middleware of the benchmark "
            "settings around the whole Django stack (every middleware, view, queries, template), "
            f"read from the `Server-Timing` header; {args.runs} requests a page after 2 warm-up "
            "requests, one user at a time. The floor is a bare view behind the same login "
            "(every middleware, one indexed query).",
            "",
        ]
        if scale.get("pages"):
            floors = scale["floors"]
            lines += [
                "| page | login | median | p95 | of which SQL | floor | ratio | floor + SQL alone "
                "| target | SQL queries | wall (loopback) |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            ]
            for who, floor in floors.items():
                lines.append(
                    f"| floor view | {who} | {_ms(floor['median_ms'])} | {_ms(floor['p95_ms'])} "
                    f"| {_ms(floor.get('sql_ms', 0.0))} | — | — | — | — | {floor['queries']} | — |"
                )
            for page in scale["pages"]:
                lines.append(
                    f"| {page.label} `{page.path}` | {page.login} | {_ms(page.median_ms)} "
                    f"| {_ms(page.p95_ms)} | {_ms(page.sql_ms)} | {_ms(page.floor_ms)} "
                    f"| ×{page.ratio:.1f} | ×{page.sql_bound_ratio:.1f} "
                    f"| ≤ ×{page.ratio_limit:g} | {page.queries} | {_ms(page.wall_ms)} |"
                )
            lines += [
                "",
                "*Of which SQL*: the median time the server waited for the database (each "
                "query sent, run, and its rows received). *Floor + SQL alone*: the ratio a "
                "page would have if, beyond the floor's work, it spent only that time — "
                "what its queries cost whatever the Python around them. Where it is over the "
                "target, the queries themselves are; under it, the rest (ORM, templates) is "
                "the application's to win.",
                "",
            ]
        load = scale.get("load")
        if load:
            users = scale.get("load_users")
            lines += [
                f"### Load: {users} users, {args.load_seconds} s, spawn rate {args.spawn_rate:g}/s",
                "",
                "locust (`benchmarks/locustfile.py`): referents (portfolio, record, logging an "
                "interview, notifications), managers (dashboard, queue, balancing, "
                "overdue, statistics), one administrator running imports in the background; "
                "every user logs in (managers and the administrator with their TOTP code). "
                f"Each user waits {os.environ.get('BENCH_WAIT', '5,15').replace(',', ' to ')} s "
                "between two requests (`BENCH_WAIT`, a person reading the page). "
                f"Load average at the end: {load['load_after'][0]:.1f}.",
                "",
                "| request | requests | errors | p50 | p95 | p99 | req/s |",
                "| --- | --- | --- | --- | --- | --- | --- |",
            ]
            for row in load["rows"]:
                lines.append(
                    f"| {row.method} {row.name} | {row.requests} | {row.failures} | {row.p50:.0f} ms "
                    f"| {row.p95:.0f} ms | {row.p99:.0f} ms | {row.rps:.1f} |"
                )
            if load["failures"]:
                lines += ["", "Errors (locust's failures file, first lines):", "", "```"]
                lines += load["failures"]
                lines.append("```")
            lines.append("")
    if len(results["scales"]) > 1:
        scales = sorted(results["scales"])
        lines += [
            "## Growth",
            "",
            "Median server time of each page at each scale, and the ratio between consecutive "
            "scales (1.0: the page does not grow with the data). Up to 199,999 people "
            "`seed_demo` fills the three Départements of the sources; past that, each further "
            "100,000 people add three Départements of the same shape (30 at 1,000,000), so "
            "the logins' territory keeps its size and the tables grow around it, as in a "
            "national instance.",
            "",
            "| page | " + " | ".join(f"{s:,}" for s in scales) + " | growth |",
            "| --- | " + " | ".join("---" for _ in scales) + " | --- |",
        ]
        for label, medians, ratios in growth_table:
            cells = " | ".join(_ms(medians[s]) if medians.get(s) else "—" for s in scales)
            shown = ", ".join(f"{scale_label(a)}→{scale_label(b)} ×{r:.2f}" for a, b, r in ratios)
            lines.append(f"| {label} | {cells} | {shown} |")
        lines.append("")
    if "import" in results:
        lines += [
            f"## Applicant import ({args.import_rows:,} rows)",
            "",
            f"`benchmarks/import_bench.py --rows {args.import_rows} --iex-rows 2000` (each engine in its own "
            "process; django-import-export measured on the first 2,000 rows and scaled).",
            "",
            "| engine | phase | time | rows/s | CPU | peak memory | what |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for (engine, phase), figure in results["import"]["results"].items():
            rate = args.import_rows / figure["seconds"] if figure["seconds"] else 0
            lines.append(
                f"| {engine} | {phase} | {figure['seconds']:.1f} s | {rate:,.0f} | {figure['cpu']:.1f} s "
                f"| {figure['peak_mb']} MB | {figure['counts']} |"
            )
        if not results["import"]["results"]:
            lines.append(f"| — | failed (exit {results['import']['exit']}) | | | | | |")
        lines.append("")
    if "scan" in results:
        scan = results["scan"]["result"]
        lines += [
            "## Deadline scan",
            "",
            f"`benchmarks/deadline_scan_bench.py --pathways {args.scan_pathways} --due 5000`:",
            "",
            f"    {scan.get('line', 'failed (exit {})'.format(results['scan']['exit']))}",
            "",
        ]
    if "stats" in results:
        lines += [
            "## Statistics",
            "",
            f"`benchmarks/stats_bench.py --people {args.stats_people} --runs 5` (its own dataset, "
            "Django's test client):",
            "",
            "| dashboard | median | p95 | SQL queries |",
            "| --- | --- | --- | --- |",
        ]
        for label, median, p95, queries in results["stats"]["rows"]:
            lines.append(f"| {label} | {median} ms | {p95} ms | {queries} |")
        if not results["stats"]["rows"]:
            lines.append(f"| failed (exit {results['stats']['exit']}) | | | |")
        lines.append("")
    lines += [
        "## Reproducing",
        "",
        "```sh",
        "make bench                                   # 100,000 people, every phase",
        "make bench BENCH_PEOPLE=10000                # another scale",
        "make bench BENCH_SCALES=10000,100000         # the growth table",
        "make bench BENCH_SCALES=10000,100000,1000000 BENCH_MILLION=1",
        "```",
        "",
        "Logs of every step: `var/bench/`.",
        "",
    ]
    return "\n".join(lines)
