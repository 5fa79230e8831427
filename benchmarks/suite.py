"""`make bench`: the benchmark suite, in one command, on loopback.

    .venv/bin/python benchmarks/suite.py [--people 100000] [--scales 10000,100000]
        [--million] [--phases pages,load,import,scan,stats] [--users 50]
        [--load-seconds 120] [--output docs/benchmarks.md]

For each scale (people; 1,000,000 only with --million) it uses a database of
its own, `<prefix>_<scale>_bench` (e.g. parcours_100k_bench), seeded once
with `manage.py seed_demo --beneficiaries N` and reused while it holds that
many people; it starts the production-shaped stack on 127.0.0.1 (gunicorn
with the production settings plus the benchmark's floor view —
benchmarks.settings —, PostgreSQL, Redis, a Celery worker) and measures:

1. pages: the server time (median, p95) of every main page and its ratio to
   the floor view behind the same login, with its SQL count;
2. load (the main scale only): locust, referents, managers and an
   administrator importing in the background (benchmarks/locustfile.py);

then, once: 3. the applicant import (benchmarks/import_bench.py: ours,
django-import-export, COPY); 4. the deadline scan
(benchmarks/deadline_scan_bench.py); 5. the statistics
(benchmarks/stats_bench.py), each in its own `_bench` database. Every phase
has a time limit. It prints the targets (pass/fail) and writes
docs/benchmarks.md.
"""

import argparse
import contextlib
import datetime
import json
import os
import pickle
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import report  # noqa: E402
from benchmarks.web import base_url_session, login, record_links  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
WORK = ROOT / "var" / "bench"
FLOOR_PATH = "/__banc__/plancher/"
MILLION = 1_000_000
SAVED = WORK / "last-run.pickle"


class Measure(NamedTuple):
    """One page's figures (ms): server time median and p95, SQL queries,
    client-side median, non-200 answers, and the median time the server
    waited for the database."""

    median: float
    p95: float
    queries: int
    wall: float
    errors: int
    sql: float


# Time limits (seconds).
MIGRATE_LIMIT = 600
STACK_START_LIMIT = 90
PAGES_LIMIT = 420
IMPORT_LIMIT = 900
SCAN_LIMIT = 900
STATS_LIMIT = 900
STATS_SEED_LIMIT = 2400


def log(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def database_url(base, name):
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def psql(base, sql, database="postgres", params=None):
    import psycopg

    url = database_url(base, database)
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def ensure_database(base, name):
    if not name.endswith("_bench"):
        sys.exit(f"{name}: the benchmark databases' names end in _bench")
    if not psql(base, "SELECT 1 FROM pg_database WHERE datname = %s", params=[name]):
        psql(base, f'CREATE DATABASE "{name}"')


def count_people(base, name):
    rows = psql(
        base,
        "SELECT (SELECT count(*) FROM beneficiaries_beneficiary),"
        " (SELECT count(*) FROM caseload_staffprofile)",
        database=name,
    )
    return rows[0]


def cpu_times():
    """The machine's CPU time counters (the `cpu` line of /proc/stat: user,
    nice, system, idle, iowait, irq, softirq, steal…), or None off Linux: the
    report gives the share of CPU time the hypervisor gave to other machines
    during the run (a virtual machine's figures depend on its host's load)."""
    try:
        line = Path("/proc/stat").read_text().split("\n", 1)[0]
    except OSError:
        return None
    return [int(value) for value in line.split()[1:]]


def static_files_current():
    """Whether var/static (the production static files, with their manifest)
    is newer than every source file: collectstatic then has nothing to do
    (it takes minutes on a busy machine)."""
    manifest = ROOT / "var" / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [ROOT / "package-lock.json", *(ROOT / "static").rglob("*")]
    newest = max(path.stat().st_mtime for path in sources if path.exists())
    return manifest.stat().st_mtime > newest


class Bench:
    def __init__(self, args):
        self.args = args
        self.base_url = args.database_url
        self.redis_url = args.redis_url
        WORK.mkdir(parents=True, exist_ok=True)
        self.results = {
            "started": datetime.datetime.now(datetime.UTC),
            "load_start": os.getloadavg(),
            "cpu_start": cpu_times(),
            "scales": {},
            "command": args.command,
        }

    # --- environment --------------------------------------------------------

    def env(self, database, settings="config.settings", **extra):
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url(self.base_url, database),
            REDIS_URL=self.redis_url,
            DJANGO_SETTINGS_MODULE=settings,
            DEBUG="0",
            # Plain HTTP on loopback: the production settings' HTTPS-only
            # cookies and redirect are switched off, nothing else.
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def run(self, command, env, limit, log_name):
        """Run a command with a time limit; its output goes to var/bench/."""
        path = WORK / log_name
        log(f"  $ {' '.join(str(c) for c in command)}  (limite {limit} s, journal {path})")
        started = time.perf_counter()
        with open(path, "w") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                process.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
                log(f"  délai dépassé ({limit} s) : arrêté")
                return None, path.read_text(), time.perf_counter() - started
        return process.returncode, path.read_text(), time.perf_counter() - started

    def machine(self):
        meminfo = Path("/proc/meminfo").read_text().split("\n")
        ram_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        postgres = psql(self.base_url, "SHOW server_version")[0][0]
        try:
            import redis

            redis_version = redis.Redis.from_url(self.redis_url).info()["redis_version"]
        except Exception as error:  # noqa: BLE001 - the report says it
            redis_version = f"inconnue ({error.__class__.__name__})"
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        return {
            "cores": os.cpu_count(),
            "cpu": cpu,
            "ram_gb": ram_kb / 1024 / 1024,
            "postgres": postgres,
            "redis": redis_version,
            "python": platform.python_version(),
            "commit": commit,
        }

    # --- data ---------------------------------------------------------------

    def migrate(self, name, env):
        """Migrate a benchmark database; stop the run if that fails."""
        code, output, _ = self.run(
            [PY, "manage.py", "migrate", "--noinput", "-v0"],
            env,
            MIGRATE_LIMIT,
            f"{name}-migrate.log",
        )
        if code != 0:
            sys.exit(f"migrate failed on {name}:\n{output[-3000:]}")

    def seeded_database(self, people):
        name = f"{self.args.prefix}_{report.scale_label(people)}_bench"
        ensure_database(self.base_url, name)
        env = self.env(name)
        self.migrate(name, env)
        present, _staff = count_people(self.base_url, name)
        if people <= present <= people * 1.1:
            log(f"{name} : {present:,} personnes déjà présentes, réutilisée")
            self.vacuum(name)
            return name
        if present:
            log(f"{name} : {present:,} personnes au lieu de {people:,} : recréée")
            psql(self.base_url, f'DROP DATABASE "{name}" WITH (FORCE)')
            ensure_database(self.base_url, name)
            self.migrate(name, env)
        log(f"{name} : création de {people:,} personnes (seed_demo, une seule fois)")
        code, output, seconds = self.run(
            [PY, "manage.py", "seed_demo", "--beneficiaries", str(people), "--seed", "1"],
            env,
            max(3600, people // 20),
            f"{name}-seed.log",
        )
        if code != 0:
            sys.exit(f"seed_demo failed on {name}:\n{output[-3000:]}")
        log(f"  données créées en {seconds:.0f} s")
        self.vacuum(name)
        return name

    def vacuum(self, name):
        """The database as autovacuum keeps it in production: planner
        statistics and the visibility map (index-only scans) up to date.
        Autovacuum may be off on a development machine, and a database just
        seeded or written by a previous run has neither."""
        started = time.monotonic()
        psql(self.base_url, "VACUUM (ANALYZE)", database=name)
        log(f"  VACUUM (ANALYZE) en {time.monotonic() - started:.0f} s")

    def accounts(self, name, label):
        out = WORK / f"accounts_{label}.json"
        code, output, _ = self.run(
            [
                PY,
                "benchmarks/accounts.py",
                "--out",
                str(out),
                "--managers",
                str(self.args.users // 4 + 2),
                "--referents",
                str(self.args.users + 10),
            ],
            self.env(name),
            300,
            f"{name}-accounts.log",
        )
        if code != 0:
            sys.exit(f"accounts.py failed on {name}:\n{output[-3000:]}")
        return json.loads(out.read_text())

    def nightly(self, name):
        """The night's job the pages read, run as Celery beat runs it every
        night in production: the statistics snapshots (the dashboard opened
        without a filter reads them)."""
        code, output, seconds = self.run(
            [
                PY,
                "manage.py",
                "shell",
                "-c",
                "from stats.tasks import precompute_snapshots; precompute_snapshots()",
            ],
            self.env(name),
            600,
            f"{name}-nightly.log",
        )
        if code != 0:
            sys.exit(f"the statistics snapshots failed on {name}:\n{output[-3000:]}")
        log(f"  instantanés statistiques de la nuit calculés en {seconds:.0f} s")

    # --- the stack ----------------------------------------------------------

    def start_stack(self, name):
        env = self.env(name, settings="benchmarks.settings")
        if not static_files_current():
            code, output, _ = self.run(
                [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
                env,
                600,
                "collectstatic.log",
            )
            if code != 0:
                sys.exit(f"collectstatic failed:\n{output[-3000:]}")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        processes = []
        for log_name, command in (
            (
                "gunicorn.log",
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.args.workers),
                    "--timeout",
                    "120",
                ],
            ),
            (
                "celery.log",
                [
                    str(BIN / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=WARNING",
                    "--concurrency=2",
                    "--hostname",
                    f"bench-{os.getpid()}@%h",
                ],
            ),
        ):
            output = open(WORK / log_name, "w")  # noqa: SIM115 - closed with the process
            processes.append(
                (
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    ),
                    output,
                )
            )
        self.stack = processes
        base = f"http://127.0.0.1:{port}"
        session = base_url_session(base)
        deadline = time.monotonic() + STACK_START_LIMIT
        while time.monotonic() < deadline:
            try:
                if session.get("/healthz", timeout=5).status_code == 200:
                    log(f"pile démarrée sur {base} (gunicorn {self.args.workers} workers, Celery)")
                    return base
            except Exception:  # noqa: BLE001, S110 - not up yet
                pass
            time.sleep(1)
        self.stop_stack()
        sys.exit(
            f"the stack did not answer /healthz within {STACK_START_LIMIT} s (var/bench/gunicorn.log)"
        )

    def stop_stack(self):
        for process, _output in getattr(self, "stack", []):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, output in getattr(self, "stack", []):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            output.close()
        self.stack = []

    # --- phase 1: pages -----------------------------------------------------

    def measure(self, session, path, runs, deadline):
        for _ in range(2):
            session.get(path)
        server, sql, wall, queries, errors = [], [], [], 0, 0
        for _ in range(runs):
            if time.monotonic() > deadline and len(server) >= 5:
                break
            started = time.perf_counter()
            response = session.get(path)
            wall.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors += 1
                continue
            timings = report.server_timing(response.headers.get("Server-Timing"))
            server.append(timings.get("app", 0.0))
            sql.append(timings.get("db", 0.0))
            queries = int(response.headers.get("X-Bench-Queries", "0"))
        if not server:
            raise RuntimeError(f"{path}: no 200 answer")
        median, p95 = report.summarise(server)
        return Measure(
            median, p95, queries, report.summarise(wall)[0], errors, statistics.median(sql)
        )

    def pages(self, base, accounts):
        deadline = time.monotonic() + PAGES_LIMIT
        password = accounts["password"]
        referent = base_url_session(base)
        login(referent, accounts["referents"][0]["username"], password)
        manager = base_url_session(base)
        # The last manager account: locust's managers start with the first
        # ones (a TOTP code is accepted once per 30-second step).
        chief = accounts["managers"][-1]
        login(manager, chief["username"], password, totp_key=chief["totp_key"])
        records = record_links(referent.get("/portefeuille/").text)
        record = records[len(records) // 2] if records else None
        sessions = {"referent": referent, "manager": manager}
        floors = {}
        for who, session in sessions.items():
            floors[who] = self.measure(session, FLOOR_PATH, self.args.runs, deadline)
        pages = [
            ("portefeuille du référent", "referent", "/portefeuille/"),
            ("fiche d'une personne", "referent", record),
            ("notifications", "referent", "/notifications/"),
            ("tableau de bord de l'équipe", "manager", "/equipe/"),
            ("file des non-affectés", "manager", "/equipe/file/"),
            ("délais dépassés", "manager", "/delais/depasses/"),
            ("statistiques", "manager", "/statistiques/"),
        ]
        figures = []
        for label, who, path in pages:
            if path is None:
                log(f"  {label} : aucun lien trouvé, non mesurée")
                continue
            try:
                measure = self.measure(sessions[who], path, self.args.runs, deadline)
            except RuntimeError as error:
                log(f"  {label} : {error}")
                continue
            figure = report.PageFigure(
                label=label,
                path=path if "/personnes/" not in path else "/portefeuille/personnes/[id]/",
                login=who,
                median_ms=measure.median,
                p95_ms=measure.p95,
                queries=measure.queries,
                floor_ms=floors[who].median,
                wall_ms=measure.wall,
                sql_ms=measure.sql,
                floor_sql_ms=floors[who].sql,
            )
            figures.append(figure)
            log(
                f"  {label:32} médiane {measure.median:7.1f} ms  p95 {measure.p95:7.1f} ms  "
                f"×{figure.ratio:5.1f} plancher  {measure.queries:3d} requêtes SQL "
                f"({measure.sql:.1f} ms ; SQL seul : ×{figure.sql_bound_ratio:.1f})"
            )
        return figures, {
            who: {"median_ms": f.median, "p95_ms": f.p95, "queries": f.queries, "sql_ms": f.sql}
            for who, f in floors.items()
        }

    # --- phase 2: load ------------------------------------------------------

    def load(self, base, label):
        prefix = WORK / f"locust_{label}"
        env = self.env("unused_bench", BENCH_ACCOUNTS=str(WORK / f"accounts_{label}.json"))
        code, output, seconds = self.run(
            [
                str(BIN / "locust"),
                "-f",
                "benchmarks/locustfile.py",
                "--headless",
                "--users",
                str(self.args.users),
                "--spawn-rate",
                str(self.args.spawn_rate),
                "--run-time",
                f"{self.args.load_seconds}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            env,
            self.args.load_seconds + 180,
            f"locust_{label}.log",
        )
        stats_path = Path(f"{prefix}_stats.csv")
        rows = report.parse_locust_stats(stats_path.read_text()) if stats_path.exists() else []
        failures_path = Path(f"{prefix}_failures.csv")
        failures = failures_path.read_text().splitlines()[1:] if failures_path.exists() else []
        return {
            "rows": rows,
            "failures": failures[:15],
            "seconds": seconds,
            "exit": code,
            "load_after": os.getloadavg(),
        }

    # --- phases 3 to 5: the other benchmark scripts -----------------------------

    def import_phase(self):
        name = f"{self.args.prefix}_import_bench"
        ensure_database(self.base_url, name)
        env = self.env(name, SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-secret-key"))
        self.migrate(name, env)
        code, output, seconds = self.run(
            [
                PY,
                "benchmarks/import_bench.py",
                "--rows",
                str(self.args.import_rows),
                "--iex-rows",
                "2000",
                # The floor (COPY) before django-import-export, the slowest.
                "--engines",
                "ours,copy,django-import-export",
            ],
            env,
            IMPORT_LIMIT,
            "import_bench.log",
        )
        return {"results": report.parse_import_output(output), "exit": code, "output": output}

    def scan_phase(self):
        name = f"{self.args.prefix}_scan_bench"
        ensure_database(self.base_url, name)
        code, output, _ = self.run(
            [
                PY,
                "benchmarks/deadline_scan_bench.py",
                "--pathways",
                str(self.args.scan_pathways),
                "--due",
                "5000",
            ],
            self.env(name),
            SCAN_LIMIT,
            "deadline_scan_bench.log",
        )
        return {"result": report.parse_scan_output(output), "exit": code}

    def stats_phase(self):
        label = report.scale_label(self.args.stats_people)
        name = f"{self.args.prefix}_stats_{label}_bench"
        ensure_database(self.base_url, name)
        seeded = False
        with contextlib.suppress(Exception):  # not migrated yet
            seeded = count_people(self.base_url, name)[0] >= self.args.stats_people
        code, output, _ = self.run(
            [
                PY,
                "benchmarks/stats_bench.py",
                "--people",
                str(self.args.stats_people),
                "--runs",
                "5",
            ],
            self.env(name, DJANGO_SETTINGS_MODULE="config.settings_test"),
            STATS_LIMIT if seeded else STATS_SEED_LIMIT,
            "stats_bench.log",
        )
        return {"rows": report.parse_stats_output(output), "exit": code, "output": output}

    # --- the whole run -------------------------------------------------------

    def main(self):
        args = self.args
        self.results["machine"] = self.machine()
        log(
            "machine : {cores} cœurs, {ram_gb:.0f} Go, PostgreSQL {postgres}, Redis {redis}".format(
                **self.results["machine"]
            )
        )
        scales = sorted(set(args.scales) | {args.people})
        if any(scale >= MILLION for scale in scales) and not args.million:
            sys.exit(
                "1,000,000 people: add --million (BENCH_MILLION=1); the seed takes long and ~40 GB"
            )
        phases = set(args.phases)
        if args.resume and SAVED.exists():
            # A run split in parts (BENCH_RESUME=1): the phases already
            # measured are kept, with the date and load of their own run.
            saved = pickle.loads(SAVED.read_bytes())
            for key in ("import", "scan", "stats"):
                if key in saved and key not in phases:
                    self.results[key] = saved[key]
            for people, scale in saved.get("scales", {}).items():
                self.results["scales"].setdefault(people, scale)
            self.results["started"] = min(self.results["started"], saved["started"])
            self.results["load_start"] = saved["load_start"]
            self.results["cpu_start"] = saved.get("cpu_start")
            log(f"reprise de {SAVED} : {', '.join(saved.get('done', []))}")
        self.results.setdefault("done", [])
        for people in scales:
            label = report.scale_label(people)
            if not phases & {"pages", "load"} or ("pages" not in phases and people != args.people):
                continue
            done = self.results["scales"].get(people, {})
            if args.resume and "pages" in done and people != args.people:
                # A growth point already measured; the main scale's requested
                # phases always run.
                log(f"{people:,} personnes : pages déjà mesurées (reprise)")
                continue
            log(f"=== {people:,} personnes ===")
            name = self.seeded_database(people)
            present, staff = count_people(self.base_url, name)
            accounts = self.accounts(name, label)
            self.nightly(name)
            scale = {"database": name, "people": present, "staff": staff}
            previous = self.results["scales"].get(people, {})
            base = self.start_stack(name)
            try:
                if "pages" in phases:
                    log("pages (temps serveur, gunicorn) :")
                    scale["pages"], scale["floors"] = self.pages(base, accounts)
                    scale["load_during_pages"] = os.getloadavg()
                elif "pages" in previous:
                    scale["pages"], scale["floors"] = previous["pages"], previous["floors"]
                if "load" in phases and people == args.people:
                    log(f"charge : locust, {args.users} utilisateurs, {args.load_seconds} s")
                    scale["load"] = self.load(base, label)
                    scale["load_users"] = args.users
                elif "load" in previous:
                    scale["load"], scale["load_users"] = previous["load"], previous["load_users"]
            finally:
                self.stop_stack()
            self.results["scales"][people] = scale
            self.save(f"pages/charge {label}")
        if "import" in phases:
            log(f"import de {args.import_rows:,} lignes : nous, django-import-export, COPY")
            self.results["import"] = self.import_phase()
            self.save("import")
        if "stats" in phases:
            log(f"statistiques, {args.stats_people:,} personnes")
            self.results["stats"] = self.stats_phase()
            self.save("stats")
        if "scan" in phases:
            log(f"scan des délais, {args.scan_pathways:,} parcours ouverts")
            self.results["scan"] = self.scan_phase()
            self.save("scan")
        self.results["finished"] = datetime.datetime.now(datetime.UTC)
        self.results["load_end"] = os.getloadavg()
        self.results["cpu_end"] = cpu_times()
        checks = self.checks()
        print()
        for line in report.checks_table(checks):
            print(line)
        growth = report.growth(
            {p: s["pages"] for p, s in self.results["scales"].items() if s.get("pages")}
        )
        if len(self.results["scales"]) > 1:
            print()
            for label, _medians, ratios in growth:
                shown = ", ".join(
                    f"{report.scale_label(a)}→{report.scale_label(b)} ×{r:.2f}"
                    for a, b, r in ratios
                )
                print(f"croissance {label}: {shown}")
        if args.output:
            Path(args.output).write_text(report.render(self.results, checks, growth, args))
            log(f"écrit : {args.output}")
        return 0 if all(c.passed is not False for c in checks) else 1

    def save(self, phase):
        self.results["done"].append(phase)
        SAVED.write_bytes(pickle.dumps(self.results))

    def checks(self):
        main = self.results["scales"].get(self.args.people, {})
        checks = report.page_checks(main.get("pages", []))
        if "load" in main:
            checks += report.load_checks(main["load"]["rows"])
        if "import" in self.results:
            checks += report.import_checks(self.results["import"]["results"], self.args.import_rows)
        if "scan" in self.results:
            checks += report.scan_checks(self.results["scan"]["result"], self.args.scan_pathways)
        if "stats" in self.results:
            http_stats = next(
                (p for p in main.get("pages", []) if p.path == "/statistiques/"), None
            )
            checks += report.stats_checks(self.results["stats"]["rows"], http_stats)
        return checks


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument("--people", type=int, default=int(env("BENCH_PEOPLE") or 100_000))
    parser.add_argument(
        "--scales",
        default=env("BENCH_SCALES") or "",
        help="comma-separated scales for the growth table, e.g. 10000,100000",
    )
    parser.add_argument("--million", action="store_true", default=env("BENCH_MILLION") == "1")
    parser.add_argument("--phases", default=env("BENCH_PHASES") or "pages,load,import,scan,stats")
    parser.add_argument("--prefix", default=env("BENCH_DB_PREFIX") or "parcours")
    parser.add_argument(
        "--database-url",
        default=env("BENCH_DATABASE_URL")
        or env("DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/postgres",
        help="server of the _bench databases (its database name is ignored)",
    )
    parser.add_argument(
        "--redis-url", default=env("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/15"
    )
    parser.add_argument("--users", type=int, default=int(env("BENCH_USERS") or 50))
    parser.add_argument("--spawn-rate", type=float, default=float(env("BENCH_SPAWN_RATE") or 2))
    parser.add_argument("--load-seconds", type=int, default=int(env("BENCH_LOAD_SECONDS") or 120))
    # As gunicorn.conf.py: (2 × cores) + 1.
    parser.add_argument(
        "--workers",
        type=int,
        default=int(env("BENCH_WORKERS") or 2 * len(os.sched_getaffinity(0)) + 1),
    )
    parser.add_argument("--runs", type=int, default=int(env("BENCH_RUNS") or 20))
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--scan-pathways", type=int, default=100_000)
    parser.add_argument(
        "--stats-people", type=int, default=None, help="default: --people (its own database)"
    )
    parser.add_argument("--output", default=env("BENCH_OUTPUT") or "docs/benchmarks.md")
    parser.add_argument(
        "--resume",
        action="store_true",
        default=env("BENCH_RESUME") == "1",
        help="keep the figures of the phases not run now from the last run (var/bench/)",
    )
    args = parser.parse_args(argv)
    args.stats_people = args.stats_people or args.people
    args.scales = [int(s) for s in args.scales.replace(" ", "").split(",") if s]
    args.phases = [p for p in args.phases.replace(" ", "").split(",") if p]
    args.command = "make bench " + " ".join(
        f"{key}={os.environ[key]}"
        for key in (
            "BENCH_PEOPLE",
            "BENCH_SCALES",
            "BENCH_MILLION",
            "BENCH_PHASES",
            "BENCH_USERS",
            "BENCH_LOAD_SECONDS",
            "BENCH_DB_PREFIX",
            "BENCH_RESUME",
        )
        if os.environ.get(key)
    )
    return args


if __name__ == "__main__":
    sys.exit(Bench(parse_args()).main())
