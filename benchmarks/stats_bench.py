"""Server time of the statistics dashboard at 100,000 people.

Usage (a dedicated PostgreSQL database, created, migrated and filled with
`pages_bench`'s dataset if needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_stats_bench \\
        .venv/bin/python benchmarks/stats_bench.py [--people 100000] [--runs 5]

The dashboard (every figure, the forecast and its back-test) is requested
through Django's test client for a manager (one territory of four) and for the
whole Département, over the last twelve months, after a warm-up; the median,
the 95th percentile and the number of SQL queries are printed.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_stats_bench")

from benchmarks.pages_bench import ensure_database, measure, seed  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.people)

    from django.test import Client

    from beneficiaries.models import Beneficiary
    from caseload.enums import StaffRole
    from caseload.models import StaffProfile, Structure
    from tests.caseload.factories import StaffProfileFactory

    manager = StaffProfile.objects.filter(role=StaffRole.MANAGER).order_by("pk").first()
    admin = StaffProfile.objects.filter(role=StaffRole.ADMIN).order_by("pk").first()
    if admin is None:
        admin = StaffProfileFactory(
            role=StaffRole.ADMIN,
            structure=Structure.objects.order_by("pk").first(),
            territories=[],
        )
    rows = []
    for label, staff in [
        ("chef de service (1 territoire)", manager),
        ("admin (Département)", admin),
    ]:
        client = Client()
        client.force_login(staff.user)
        median, p95, cpu, queries = measure(client, "/statistiques/", args.runs)
        rows.append((label, median, p95, cpu, queries))
    load = os.getloadavg()[0]
    print(
        f"\n{Beneficiary.objects.count():,} personnes, {args.runs} requêtes par page, "
        f"charge de la machine {load:.1f} pour {os.cpu_count()} cœurs\n"
    )
    print("| tableau de bord | médiane | 95e centile | CPU Python (médiane) | requêtes SQL |")
    print("| --- | --- | --- | --- | --- |")
    for label, median, p95, cpu, queries in rows:
        print(f"| {label} | {median:.0f} ms | {p95:.0f} ms | {cpu:.0f} ms | {queries} |")


if __name__ == "__main__":
    main()
