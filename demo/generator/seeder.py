"""The entry point: `seed_demo()` and the `Seeder` running the three passes
(plan, staff, rows) in one transaction."""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from faker import Faker

from caseload.models import Binome
from demo.generator.appointments import AppointmentsMixin
from demo.generator.helpers import days, thousands
from demo.generator.logins import ensure_demo_second_factor
from demo.generator.people import PersonBuilder
from demo.generator.plan import plan_people
from demo.generator.reference import PEOPLE_PER_SHAPE, ReferenceDataMixin, geography
from demo.generator.staff import StaffMixin
from demo.generator.writer import ChunkWriter, IdBlocks, Rows
from pathways.deadlines import due_date

DEFAULT_BENEFICIARIES = 600
MIN_BENEFICIARIES = 40
CHUNK_SIZE = 2500  # people generated and written at a time (bounded memory)


class Seeder(ReferenceDataMixin, StaffMixin, AppointmentsMixin):
    """Builds the dataset. One instance per run; see the `demo` docstring."""

    def __init__(self, *, seed, today, geography, progress=None):
        self.geography = geography
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.today = today
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.progress = progress or (lambda message: None)
        self.usernames = set()
        self.pools = {}  # (territory key, pool key) -> Pool
        self.managers = {}  # territory key -> [Staff]
        self.nurses = {}  # territory key -> Staff
        self.staff_count = 0
        self.demo_user_ids = []
        self.caf_numbers = {code: set() for code, *_ in geography.departements}
        self.nirs = {code: set() for code, *_ in geography.departements}
        self.due_cache = {}
        self.counts = Counter()
        self.ids = IdBlocks()

    # -- dates

    def at(self, day, hour, minute=0):
        return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def due(self, code, kind, reference):
        """The due date under the Département's deadline policy (cached: few
        distinct reference days)."""
        key = (code, kind, reference)
        if key not in self.due_cache:
            self.due_cache[key] = due_date(kind, reference, self.policies[code])
        return self.due_cache[key]

    def between(self, start, end):
        """A random day from start to end (both included; start when end < start)."""
        span = (end - start).days
        return start if span <= 0 else start + days(self.rng.randint(0, span))

    # -- people

    def write_people(self, people):
        """Generate and write the people chunk by chunk."""
        started = time.monotonic()
        with ChunkWriter() as writer:
            for offset in range(0, len(people), CHUNK_SIZE):
                chunk = people[offset : offset + CHUNK_SIZE]
                rows = Rows(self.ids)
                for index, person in enumerate(chunk, start=offset):
                    PersonBuilder(self, person, index, people, rows).build()
                writer.write(rows)
                self.counts.update(rows.counts())
                if len(people) > CHUNK_SIZE:
                    done, total = thousands(offset + len(chunk)), thousands(len(people))
                    seconds = time.monotonic() - started
                    self.progress(f"  {done:>7} / {total} personnes ({seconds:.0f} s)")


# --- Entry point ---------------------------------------------------------------------


@dataclass
class SeedResult:
    beneficiaries: int
    staff: int
    binomes: int
    seconds: float
    counts: Counter


def seed_demo(
    *,
    beneficiaries=DEFAULT_BENEFICIARIES,
    seed=1,
    today=None,
    progress=None,
    people_per_shape=PEOPLE_PER_SHAPE,
):
    """Create the whole dataset in one transaction. `today` is the reference day
    every date is computed from (default: today's date); `people_per_shape`:
    how many people make three more Départements (see `reference.geography`)."""
    if beneficiaries < MIN_BENEFICIARIES:
        raise ValueError(f"Il faut au moins {MIN_BENEFICIARIES} bénéficiaires.")
    started = time.monotonic()
    seeder = Seeder(
        seed=seed,
        today=today or timezone.localdate(),
        geography=geography(beneficiaries, people_per_shape),
        progress=progress,
    )
    with transaction.atomic():
        seeder.create_reference_data()
        people = plan_people(seeder.rng, beneficiaries, seeder.geography.territories)
        seeder.create_staff(people)
        ensure_demo_second_factor()
        seeder.assign_followers(people)
        seeder.progress(
            f"  {thousands(seeder.staff_count)} professionnels créés "
            f"({time.monotonic() - started:.0f} s)"
        )
        seeder.write_people(people)
        seeder.create_appointments()
    return SeedResult(
        beneficiaries=len(people),
        staff=seeder.staff_count,
        binomes=Binome.objects.count(),
        seconds=time.monotonic() - started,
        counts=seeder.counts,
    )
