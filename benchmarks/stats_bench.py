"""Server time of the statistics dashboard at 100,000 people, and the memory
of a 100,000-row export.

Usage (a dedicated PostgreSQL database, created, migrated and filled with
`pages_bench`'s dataset if needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_stats_bench \\
        .venv/bin/python benchmarks/stats_bench.py [--people 100000] [--runs 5]

To `pages_bench`'s dataset (one Département, 4 territories, ~700 referents,
every person with a pathway, deadlines, interviews, barriers…) this adds, once,
the appointments: two thirds of the people have a first appointment 2 to 25
days after their reference date, convoked by SMS (90 % sent, of which 80 %
delivered, 8 % not delivered) and letter; those past are recorded (70 % seen,
20 % no-show, 10 % excused); one in ten has a second appointment, and those
with two no-shows are flagged. A third of the referents belong to a second
structure (the structure filter).

The dashboard (every figure, the forecast and its back-test) is requested
through Django's test client for a manager (one territory of four) and for the
whole Département, over the last twelve months, after a warm-up: computed
live, with the structure filter, and reading the night's snapshots (computed
once here, timed). The median, the 95th percentile and the number of SQL
queries are printed. Then a 100,000-row table is exported as CSV (streamed)
and XLSX, each in its own process, and their peak memory (VmHWM) printed
against a 1,000-row export.
"""

import argparse
import datetime
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_stats_bench")

from benchmarks.pages_bench import ensure_database, measure, seed  # noqa: E402

BATCH = 5000


def seed_appointments():
    """The appointments, messages and flags of the benchmark (see the
    module's docstring), generated once with bulk_create."""
    from django.db import connection, transaction
    from django.utils import timezone

    from appointments.enums import (
        AppointmentStatus,
        Attendance,
        Channel,
        DeliveryStatus,
        MessageKind,
        MessageStatus,
        PlaceKind,
    )
    from appointments.models import Appointment, Message, NoShowFlag, Place, Slot
    from caseload.enums import StaffRole, StructureKind
    from caseload.models import Assignment, StaffProfile, Structure, Territory
    from pathways.models import Deadline

    if Appointment.objects.exists():
        print(f"Rendez-vous déjà présents : {Appointment.objects.count()}.")
        return
    rng = random.Random(14)
    started = time.perf_counter()
    now = timezone.now()
    paris = timezone.get_current_timezone()
    with transaction.atomic():
        first = Structure.objects.order_by("pk").first()
        partner = Structure.objects.create(
            departement_id=first.departement_id,
            name="Association partenaire",
            kind=StructureKind.PARTNER,
        )
        referents = list(
            StaffProfile.objects.filter(role__in=StaffRole.referent_roles()).order_by("pk")
        )
        StaffProfile.objects.filter(pk__in=[s.pk for s in referents[::3]]).update(structure=partner)
        places = {
            t.pk: Place.objects.create(
                territory=t,
                kind=PlaceKind.STRUCTURE,
                name=f"MDD {t.name}",
                address_line="1 rue du Département",
                postcode="45000",
                city="Orléans",
            )
            for t in Territory.objects.filter(departement_id=first.departement_id)
        }
        staff_of = dict(
            Assignment.objects.filter(ended_at__isnull=True).values_list(
                "beneficiary_id", "staff_id"
            )
        )
        entries = list(
            Deadline.objects.filter(kind="entry")
            .values_list(
                "pathway__beneficiary_id", "pathway__beneficiary__territory_id", "reference_date"
            )
            .order_by("pk")
        )
        flagged = []
        for start in range(0, len(entries), BATCH):
            slots, appointments, messages = [], [], []
            for index, (person, territory, reference) in enumerate(
                entries[start : start + BATCH], start
            ):
                if index % 3 == 0:
                    continue
                visits = 2 if index % 10 == 1 else 1
                for n in range(visits):
                    day = reference + datetime.timedelta(days=rng.randint(2, 25) + 21 * n)
                    starts_at = datetime.datetime.combine(day, datetime.time(9, 30), paris)
                    past = starts_at < now
                    roll = rng.random()
                    attendance = (
                        ""
                        if not past
                        else Attendance.SEEN
                        if roll < 0.7
                        else Attendance.NO_SHOW
                        if roll < 0.9
                        else Attendance.EXCUSED
                    )
                    slots.append(
                        Slot(
                            referent_id=staff_of[person],
                            place=places[territory],
                            starts_at=starts_at,
                            ends_at=starts_at + datetime.timedelta(minutes=45),
                            booked_count=1,
                        )
                    )
                    appointments.append(
                        Appointment(
                            beneficiary_id=person,
                            status=AppointmentStatus.RECORDED if past else AppointmentStatus.BOOKED,
                            attendance=attendance,
                            attendance_recorded_at=starts_at if past else None,
                            created_at=starts_at - datetime.timedelta(days=5),
                        )
                    )
            Slot.objects.bulk_create(slots)
            for slot, appointment in zip(slots, appointments, strict=True):
                appointment.slot = slot
            Appointment.objects.bulk_create(appointments)
            previous = {}
            for appointment in appointments:
                written = appointment.created_at
                sms = rng.random()
                sent = sms < 0.9
                receipt = rng.random()
                messages.append(
                    Message(
                        beneficiary_id=appointment.beneficiary_id,
                        appointment=appointment,
                        kind=MessageKind.CONVOCATION,
                        channel=Channel.SMS,
                        status=MessageStatus.SENT if sent else MessageStatus.SKIPPED,
                        skip_reason="" if sent else "Pas de téléphone mobile",
                        delivery_status=(
                            DeliveryStatus.UNKNOWN
                            if not sent
                            else DeliveryStatus.DELIVERED
                            if receipt < 0.8
                            else DeliveryStatus.UNDELIVERED
                            if receipt < 0.88
                            else DeliveryStatus.ACCEPTED
                        ),
                        idempotency_key=f"convocation:{appointment.pk}:{appointment.slot_id}:sms",
                        created_at=written,
                        sent_at=written if sent else None,
                    )
                )
                messages.append(
                    Message(
                        beneficiary_id=appointment.beneficiary_id,
                        appointment=appointment,
                        kind=MessageKind.CONVOCATION,
                        channel=Channel.LETTER,
                        status=MessageStatus.SENT,
                        delivery_status=DeliveryStatus.TO_PRINT,
                        idempotency_key=f"convocation:{appointment.pk}:{appointment.slot_id}:letter",
                        created_at=written,
                        sent_at=written,
                    )
                )
                twice = previous.get(appointment.beneficiary_id) == Attendance.NO_SHOW
                if appointment.attendance == Attendance.NO_SHOW and twice:
                    flagged.append(
                        NoShowFlag(
                            beneficiary_id=appointment.beneficiary_id,
                            raised_at=appointment.slot.starts_at,
                        )
                    )
                previous[appointment.beneficiary_id] = appointment.attendance
            Message.objects.bulk_create(messages)
            print(
                f"{min(start + BATCH, len(entries))} parcours, rendez-vous : "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
        NoShowFlag.objects.bulk_create(flagged)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Rendez-vous créés en {time.perf_counter() - started:.0f} s : "
        f"{Appointment.objects.count():,} rendez-vous, {Message.objects.count():,} messages, "
        f"{NoShowFlag.objects.count():,} signalements"
    )


EXPORT_CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
import django
django.setup()
from stats.exports import table_csv, table_xlsx
from stats.tables import Table

def rows(n):
    for i in range(n):
        yield ["Personne %d" % i, i % 7, i % 3, "Droit commun", "=SOMME(A1)" if i % 1000 == 0 else "", 12.5]

def high_water_kb():
    # VmHWM: this process's peak resident memory (ru_maxrss would carry the
    # parent's over the exec).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

fmt, n = sys.argv[1], int(sys.argv[2])
before = high_water_kb()
table = Table(key="bench", title="Banc d'essai", columns=list("abcdef"), rows=rows(n),
              count_columns=(1, 2))
started = time.perf_counter()
size = 0
if fmt == "csv":
    for chunk in table_csv(table, small_counts_hidden=True):
        size += len(chunk.encode())
else:
    size = len(table_xlsx(table, small_counts_hidden=True))
elapsed = time.perf_counter() - started
peak = high_water_kb()
print(fmt, n, f"{{elapsed:.1f}}", f"{{before / 1024:.0f}}", f"{{peak / 1024:.0f}}", f"{{size / 1e6:.1f}}")
"""


def export_memory():
    """[(format, rows, seconds, RSS before MB, peak RSS MB, size MB)]: each
    export in a fresh process, rows generated lazily (as a queryset
    iterator would give them)."""
    root = str(Path(__file__).resolve().parent.parent)
    results = []
    for fmt in ("csv", "xlsx"):
        for rows in (1_000, 100_000):
            out = subprocess.run(
                [sys.executable, "-c", EXPORT_CHILD.format(root=root), fmt, str(rows)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            results.append(out)
    return results


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
    seed_appointments()
    # The database as autovacuum keeps it in production (it may be off on a
    # development machine): planner statistics and the visibility map, without
    # which the figures read heap pages instead of index-only scans.
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE) en {time.perf_counter() - started:.0f} s", flush=True)

    from django.test import Client

    from beneficiaries.models import Beneficiary
    from caseload.enums import StaffRole
    from caseload.models import StaffProfile, Structure
    from stats.models import Snapshot
    from stats.snapshots import precompute
    from tests.caseload.factories import StaffProfileFactory
    from tests.two_factor import mark_verified

    def logged_in(staff):
        """A client of the staff member, their second factor verified."""
        client = Client()
        client.force_login(staff.user)
        mark_verified(client, staff.user)
        return client

    manager = StaffProfile.objects.filter(role=StaffRole.MANAGER).order_by("pk").first()
    admin = StaffProfile.objects.filter(role=StaffRole.ADMIN).order_by("pk").first()
    if admin is None:
        admin = StaffProfileFactory(
            role=StaffRole.ADMIN,
            structure=Structure.objects.order_by("pk").first(),
            territories=[],
        )
    partner = Structure.objects.get(name="Association partenaire")
    Snapshot.objects.all().delete()
    pages = [
        ("chef de service (1 territoire)", manager, "/statistiques/"),
        ("admin (Département)", admin, "/statistiques/"),
        ("admin, filtre structure", admin, f"/statistiques/?structure={partner.pk}"),
    ]
    rows = []
    for label, staff, url in pages:
        client = logged_in(staff)
        rows.append((label + ", calcul direct", *measure(client, url, args.runs)))
    started = time.perf_counter()
    written = precompute()
    night = time.perf_counter() - started
    for label, staff, url in pages[:2]:
        client = logged_in(staff)
        rows.append((label + ", calcul de la nuit", *measure(client, url, args.runs)))
    load = os.getloadavg()[0]
    print(
        f"\n{Beneficiary.objects.count():,} personnes, {args.runs} requêtes par page, "
        f"charge de la machine {load:.1f} pour {os.cpu_count()} cœurs\n"
    )
    print("| tableau de bord | médiane | 95e centile | CPU Python (médiane) | requêtes SQL |")
    print("| --- | --- | --- | --- | --- |")
    for label, median, p95, cpu, queries, *_sizes in rows:
        print(f"| {label} | {median:.0f} ms | {p95:.0f} ms | {cpu:.0f} ms | {queries} |")
    print(f"\nCalcul de la nuit : {written} instantanés en {night:.1f} s")
    print(f"Mémoire maximale de ce processus : {resource.getrusage(0).ru_maxrss / 1024:.0f} Mo")

    print("\n| export | lignes | durée | RSS au départ | RSS maximale | taille |")
    print("| --- | --- | --- | --- | --- | --- |")
    for fmt, count, seconds, before, peak, size in export_memory():
        print(f"| {fmt} | {int(count):,} | {seconds} s | {before} Mo | {peak} Mo | {size} Mo |")


if __name__ == "__main__":
    main()
