"""Server time of the manager console at scale: 1,000 staff and 100,000
people in a new territory of a new Département. The rows are committed (the
planner needs statistics, which ANALYZE gathers on committed rows only): run
it on a scratch database, which it empties first (`flush`): it refuses to run
without `--flush-scratch-database`.

    DATABASE_URL=postgres://…/scratch python benchmarks/console_bench.py --flush-scratch-database \
        [--staff 1000] [--people 100000]

Prints the median time of the dashboard and the queue over 5 requests (after
one warm-up), measured around Django's test client without the test
instrumentation (view, middleware and template rendering; no network).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from tests.caseload.bulk import bulk_people, bulk_staff  # noqa: E402
from tests.caseload.helpers import new_applicant, territory_team  # noqa: E402


def median_ms(client, url, runs=5, verbose=False):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    if verbose:
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"  {float(query['time']) * 1000:.0f} ms  {query['sql'][:200]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--verbose", action="store_true", help="print the slowest queries")
    parser.add_argument("--flush-scratch-database", action="store_true", required=True)
    args = parser.parse_args()
    # No setup_test_environment(): its template instrumentation (a copy of
    # every context) would be counted as server time.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        territory, manager, _referent = territory_team()
        staff = bulk_staff(structure=manager.structure, territory=territory, count=args.staff)
        bulk_people(territory=territory, staff=staff, count=args.people)
        for index in range(60):
            new_applicant(territory, days_ago=index)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(manager.user)
    print(f"{args.staff} staff, {args.people} people")
    print(f"dashboard /equipe/: {median_ms(client, '/equipe/', verbose=args.verbose):.0f} ms")
    print(f"queue /equipe/file/: {median_ms(client, '/equipe/file/', verbose=args.verbose):.0f} ms")


if __name__ == "__main__":
    main()
