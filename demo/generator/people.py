"""One person and their history: identity, pathway, orientation, stage
transitions, deadlines and reminders, referents (see `PersonBuilder`; the
follow-up is in `demo.followup`)."""

import datetime

from beneficiaries.enums import Civility, HouseholdRole
from beneficiaries.models import Beneficiary
from beneficiaries.validators import nir_with_key
from caseload.enums import AssignmentEndReason
from caseload.models import Assignment
from demo.generator.followup import FollowUpMixin
from demo.generator.helpers import ascii_slug, days, weighted
from demo.generator.plan import DUE_SOON, pool_key
from demo.generator.reference import (
    AG,
    BIRTH_DEPARTEMENTS,
    COUNTRY_CODES,
    FOLLOWED_STAGES,
    FTR,
    OUTCOME_DETAILS,
)
from demo.generator.staff import Pair
from pathways.deadlines import reminder_schedule
from pathways.enums import DeadlineKind, ExitOutcome, Stage
from pathways.models import (
    Deadline,
    DeadlineReminder,
    OrientationDecision,
    Pathway,
    StageTransition,
)


class PersonBuilder(FollowUpMixin):
    """One person, their pathway(s) and everything that hangs from them."""

    def __init__(self, seeder, planned, index, people, rows):
        self.s = seeder
        self.rng = seeder.rng
        self.p = planned
        self.index = index
        self.people = people
        self.rows = rows
        self.spec = planned.territory
        self.segments = []  # (start day, follower or None), oldest first
        self.deadline_rows = []  # the deadlines of the current pathway
        self.interviews = []  # held interviews: (day, row, author id)
        self.reached = False  # an outreach attempt reached the person

    def build(self):
        self.person = self.identity()
        self.timeline()
        self.consent()
        # Drawn here, before the barriers, so the order of draws never changes.
        self.needs_nurse = self.p.nurse or (self.p.entered and self.rng.random() < 0.06)
        pathway = self.pathway()
        self.assignments()
        self.transitions(pathway)
        self.deadlines(pathway)
        self.interviews_for(pathway)
        barriers = self.barriers()
        self.prescriptions(pathway, barriers)
        self.contract(pathway)
        self.reminders()
        self.person["next_deadline_on"] = self.next_deadline_on()
        self.health_note(barriers)
        if not self.person["known_to_departement"]:
            self.outreach()
            # Met at an interview or reached by an outreach: no longer "jamais
            # rencontré" (what `beneficiary_touch_contact` does in the app).
            self.person["known_to_departement"] = bool(self.interviews) or self.reached
        elif self.rng.random() < 0.08:
            self.previous_pathway()
        self.person["last_contact_at"] = self.last_contact()

    def add(self, model, **values):
        return self.rows.add(model, **values)

    # -- identity

    def identity(self):
        rng, fake, p = self.rng, self.s.fake, self.p
        code = self.spec.departement
        partner = self.people[p.partner_of] if p.partner_of is not None else None
        if partner is not None and partner.household:
            caf, address, commune, partner_last_name, partner_civility = partner.household
            role = HouseholdRole.CONJOINT
            civility = Civility.MONSIEUR if partner_civility == Civility.MADAME else Civility.MADAME
            last_name = partner_last_name if rng.random() < 0.7 else fake.last_name()
        else:
            caf = self.caf_number(code)
            address = fake.street_address()
            communes, weights = self.s.communes[self.spec.key]
            commune = rng.choices(communes, weights=weights)[0]
            role = HouseholdRole.DEMANDEUR
            civility = Civility.MADAME if rng.random() < 0.55 else Civility.MONSIEUR
            last_name = fake.last_name()
        first_name = (
            fake.first_name_female() if civility == Civility.MADAME else fake.first_name_male()
        )
        p.household = (caf, address, commune, last_name, civility)
        birth_name = last_name
        if civility == Civility.MADAME and role == HouseholdRole.CONJOINT and rng.random() < 0.6:
            birth_name = fake.last_name()
        birth_date = self.birth_date()
        known = rng.random() < 0.63  # seed 001: 1,700 known, 1,000 never seen
        self.opened = self.opened_on()
        return self.rows.add(
            Beneficiary,
            with_id=True,
            departement_id=self.s.departements[code].pk,
            territory_id=self.s.territories[self.spec.key].pk,
            commune_id=commune.pk,
            caf_number=caf,
            household_role=role,
            nir=self.nir(civility, birth_date) if rng.random() < 0.9 else "",
            external_id=f"{code}-{self.index + 1:07d}" if known else "",
            civility=civility,
            last_name=last_name,
            birth_name=birth_name,
            first_name=first_name,
            birth_date=birth_date,
            address_line=address,
            postcode=commune.postcode,
            city=commune.name,
            phone=self.phone() if rng.random() < 0.85 else "",
            email=self.email(first_name, last_name) if rng.random() < 0.45 else "",
            rsa_application_date=self.opened,
            rights_opening_date=min(self.opened + days(rng.randint(0, 7)), self.s.today),
            known_to_departement=known,
            created_at=self.s.at(self.opened, 8, rng.randint(0, 59)),
        )

    def caf_number(self, code):
        used = self.s.caf_numbers[code]
        while True:
            number = str(self.rng.randint(1_000_000, 9_999_999))
            if number not in used:
                used.add(number)
                return number

    def birth_date(self):
        age = self.rng.randint(18, 24) if self.rng.random() < 0.06 else self.rng.randint(25, 62)
        return datetime.date(self.s.today.year - age, 1, 1) + days(self.rng.randint(0, 364))

    def nir(self, civility, birth_date):
        """A NIR whose sex digit matches the civility and whose year and month
        match the birth date, with a valid key; unique in the Département."""
        rng, code = self.rng, self.spec.departement
        sex = "2" if civility == Civility.MADAME else "1"
        used = self.s.nirs[code]
        while True:
            draw = rng.random()
            if draw < 0.6:  # born in the Département
                place = f"{code}{rng.randint(1, 400):03d}"
            elif draw < 0.86:  # elsewhere in mainland France
                place = f"{rng.choice(BIRTH_DEPARTEMENTS)}{rng.randint(1, 600):03d}"
            elif draw < 0.88:  # Corsica
                place = f"{rng.choice(['2A', '2B'])}{rng.randint(1, 360):03d}"
            else:  # abroad
                place = f"99{rng.choice(COUNTRY_CODES)}"
            nir = nir_with_key(f"{sex}{birth_date:%y%m}{place}{rng.randint(1, 999):03d}")
            if nir not in used:
                used.add(nir)
                return nir

    def phone(self):
        """A number from the ranges ARCEP keeps for fiction (never a real line)."""
        prefix = self.rng.choice(["06 39 98", "01 99 00"])
        return f"{prefix} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def email(self, first_name, last_name):
        domain = self.rng.choice(["example.org", "example.com", "example.net"])
        return f"{ascii_slug(first_name)}.{ascii_slug(last_name)}{self.rng.randint(1, 99)}@{domain}"

    def opened_on(self):
        """The RSA application date: the last ~18 months, recent for people
        not yet oriented or not yet entered."""
        p, rng, today = self.p, self.rng, self.s.today
        if p.opened_days_ago == DUE_SOON:
            # The 15-day entry deadline falls in two days.
            delay = self.s.policies[self.spec.departement].entry_delay_days
            return today + days(2 - delay)
        if p.opened_days_ago is not None:
            return today - days(p.opened_days_ago)
        if p.stage == Stage.PENDING:
            return today - days(rng.randint(0, 35))
        if not p.entered:
            return today - days(rng.randint(3, 45))
        steps = FOLLOWED_STAGES.index(p.last_stage) - FOLLOWED_STAGES.index(p.start_stage)
        least = 40 + 70 * steps + (60 if p.stage == Stage.EXIT else 0)
        return today - days(rng.randint(least, 540))

    def consent(self):
        """Consent to reinforced accompaniment ("s'ils le souhaitent", seed 001):
        given by everyone in a reinforced programme, by most others."""
        p, rng = self.p, self.rng
        if p.stage == Stage.PENDING:
            consent = None if rng.random() < 0.6 else True
        elif p.programme in (FTR, AG):
            consent = True
        else:
            consent = weighted(rng, {True: 70, False: 18, None: 12})
        self.person["reinforced_consent"] = consent
        if consent is not None:
            self.person["reinforced_consent_on"] = self.entered or self.decided or self.opened

    # -- pathway

    def timeline(self):
        """Orientation, notification, first interview (entry), stage changes
        and exit. About two entries in three are held within the 15 days."""
        p, rng, s = self.p, self.rng, self.s
        today, opened = s.today, self.opened
        rights = self.person["rights_opening_date"]
        self.decided = self.notified = self.entered = self.closed = None
        self.stage_starts = []  # (stage, first day)
        if p.stage == Stage.PENDING:
            return
        if p.entered:
            delay = rng.randint(*weighted(rng, {(1, 10): 68, (11, 30): 24, (31, 60): 8}))
        else:
            delay = rng.randint(1, 3)
        self.decided = min(max(rights, opened + days(delay)), today)
        self.notified = min(self.decided + days(rng.randint(0, 4)), today)
        self.stage_starts = [(p.start_stage, self.decided)]
        if not p.entered:
            return
        first = max(self.decided + days(rng.randint(0, 4)), opened + days(rng.randint(2, 12)))
        self.entered = min(first, today)
        end = s.between(self.entered + days(30), today) if p.stage == Stage.EXIT else today
        day = self.entered
        first_index = FOLLOWED_STAGES.index(p.start_stage)
        last_index = FOLLOWED_STAGES.index(p.last_stage)
        for index in range(first_index + 1, last_index + 1):
            latest = end - days(20 * (last_index + 1 - index))
            day = min(s.between(day + days(20), latest), today)
            self.stage_starts.append((FOLLOWED_STAGES[index], day))
        if p.stage == Stage.EXIT:
            self.closed = min(max(end, day), today)

    def pathway(self):
        p, s = self.p, self.s
        return self.rows.add(
            Pathway,
            with_id=True,
            beneficiary_id=self.person["id"],
            programme=p.programme,
            stage=p.stage,
            opened_on=self.opened,
            entered_on=self.entered,
            closed_at=s.at(self.closed, 16) if self.closed else None,
            outcome=p.outcome,
            outcome_detail=self.rng.choice(OUTCOME_DETAILS[p.outcome]) if p.outcome else "",
            created_at=s.at(self.opened, 8),
        )

    def transitions(self, pathway):
        """The transition log: opening, orientation, each stage, the exit."""
        s, p = self.s, self.p
        self.transition(pathway, "", Stage.PENDING, self.opened, "Ouverture du parcours", None)
        if self.decided is None:
            return
        manager = self.manager_id()
        self.add(
            OrientationDecision,
            pathway_id=pathway["id"],
            orientation=p.orientation,
            programme=p.programme,
            starting_stage=p.start_stage,
            decided_on=self.decided,
            notified_on=self.notified,
            reason="Orientation décidée en équipe pluridisciplinaire",
            decided_by_id=manager,
            created_at=s.at(self.decided, 11),
        )
        previous = Stage.PENDING
        for index, (stage, day) in enumerate(self.stage_starts):
            if index == 0:
                self.transition(pathway, previous, stage, day, "Orientation", manager)
            else:
                by = self.author_on(day - days(1))
                self.transition(pathway, previous, stage, day, "Étape suivante du parcours", by)
            previous = stage
        if self.closed:
            reason = f"Sortie : {ExitOutcome(p.outcome).label}"
            self.transition(
                pathway, previous, Stage.EXIT, self.closed, reason, self.author_on(self.closed)
            )

    def transition(self, pathway, from_stage, to_stage, day, reason, by):
        self.add(
            StageTransition,
            pathway_id=pathway["id"],
            from_stage=from_stage,
            to_stage=to_stage,
            occurred_at=self.s.at(day, 9 if from_stage == "" else 15),
            reason=reason,
            by_id=by,
        )

    def deadlines(self, pathway):
        """Entry (15 days), orientation (6 weeks), contract (1 month) and, in the
        social stage, the 12-month review. Met when done; cancelled at exit."""
        self.deadline(pathway, DeadlineKind.ENTRY, self.opened, self.entered)
        self.deadline(
            pathway, DeadlineKind.ORIENTATION, self.person["rights_opening_date"], self.decided
        )
        self.contract_deadline = None
        if self.notified is not None:
            self.contract_deadline = self.deadline(pathway, DeadlineKind.CONTRACT, self.notified)
        if self.p.stage == Stage.SOCIAL and self.p.entered:
            self.deadline(pathway, DeadlineKind.SOCIAL_REVIEW, self.stage_starts[-1][1])

    def deadline(self, pathway, kind, reference, met_on=None):
        deadline = self.rows.add(
            Deadline,
            with_id=True,
            pathway_id=pathway["id"],
            kind=kind,
            reference_date=reference,
            due_on=self.s.due(self.spec.departement, kind, reference),
            met_on=met_on,
            cancelled_on=self.closed if self.closed and met_on is None else None,
            created_at=self.s.at(reference, 8),
        )
        self.deadline_rows.append(deadline)
        return deadline

    def next_deadline_on(self):
        """The earliest open deadline of the open pathway, as the deadline
        services keep it (`pathways.services.next_deadline_refresh`)."""
        if self.closed:
            return None
        open_dues = [
            d["due_on"] for d in self.deadline_rows if not d["met_on"] and not d["cancelled_on"]
        ]
        return min(open_dues, default=None)

    def reminders(self):
        """The reminder steps still to come of the deadlines left open (7, 3
        and 1 days before, escalation), pending for the deadline scan. Steps
        already past are left out rather than invented as sent: the seed makes
        no notifications, and the first scan does not flood anyone."""
        s = self.s
        policy = s.policies[self.spec.departement]
        for deadline in self.deadline_rows:
            if deadline["met_on"] or deadline["cancelled_on"]:
                continue
            for step, send_on in reminder_schedule(
                kind=deadline["kind"],
                reference_date=deadline["reference_date"],
                due_on=deadline["due_on"],
                policy=policy,
            ):
                if send_on >= s.today:
                    self.add(
                        DeadlineReminder, deadline_id=deadline["id"], step=step, send_on=send_on
                    )

    # -- referents

    def assignments(self):
        """The current referent (or binôme) and the history: the referent of
        each earlier stage, a change of referent now and then, the exit."""
        p = self.p
        if self.decided is None:
            return
        # A binôme follows the person through every stage.
        starts = self.stage_starts[:1] if p.programme == AG else self.stage_starts
        for index, (stage, day) in enumerate(starts):
            last = index == len(starts) - 1
            follower = p.follower if last and p.stage != Stage.EXIT else self.pick(stage)
            end, end_reason = None, ""
            if not last:
                end, end_reason = starts[index + 1][1], AssignmentEndReason.STAGE_CHANGE
            elif self.closed:
                end, end_reason = self.closed, AssignmentEndReason.PATHWAY_EXIT
            if end is None and follower is not None and self.rng.random() < 0.06:
                day = self.referent_change(stage, day, follower)
            self.segments.append((day, follower))
            if follower is not None:
                reason = "Orientation" if index == 0 else "Changement d'étape"
                self.assign(follower, day, end, end_reason, reason)
        nurse = self.s.nurses.get(self.spec.key)
        if self.needs_nurse and p.stage != Stage.EXIT and nurse is not None and nurse.has_room():
            nurse.load += 1
            self.assign(nurse, self.entered or self.decided, None, "", "Suivi santé")

    def pick(self, stage):
        """Who followed the person at an earlier stage (ended assignments do
        not count in caps, so anyone of the pool will do)."""
        key = pool_key(stage, self.p.programme, self.p.by_advisor)
        pool = self.s.pools.get((self.spec.key, key))
        if not pool or not pool.members:
            return None
        return pool.members[0] if self.p.demo else self.rng.choice(pool.members)

    def referent_change(self, stage, day, follower):
        """An earlier referent of the same stage, who left or rebalanced their
        portfolio: the follow-up does not depend on who the referent is (seed 004)."""
        pool = self.s.pools.get((self.spec.key, pool_key(stage, self.p.programme)))
        others = [m for m in pool.members if m is not follower] if pool else []
        span = (self.s.today - day).days
        if not others or span < 30:
            return day
        previous = self.rng.choice(others)
        change = day + days(self.rng.randint(10, span - 10))
        reason = self.rng.choice(
            [AssignmentEndReason.REFERENT_LEFT, AssignmentEndReason.REBALANCING]
        )
        self.segments.append((day, previous))
        self.assign(previous, day, change, reason, "Orientation")
        return change

    def assign(self, follower, start, end, end_reason, reason, programme=None):
        binome_id = follower.binome_id if isinstance(follower, Pair) else None
        for member in follower.members:
            self.add(
                Assignment,
                beneficiary_id=self.person["id"],
                staff_id=member.profile_id,
                role=member.role,
                binome_id=binome_id,
                programme=programme or self.p.programme,
                started_at=self.s.at(start, 10),
                ended_at=self.s.at(end, 17) if end else None,
                reason=reason,
                end_reason=end_reason,
                ended_by_id=self.manager_id() if end else None,
                # Binôme people are selected jointly: both members agree (seed 002).
                binome_agreement_at=self.s.at(start, 10) if binome_id else None,
                created_by_id=self.manager_id(),
            )

    def manager_id(self):
        managers = self.s.managers[self.spec.key]
        return managers[self.index % len(managers)].user_id

    def author_on(self, day):
        """The user in charge on a day: the referent then following the person
        (one of the binôme), else the territory's manager."""
        follower = None
        for start, candidate in self.segments:
            if start <= day and candidate is not None:
                follower = candidate
        if follower is None:
            return self.manager_id()
        members = follower.members
        return (members[0] if len(members) == 1 else self.rng.choice(members)).user_id

    def stage_on(self, day):
        stage = self.stage_starts[0][0]
        for candidate, start in self.stage_starts:
            if start <= day:
                stage = candidate
        return stage
