"""Server time of the portfolio and the person's record at 100,000 people.

Usage (a dedicated PostgreSQL database, created and migrated if needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_rsa_pages \\
        .venv/bin/python benchmarks/pages_bench.py [--people 100000] [--runs 30]

The data is generated here with bulk_create (one Département, 4 territories,
40 communes, ~700 referents of ~140 people each, a manager per territory, every
person with a pathway, its deadlines, transitions, barriers, prescriptions and
about 3 interviews; one person has 60 interviews). It is generated once, in
committed batches (an interrupted seed resumes): a second run reuses it. Each
page is requested through Django's test client (the whole server side:
middleware, views, queries, templates, the access-log write), after a warm-up,
and the median and 95th percentile are printed, with the page's size as sent
and gzipped, and its ratio to the floor: a bare view with one indexed query
behind the same middleware and login (registered by this script's own
URLconf, not a page of the product). Managers' sessions are marked verified
(second factor). `--only TEXT` times only the pages whose label has TEXT.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_rsa_pages")

BATCH = 5000


def ensure_database():
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    params = {
        k: v
        for k, v in {
            "host": settings.DATABASES["default"].get("HOST") or None,
            "port": settings.DATABASES["default"].get("PORT") or None,
            "user": settings.DATABASES["default"].get("USER") or None,
            "password": settings.DATABASES["default"].get("PASSWORD") or None,
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(people):
    """The benchmark's dataset, in one linear script read top to bottom (a
    Département, its staff, `people` people and their follow-up); kept whole
    so that the figures the README states can be traced to one place.

    Django is imported here: the module sets the settings before the first
    Django import (see the top of the file)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    # Project imports must be lazy here: Django is set up at run time (the
    # database name and settings come from the command line).
    from beneficiaries.models import Barrier, Beneficiary
    from caseload.enums import Programme, StaffRole, StructureKind
    from caseload.models import Assignment, Commune, Departement, StaffProfile, Structure, Territory
    from core.models import User
    from pathways.deadlines import due_date
    from pathways.enums import DeadlineKind, InterviewKind, InterviewStatus, Stage
    from pathways.models import (
        Deadline,
        Interview,
        Pathway,
        Prescription,
        ServiceOffer,
        StageTransition,
    )

    if Interview.objects.filter(notes="Entretien.").count() >= 60:
        print(f"Données déjà présentes : {Beneficiary.objects.count()} personnes.")
        return
    from django.db import connection

    # The seed is committed batch by batch (an interrupted seed resumes where
    # it stopped) and writes with the triggers off (history rows, foreign-key
    # checks): the pages read none of the history, and the rows are
    # consistent by construction.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    rng = random.Random(42)
    today = datetime.date.today()
    started = time.perf_counter()
    dep = Departement.objects.filter(code="45").first()
    referent_count = max(1, people // 140)
    roles = [StaffRole.SOCIAL_WORKER, StaffRole.SOCIOPRO_REFERENT, StaffRole.PE_ADVISOR]
    if dep is None:
        with transaction.atomic():
            dep = Departement.objects.create(code="45", name="Loiret (banc d'essai)")
            territories = [
                Territory.objects.create(departement=dep, name=f"Territoire {i}") for i in range(4)
            ]
            Commune.objects.bulk_create(
                Commune(
                    insee_code=f"45{i:03d}",
                    name=f"{rng.choice(['Saint', 'Mont', 'Beau', 'Ville'])}-Commune-{i}",
                    postcode=f"45{i:03d}",
                    territory=territories[i % 4],
                )
                for i in range(40)
            )
            structure = Structure.objects.create(
                departement=dep, name="Service insertion", kind=StructureKind.DEPARTEMENT
            )
            password = make_password("banc-d-essai-123")
            users = User.objects.bulk_create(
                User(username=f"bench{i}", first_name="Réf", last_name=f"N{i}", password=password)
                for i in range(referent_count + 4)
            )
            staff = StaffProfile.objects.bulk_create(
                StaffProfile(
                    user=users[i],
                    role=roles[i % 3] if i < referent_count else StaffRole.MANAGER,
                    structure=structure,
                )
                for i in range(referent_count + 4)
            )
            through = StaffProfile.territories.through
            through.objects.bulk_create(
                through(
                    staffprofile_id=s.pk,
                    territory_id=territories[(i if i >= referent_count else i % 4) % 4].pk,
                )
                for i, s in enumerate(staff)
            )
            ServiceOffer.objects.bulk_create(
                ServiceOffer(
                    departement=dep,
                    title=f"Action {i}",
                    theme="cv_workshop",
                    provider="Département",
                    territory=territories[i % 4] if i % 5 else None,
                    default_hours_per_week=Decimal("4"),
                )
                for i in range(60)
            )
        print(f"Référentiel : {time.perf_counter() - started:.1f} s")
    territories = list(Territory.objects.filter(departement=dep).order_by("pk"))
    communes = list(Commune.objects.filter(territory__departement=dep).order_by("insee_code"))
    users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
    staff = list(StaffProfile.objects.filter(structure__departement=dep).order_by("pk"))
    offers = list(ServiceOffer.objects.filter(departement=dep).order_by("pk"))
    done = Beneficiary.objects.filter(departement=dep).count()
    last_names = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT"]
    first_names = ["Awa", "Inès", "Karim", "Lucas", "Emma", "Hugo", "Léa", "Nour"]
    # A batch is written whole or not at all: resume after the last one.
    for start in range(done - done % BATCH, people, BATCH):
        size = min(BATCH, people - start)
        with transaction.atomic():
            rows = []
            for j in range(start, start + size):
                commune = communes[j % 40]
                applied = today - datetime.timedelta(days=rng.randint(0, 400))
                rows.append(
                    Beneficiary(
                        departement=dep,
                        territory_id=commune.territory_id,
                        commune=commune,
                        caf_number=f"{1000000 + j}",
                        household_role="demandeur",
                        last_name=f"{rng.choice(last_names)}{j % 997}",
                        first_name=rng.choice(first_names),
                        rsa_application_date=applied,
                        last_contact_at=None,
                    )
                )
            people_rows = Beneficiary.objects.bulk_create(rows)
            Assignment.objects.bulk_create(
                Assignment(
                    beneficiary=p,
                    staff=staff[(start + k) % referent_count],
                    programme=Programme.DROIT_COMMUN,
                )
                for k, p in enumerate(people_rows)
            )
            stages = [Stage.PENDING, Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT]
            pathways = Pathway.objects.bulk_create(
                Pathway(
                    beneficiary=p,
                    stage=stages[k % 4],
                    opened_on=p.rsa_application_date,
                    entered_on=(
                        p.rsa_application_date + datetime.timedelta(days=7) if k % 4 else None
                    ),
                )
                for k, p in enumerate(people_rows)
            )
            StageTransition.objects.bulk_create(
                StageTransition(
                    pathway=pw, from_stage="", to_stage=Stage.PENDING, reason="Ouverture"
                )
                for pw in pathways
            )
            deadlines = []
            for pw in pathways:
                for kind in (DeadlineKind.ENTRY, DeadlineKind.ORIENTATION):
                    met = pw.entered_on if (kind == DeadlineKind.ENTRY and pw.entered_on) else None
                    deadlines.append(
                        Deadline(
                            pathway=pw,
                            kind=kind,
                            reference_date=pw.opened_on,
                            due_on=due_date(kind, pw.opened_on),
                            met_on=met,
                        )
                    )
            Deadline.objects.bulk_create(deadlines)
            interviews = []
            for k, p in enumerate(people_rows):
                if k % 4 == 0:
                    continue
                for n in range(rng.randint(1, 5)):
                    interviews.append(
                        Interview(
                            beneficiary=p,
                            pathway=pathways[k],
                            occurred_on=min(
                                today, p.rsa_application_date + datetime.timedelta(days=7 + 30 * n)
                            ),
                            kind=InterviewKind.INDIVIDUAL,
                            status=InterviewStatus.HELD,
                            notes="Entretien de suivi.",
                            author_id=users[(start + k) % referent_count].pk,
                        )
                    )
            Interview.objects.bulk_create(interviews, batch_size=BATCH)
            Barrier.objects.bulk_create(
                Barrier(
                    beneficiary=p,
                    kind=["mobility", "housing", "childcare", "health"][k % 4],
                    identified_on=p.rsa_application_date,
                )
                for k, p in enumerate(people_rows)
                if k % 2
            )
            Prescription.objects.bulk_create(
                Prescription(
                    beneficiary=p,
                    pathway=pathways[k],
                    offer=offers[k % len(offers)],
                    hours_per_week=Decimal("6"),
                    prescribed_on=today,
                )
                for k, p in enumerate(people_rows)
                if k % 3 == 0
            )
            print(f"{start + size} personnes : {time.perf_counter() - started:.1f} s", flush=True)
    heavy = Beneficiary.objects.order_by("pk").first()
    Interview.objects.bulk_create(
        Interview(
            beneficiary=heavy,
            occurred_on=today - datetime.timedelta(days=n),
            kind=InterviewKind.INDIVIDUAL,
            notes="Entretien.",
            author_id=users[0].pk,
        )
        for n in range(60)
    )
    from pathways.services.deadlines import next_deadline_refresh

    next_deadline_refresh(beneficiary_ids=Beneficiary.objects.values("pk"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET session_replication_role = origin")
    print(f"Données créées en {time.perf_counter() - started:.0f} s")


def measure(client, url, runs):
    """(median ms, 95th percentile ms, median Python CPU ms, SQL queries, KB
    sent as is, KB sent gzipped) of one page."""
    from django.db import connection

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        plain = client.get(url)
    gzipped = client.get(url, headers={"accept-encoding": "gzip"})
    timings.sort()
    return (
        statistics.median(timings),
        timings[int(len(timings) * 0.95) - 1],
        statistics.median(cpu),
        len(queries),
        len(plain.content) / 1024,
        len(gzipped.content) / 1024,
    )


def floor(request):
    """The framework's floor: a bare view behind the same middleware and
    login, with one indexed query and no template."""
    from django.http import HttpResponse

    from beneficiaries.models import Beneficiary

    return HttpResponse(str(Beneficiary.objects.filter(pk=1).values_list("pk").first()))


def bench_urlpatterns():
    """The product's URLs plus the floor, for this process only (the floor is
    not a page of the product)."""
    from django.urls import include, path

    return [path("banc/plancher/", floor), path("", include("config.urls"))]


urlpatterns = []


def verified_client(staff):
    """A client logged in as `staff`, its session marked verified with a
    TOTP device (managers must prove a second factor)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(staff.user)
    device = TOTPDevice.objects.filter(user=staff.user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=staff.user, name="banc", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", default="", help="pages whose label contains this text")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.people)

    # The floor's URL, for this process only.
    urlpatterns.extend(bench_urlpatterns())
    settings.ROOT_URLCONF = __name__
    from django.urls import clear_url_caches

    clear_url_caches()

    # Project imports must be lazy here: Django is set up at run time (the
    # database name and settings come from the command line).
    from beneficiaries.models import Beneficiary
    from caseload.enums import StaffRole
    from caseload.models import StaffProfile

    referent = StaffProfile.objects.filter(role=StaffRole.SOCIAL_WORKER).order_by("pk").first()
    manager = StaffProfile.objects.filter(role=StaffRole.MANAGER).order_by("pk").first()
    heavy = Beneficiary.objects.order_by("pk").first()
    typical = Beneficiary.objects.followed_by(referent).order_by("pk")[5]

    pages = []
    for label, staff, url in [
        ("plancher (référent)", referent, "/banc/plancher/"),
        ("plancher (chef de service)", manager, "/banc/plancher/"),
        ("portefeuille d'un référent", referent, "/portefeuille/"),
        ("portefeuille, recherche par nom", referent, "/portefeuille/?q=mar"),
        (
            "portefeuille, filtres (étape, dispositif, délai)",
            referent,
            "/portefeuille/?stage=sociopro&programme=droit_commun&deadline=entry_met",
        ),
        (
            "portefeuille, sans entretien depuis 30 jours",
            referent,
            "/portefeuille/?no_interview_days=30",
        ),
        ("personnes d'un territoire (chef de service)", manager, "/portefeuille/"),
        (
            "territoire, recherche par nom (chef de service)",
            manager,
            "/portefeuille/?q=martin1",
        ),
        ("fiche d'une personne (≈ 3 entretiens)", referent, typical.get_absolute_url()),
        ("fiche d'une personne (62 entretiens)", referent, heavy.get_absolute_url()),
        ("file d'attente (chef de service)", manager, "/equipe/file/"),
        ("délais dépassés (chef de service)", manager, "/delais/depasses/"),
    ]:
        if args.only and args.only not in label and "plancher" not in label:
            continue
        client = verified_client(staff)
        pages.append((label, staff, *measure(client, url, args.runs)))

    floors = {staff.pk: median for label, staff, median, *_rest in pages if "plancher" in label}
    load = os.getloadavg()[0]
    print(
        f"\n{Beneficiary.objects.count():,} personnes, {args.runs} requêtes par page, "
        f"charge de la machine {load:.1f} pour {os.cpu_count()} cœurs\n"
    )
    print(
        "| page | médiane | × plancher | 95e centile | CPU Python (médiane) | requêtes SQL "
        "| HTML | gzip |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, staff, median, p95, cpu, queries, size, zipped in pages:
        ratio = median / floors[staff.pk]
        print(
            f"| {label} | {median:.0f} ms | {ratio:.1f} | {p95:.0f} ms | {cpu:.0f} ms "
            f"| {queries} | {size:.0f} Ko | {zipped:.0f} Ko |"
        )


if __name__ == "__main__":
    main()
