"""Server time of the manager console at scale: 1,000 staff and 100,000
people in a new territory of a new Département. The rows are committed (the
planner needs statistics, which ANALYZE gathers on committed rows only): run
it on a scratch database, which it empties first (`flush`): it refuses to run
without `--flush-scratch-database`.

    DATABASE_URL=postgres://…/scratch python benchmarks/console_bench.py --flush-scratch-database \
        [--staff 1000] [--people 100000]

Every person has an open pathway with one open deadline; the people of
the first `--gone` staff members (no longer in post) wait in the queue with
the new applicants (about 2,000 at the defaults).

Prints the median time of the dashboard and the queue over 5 requests (after
one warm-up), measured around Django's test client without the test
instrumentation (view, middleware and template rendering; no network), with
their SQL count and weight, and a floor: a trivial view behind the same login
running one indexed query (defined here, not part of the product).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, include, path  # noqa: E402

from beneficiaries.models import Beneficiary  # noqa: E402
from caseload.enums import StaffRole  # noqa: E402
from caseload.models import StaffProfile, Territory  # noqa: E402
from pathways.enums import DeadlineKind, Stage  # noqa: E402
from pathways.models import Deadline, Pathway  # noqa: E402
from tests.caseload.bulk import bulk_people, bulk_staff  # noqa: E402
from tests.caseload.helpers import new_applicant, territory_team  # noqa: E402
from tests.two_factor import mark_verified  # noqa: E402


@login_required
def _floor(request):
    """The floor: one indexed query behind the login."""
    name = Beneficiary.objects.filter(pk=request.GET.get("pk", 1)).values_list(
        "last_name", flat=True
    )
    return HttpResponse(f"<p>{list(name)}</p>")


def _install_floor_view():
    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path("bench-floor/", _floor), path("", include(settings.ROOT_URLCONF))]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def _pathways_for_all(people):
    """An open pathway with one open deadline for everybody (bulk)."""
    today = datetime.date.today()
    stages = [Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT]
    pathways = Pathway.objects.bulk_create(
        [
            Pathway(beneficiary=person, stage=stages[i % 3], opened_on=today)
            for i, person in enumerate(people)
        ],
        batch_size=5000,
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                pathway=pathway,
                kind=DeadlineKind.CONTRACT,
                reference_date=today,
                due_on=today + datetime.timedelta(days=i % 90),
            )
            for i, pathway in enumerate(pathways)
        ],
        batch_size=5000,
    )


def median_ms(client, url, runs=5, verbose=False):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    print(
        f"{url}: {len(queries.captured_queries)} SQL, {len(response.content) / 1024:.0f} KB",
    )
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
    parser.add_argument("--gone", type=int, default=20, help="staff no longer in post")
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="time the pages on the data a previous run left (no flush, no new rows)",
    )
    parser.add_argument("--verbose", action="store_true", help="print the slowest queries")
    parser.add_argument("--flush-scratch-database", action="store_true", required=True)
    args = parser.parse_args()
    # No setup_test_environment(): its template instrumentation (a copy of
    # every context) would be counted as server time.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if args.reuse_data:
        territory = (
            Territory.objects.annotate(n=Count("beneficiaries")).order_by("-n", "pk").first()
        )
        manager = StaffProfile.objects.filter(role=StaffRole.MANAGER, territories=territory).first()
        people = list(Beneficiary.objects.filter(territory=territory).order_by("pk")[:1])
    else:
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            territory, manager, _referent = territory_team()
            staff = bulk_staff(structure=manager.structure, territory=territory, count=args.staff)
            people = bulk_people(territory=territory, staff=staff, count=args.people)
            _pathways_for_all(people)
            StaffProfile.objects.filter(pk__in=[s.pk for s in staff[: args.gone]]).update(
                is_active=False
            )
            for index in range(60):
                new_applicant(territory, days_ago=index)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _install_floor_view()
    client = Client()
    client.force_login(manager.user)
    # The manager's second factor, as after a code typed at login.
    mark_verified(client, manager.user)
    print(f"{args.staff} staff, {args.people} people")
    floor = median_ms(client, f"/bench-floor/?pk={people[0].pk}", verbose=args.verbose)
    print(f"floor (one indexed query behind the login): {floor:.1f} ms")
    print(f"dashboard /equipe/: {median_ms(client, '/equipe/', verbose=args.verbose):.0f} ms")
    queue = median_ms(client, "/equipe/file/", verbose=args.verbose)
    print(f"queue /equipe/file/: {queue:.0f} ms ({queue / floor:.1f}× the floor)")


if __name__ == "__main__":
    main()
