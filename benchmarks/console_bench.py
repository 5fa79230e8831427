"""Server time of the manager console at scale: 1,000 staff and 100,000
people in a new territory of a new Département. The rows are committed (the
planner needs statistics, which ANALYZE gathers on committed rows only): run
it on a scratch database, which it empties first (`flush`): it refuses to run
without `--flush-scratch-database`.

    DATABASE_URL=postgres://…/scratch python benchmarks/console_bench.py --flush-scratch-database \
        [--staff 1000] [--people 100000]

Prints the median time of the dashboard and the queue over 5 requests (after
one warm-up), measured around Django's test client without the test
instrumentation (view, middleware and template rendering; no network), with
their SQL query counts. The floor is a bare view timed the same way behind
the same login and middleware, running one indexed query (it lives in this
script's own URLconf, not in the product); each page's time is also given as
a multiple of it.
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
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import include, path  # noqa: E402

from beneficiaries.models import Beneficiary  # noqa: E402
from caseload.enums import StaffRole  # noqa: E402
from caseload.models import StaffProfile  # noqa: E402
from tests.caseload.bulk import bulk_people, bulk_staff  # noqa: E402
from tests.caseload.helpers import new_applicant, territory_team  # noqa: E402
from tests.two_factor import mark_verified  # noqa: E402

FLOOR_URL = "/bench-floor/"


def floor_view(request):
    """The framework's floor: the same login and middleware, one indexed query."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    staff_id = StaffProfile.objects.filter(user_id=request.user.pk).values_list("pk").first()
    return HttpResponse(f"<p>{staff_id}</p>")


# This script's URLconf: the product's, plus the floor.
urlpatterns = [path(FLOOR_URL.strip("/") + "/", floor_view), path("", include("config.urls"))]


def sql_of(client, url, verbose=False):
    """The SQL queries of one request (a warm-up), the slowest printed."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if verbose:
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"  {float(query['time']) * 1000:.0f} ms  {query['sql'][:200]}")
    return len(queries.captured_queries)


def median_ms(client, urls, runs=5):
    """{url: median ms}, the URLs requested in turn, round after round, so
    that a change of the machine's load weighs on each alike."""
    times = {url: [] for url in urls}
    for _ in range(runs):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            times[url].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return {url: statistics.median(values) for url, values in times.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="print the slowest queries")
    data = parser.add_mutually_exclusive_group(required=True)
    data.add_argument("--flush-scratch-database", action="store_true")
    data.add_argument(
        "--reuse-scratch-data",
        action="store_true",
        help="measure again on the data a previous run left (e.g. after a migration)",
    )
    args = parser.parse_args()
    # No setup_test_environment(): its template instrumentation (a copy of
    # every context) would be counted as server time.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = __name__
    if args.reuse_scratch_data:
        manager = StaffProfile.objects.select_related("user").get(role=StaffRole.MANAGER)
        args.staff = StaffProfile.objects.count() - 2
        args.people = Beneficiary.objects.count() - 60
    else:
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
    # A manager proves a second factor: mark the session verified, as the
    # code typed after the password would (the device is read on each request).
    mark_verified(client, manager.user)
    print(f"{args.staff} staff, {args.people} people")
    pages = (("dashboard", "/equipe/"), ("queue", "/equipe/file/"))
    counts = {
        url: sql_of(client, url, verbose=args.verbose)
        for url in [FLOOR_URL] + [u for _l, u in pages]
    }
    ms = median_ms(client, [FLOOR_URL] + [url for _label, url in pages], runs=args.runs)
    floor = ms[FLOOR_URL]
    print(f"floor (bare view, one indexed query): {floor:.1f} ms, {counts[FLOOR_URL]} SQL")
    for label, url in pages:
        print(
            f"{label} {url}: {ms[url]:.0f} ms, {counts[url]} SQL, {ms[url] / floor:.1f}× the floor"
        )


if __name__ == "__main__":
    main()
