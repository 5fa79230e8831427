"""Benchmark of the deadline scan: N open pathways, D reminders due today.

    createdb -h 127.0.0.1 -U postgres parcours_rsa_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_rsa_bench \
    REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/deadline_scan_bench.py --pathways 100000 --due 5000

It migrates the database, empties the people, pathway and notification tables
(it refuses a database whose name does not end in "_bench"), generates the
data in SQL (each pathway with its entry and orientation deadlines and their
reminder rows: about 9 reminders per pathway; past steps already processed),
then runs one full scan, as the beat task does, and prints the wall time,
the number of SQL queries, the number of batches and the process's peak memory (RSS).
The email tasks the scan enqueues are purged from the broker afterwards.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from beneficiaries.models import Beneficiary  # noqa: E402
from caseload.enums import StaffRole, StructureKind  # noqa: E402
from caseload.models import (  # noqa: E402
    Assignment,
    Departement,
    StaffProfile,
    Structure,
    Territory,
)
from core.models import User  # noqa: E402
from pathways.models import (  # noqa: E402
    Deadline,
    DeadlineReminder,
    Notification,
    OutgoingEmail,
    Pathway,
    StageTransition,
)
from pathways.reminders import scan_deadlines  # noqa: E402

TERRITORIES = 10
REFERENTS = 200


def _reset():
    tables = [
        m._meta.db_table
        for m in (
            Notification,
            OutgoingEmail,
            DeadlineReminder,
            Deadline,
            StageTransition,
            Pathway,
            Assignment,
            Beneficiary,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    StaffProfile.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()
    Structure.objects.filter(name="Bench structure").delete()
    Territory.objects.filter(name__startswith="Bench ").delete()
    Departement.objects.filter(code="999").delete()


def _reference_data():
    departement = Departement.objects.create(code="999", name="Bench")
    territories = [
        Territory.objects.create(departement=departement, name=f"Bench {i}")
        for i in range(TERRITORIES)
    ]
    structure = Structure.objects.create(
        departement=departement, name="Bench structure", kind=StructureKind.DEPARTEMENT
    )
    staff = []
    for i in range(REFERENTS + TERRITORIES):
        user = User.objects.create(username=f"bench-{i}", email=f"bench-{i}@example.org")
        role = StaffRole.MANAGER if i >= REFERENTS else StaffRole.SOCIOPRO_REFERENT
        profile = StaffProfile.objects.create(user=user, role=role, structure=structure)
        profile.territories.set([territories[i % TERRITORIES]])
        staff.append(profile)
    return departement, territories, staff[:REFERENTS]


def _generate(pathways, due, departement, territories, referents, today):
    """Pathways 1..due applied 8 days ago (their 7-day reminder is due today);
    the others applied 0 to 6 days ago (nothing due). Steps whose date is past
    are already processed, as after earlier scans."""
    b, p, d, r, a = (
        m._meta.db_table for m in (Beneficiary, Pathway, Deadline, DeadlineReminder, Assignment)
    )
    t0, ref0 = territories[0].pk, referents[0].pk
    with connection.cursor() as cursor:
        # The generated rows need no history (pghistory's triggers would write
        # a copy of each of the ~1.3 million rows): triggers are off while they
        # are written, on again for the scan (superuser only; else kept on).
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            f"""
            INSERT INTO {b} (departement_id, territory_id, caf_number, household_role, nir,
                external_id, civility, last_name, birth_name, first_name, address_line, postcode,
                city, phone, email, france_travail_id, reference_date_source, rsa_application_date,
                known_to_departement, version, updated_at)
            SELECT %s, %s + (i %% {TERRITORIES}), lpad(i::text, 8, '0'), 'demandeur', '', '', '',
                'Nom' || i, '', 'Prenom' || i, '', '', '', '', '', '', '',
                CASE WHEN i <= %s THEN %s::date - 8 ELSE %s::date - (i %% 7) END, false, 1, now()
            FROM generate_series(1, %s) AS i
            """,
            [departement.pk, t0, due, today, today, pathways],
        )
        cursor.execute(
            f"""
            INSERT INTO {p} (beneficiary_id, programme, stage, opened_on, outcome, outcome_detail)
            SELECT id, 'droit_commun', 'pending', rsa_application_date, '', '' FROM {b}
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {a} (beneficiary_id, staff_id, role, programme, reason, end_reason,
                over_cap_reason, end_detail)
            SELECT id, %s + (id %% {REFERENTS}), %s, 'droit_commun', 'bench', '', '', ''
            FROM {b}
            """,
            [ref0, StaffRole.SOCIOPRO_REFERENT],
        )
        cursor.execute(
            f"""
            INSERT INTO {d} (pathway_id, kind, reference_date, due_on)
            SELECT id, 'entry', opened_on, opened_on + 15 FROM {p}
            UNION ALL
            SELECT id, 'orientation', opened_on, opened_on + 42 FROM {p}
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {r} (deadline_id, step, send_on, status, processed_at)
            SELECT d.id, s.step, s.send_on,
                CASE WHEN s.send_on > %s OR (s.step = 'before_7' AND s.send_on = %s)
                     THEN 'pending' ELSE 'skipped' END,
                CASE WHEN s.send_on > %s OR (s.step = 'before_7' AND s.send_on = %s)
                     THEN NULL ELSE now() END
            FROM {d} d
            CROSS JOIN LATERAL (VALUES
                ('unassigned', d.reference_date, d.kind = 'entry'),
                ('before_7', d.due_on - 7, true),
                ('before_3', d.due_on - 3, true),
                ('before_1', d.due_on - 1, true),
                ('escalation', d.due_on + 1, true)
            ) AS s(step, send_on, applies)
            WHERE s.applies
            """,
            [today, today, today, today],
        )
        if superuser:
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pathways", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--batch-size", type=int, default=settings.DEADLINE_SCAN_BATCH_SIZE)
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not str(name).endswith("_bench"):
        sys.exit("Use a PostgreSQL database whose name ends in _bench (it is emptied).")

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    _reset()
    departement, territories, referents = _reference_data()
    _generate(args.pathways, args.due, departement, territories, referents, today)
    generated = time.perf_counter() - started
    due_now = DeadlineReminder.objects.due(today).count()
    reminders = DeadlineReminder.objects.count()

    counter = QueryCounter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = scan_deadlines(today=today, batch_size=args.batch_size)
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    if settings.REDIS_URL:
        # Lazy: the Celery app is needed only when Redis is the broker.
        from config.celery import app

        app.control.purge()  # the email tasks this run enqueued
    print(
        f"open pathways: {args.pathways:,}  reminder rows: {reminders:,}  due: {due_now:,}  "
        f"(generated in {generated:.1f} s)"
    )
    print(
        f"scan: {elapsed:.2f} s, {result.summary}, notifications: {result.notifications:,}, "
        f"batches: {result.batches} of {args.batch_size}, SQL queries: {counter.count} "
        f"({counter.count / max(result.batches, 1):.1f} per batch), "
        f"peak RSS: {rss_after / 1024:.0f} MB (+{(rss_after - rss_before) / 1024:.0f} MB "
        "during the scan)"
    )


if __name__ == "__main__":
    main()
