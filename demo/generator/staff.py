"""Staff: referents, binômes and their pools, filled to a share of their caps."""

import itertools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from caseload.enums import StaffRole
from caseload.models import DEFAULT_CAPS, Binome
from caseload.selectors import effective_cap
from caseload.services import staff_create
from core.bulk import BATCH_SIZE
from core.models import User
from demo.generator.helpers import ascii_slug, days
from demo.generator.logins import DEMO_PASSWORD, DEMO_USERNAME
from demo.generator.plan import pool_key
from demo.generator.reference import AG, DC, DEMO_TERRITORY, FTR
from pathways.enums import Stage


@dataclass(eq=False)
class Staff:
    profile_id: int
    user_id: int
    role: str
    limit: int  # people the seed gives them, at most their effective cap
    load: int = 0

    @property
    def members(self):
        return (self,)

    def has_room(self):
        return self.load < self.limit


@dataclass(eq=False)
class Pair:
    """A binôme: both members follow the person and count it in their caps."""

    binome_id: int | None
    advisor: Staff
    social_worker: Staff
    limit: int
    load: int = 0

    @property
    def members(self):
        return (self.advisor, self.social_worker)

    def has_room(self):
        return self.load < self.limit


@dataclass
class Pool:
    """The referents of one kind in one territory, filled in order."""

    members: list = field(default_factory=list)
    cursor: int = 0

    def take(self):
        while self.cursor < len(self.members):
            member = self.members[self.cursor]
            if member.has_room():
                member.load += 1
                return member
            self.cursor += 1
        return None

    def capacity(self):
        return sum(member.limit for member in self.members)


# Soft limits for the roles the sources give no cap for.
SOFT_LIMITS = {StaffRole.JOB_CONSULTANT: 60, StaffRole.NURSE: 30, StaffRole.PE_ADVISOR: 120}
# Demo referents: portfolios large enough to browse, always under the caps.
# The social worker's total (own people + binôme) stays under their FTR cap of
# 30, since `staff_load` caps a total by the programmes actually held.
DEMO_LIMITS = {
    (StaffRole.SOCIAL_WORKER, FTR): 16,
    (StaffRole.SOCIOPRO_REFERENT, FTR): 64,
    (StaffRole.PE_ADVISOR, FTR): 40,
    (StaffRole.JOB_CONSULTANT, DC): 35,
    ("binome", AG): 12,
    (StaffRole.NURSE, None): 30,
}


def staff_limit(role, programme, ratio, fill):
    """How many people a referent gets: a share of their effective cap, or of a
    soft limit where the sources set none (France Travail advisors in droit
    commun, job consultants, nurses; social workers of a binôme: 80, their
    largest cap). Never more than the effective cap."""
    cap = DEFAULT_CAPS.get((role, programme))
    if cap is None:
        cap = 80 if role == StaffRole.SOCIAL_WORKER else SOFT_LIMITS[role]
    return max(1, int(effective_cap(cap, ratio) * fill))


class StaffMixin:
    """The staff part of `demo.seeder.Seeder`: managers, admins, nurses,
    referents and binômes, then a referent or binôme for every followed person."""

    # -- staff

    def new_staff(self, *, role, spec, structure_kind, ratio=Decimal("1.00"), username=None):
        """A staff member through the service (names from Faker, never real
        people). Only demo logins get a usable password, set afterwards."""
        first_name, last_name = self.fake.first_name(), self.fake.last_name()
        if username is None:
            base = f"{ascii_slug(first_name)[:1]}.{ascii_slug(last_name)}"
            username = base
            for n in itertools.count(2):
                if username not in self.usernames:
                    break
                username = f"{base}{n}"
        self.usernames.add(username)
        structure = (
            self.structures[(spec.departement, structure_kind)]
            if structure_kind in ("direction", "partner")
            else self.structures[(spec.key, structure_kind)]
        )
        profile = staff_create(
            username=username,
            password=None,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.org",
            role=role,
            structure=structure,
            territories=[self.territories[spec.key]],
            part_time_ratio=ratio,
        )
        self.staff_count += 1
        return profile

    def draw_ratio(self):
        draw = self.rng.random()
        if draw < 0.72:
            return Decimal("1.00")
        return Decimal("0.80") if draw < 0.90 else Decimal("0.50")

    def referent(self, spec, role, programme, *, demo=False):
        kind = {
            StaffRole.PE_ADVISOR: "agency",
            StaffRole.JOB_CONSULTANT: "partner",
        }.get(role, "service")
        ratio = Decimal("1.00") if demo else self.draw_ratio()
        profile = self.new_staff(
            role=role,
            spec=spec,
            structure_kind=kind,
            ratio=ratio,
            username=DEMO_USERNAME[role] if demo else None,
        )
        if demo:
            self.demo_user_ids.append(profile.user_id)
            limit = DEMO_LIMITS[(role, programme)]
        else:
            limit = staff_limit(role, programme, ratio, self.rng.uniform(0.85, 0.98))
        return Staff(profile.pk, profile.user_id, role, limit)

    def create_staff(self, people):
        """Managers, admins, nurses, and as many referents and binômes per
        territory as the plan needs."""
        needs = Counter(
            (p.territory.key, pool_key(p.stage, p.programme, p.by_advisor))
            for p in people
            if p.stage not in (Stage.PENDING, Stage.EXIT)
        )
        per_territory = Counter(p.territory.key for p in people)
        pairs = []
        territories = self.geography.territories
        for spec in territories:
            demo = spec.key == DEMO_TERRITORY
            self.create_managers(spec, per_territory[spec.key], demo=demo)
            if demo or (spec.nurse and per_territory[spec.key]):
                self.nurses[spec.key] = self.referent(spec, StaffRole.NURSE, None, demo=demo)
            if demo:
                pairs.extend(self.create_demo_referents(spec))
            pool_keys = sorted({key for (territory, key) in needs if territory == spec.key})
            if spec.binomes:
                # Seed 003: a binôme in Troyes, a second one in the Barsuraubois.
                pool_keys = sorted({*pool_keys, ("binome", AG)})
            for key in pool_keys:
                pool = self.pools.setdefault((spec.key, key), Pool())
                while pool.capacity() < needs[(spec.key, key)] or not pool.members:
                    if key[0] == "binome":
                        member = self.new_pair(spec)
                        pairs.append(member)
                    else:
                        member = self.referent(spec, *key)
                    pool.members.append(member)
        for code, *_ in self.geography.departements:
            spec = next(s for s in territories if s.departement == code)
            demo = spec.key == DEMO_TERRITORY
            profile = self.new_staff(
                role=StaffRole.ADMIN,
                spec=spec,
                structure_kind="direction",
                username=DEMO_USERNAME[StaffRole.ADMIN] if demo else None,
            )
            if demo:
                self.demo_user_ids.append(profile.user_id)
        self.create_binomes(pairs)
        User.objects.filter(pk__in=self.demo_user_ids).update(password=make_password(DEMO_PASSWORD))

    def create_managers(self, spec, people, *, demo):
        count = 1 + people // 5000
        managers = []
        for n in range(count):
            is_demo = demo and n == 0
            profile = self.new_staff(
                role=StaffRole.MANAGER,
                spec=spec,
                structure_kind="service",
                username=DEMO_USERNAME[StaffRole.MANAGER] if is_demo else None,
            )
            if is_demo:
                self.demo_user_ids.append(profile.user_id)
            managers.append(Staff(profile.pk, profile.user_id, StaffRole.MANAGER, 0))
        self.managers[spec.key] = managers

    def create_demo_referents(self, spec):
        """The demo referents head their pools, so the demo scenarios go to them."""
        social_worker = self.referent(spec, StaffRole.SOCIAL_WORKER, FTR, demo=True)
        advisor = self.referent(spec, StaffRole.PE_ADVISOR, FTR, demo=True)
        for role, programme, staff in (
            (StaffRole.SOCIAL_WORKER, FTR, social_worker),
            (StaffRole.PE_ADVISOR, FTR, advisor),
            (StaffRole.SOCIOPRO_REFERENT, FTR, None),
            (StaffRole.JOB_CONSULTANT, DC, None),
        ):
            staff = staff or self.referent(spec, role, programme, demo=True)
            self.pools.setdefault((spec.key, (role, programme)), Pool()).members.append(staff)
        pair = Pair(None, advisor, social_worker, DEMO_LIMITS[("binome", AG)])
        self.pools.setdefault((spec.key, ("binome", AG)), Pool()).members.append(pair)
        return [pair]

    def new_pair(self, spec):
        """A binôme of a France Travail advisor and a social worker dedicated to
        accompagnement global (seeds 002, 003)."""
        advisor = self.referent(spec, StaffRole.PE_ADVISOR, AG)
        social_worker = self.referent(spec, StaffRole.SOCIAL_WORKER, AG)
        return Pair(None, advisor, social_worker, min(advisor.limit, social_worker.limit))

    def create_binomes(self, pairs):
        binomes = [
            Binome(
                pe_advisor_id=pair.advisor.profile_id,
                social_worker_id=pair.social_worker.profile_id,
                created_at=self.at(self.today - days(self.rng.randint(400, 1500)), 9),
            )
            for pair in pairs
        ]
        Binome.objects.bulk_create(binomes, batch_size=BATCH_SIZE)
        for pair, binome in zip(pairs, binomes, strict=True):
            pair.binome_id = binome.pk

    def assign_followers(self, people):
        """Give every followed person a referent or a binôme, pool by pool, in
        plan order: the demo scenarios come first and go to the demo referents."""
        for person in people:
            if person.stage in (Stage.PENDING, Stage.EXIT):
                continue
            key = pool_key(person.stage, person.programme, person.by_advisor)
            pool = self.pools.get((person.territory.key, key))
            person.follower = pool.take() if pool else None
