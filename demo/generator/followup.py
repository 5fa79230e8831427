"""The follow-up of one person: interviews, barriers, prescriptions,
contract and objectives, health notes, outreach, an earlier pathway."""

from decimal import Decimal

from beneficiaries.enums import BarrierKind, BarrierState, OutreachResult
from beneficiaries.models import Barrier, BarrierEvent, HealthNote, OutreachAttempt
from caseload.enums import AssignmentEndReason
from demo.generator.helpers import days, weighted
from demo.generator.plan import pool_key
from demo.generator.reference import (
    AG,
    BARRIER_KINDS,
    BARRIER_THEME,
    BARRIERS_PER_STAGE,
    DC,
    FOLLOWED_STAGES,
    HEALTH_NOTES,
    INTERVIEW_COUNTS,
    INTERVIEW_NOTES,
    LAST_OUTREACH_RESULTS,
    OBJECTIVE_STATES,
    OBJECTIVES,
    ORIENTATION_STAGE,
    OUTCOME_DETAILS,
    OUTCOME_WEIGHTS,
    OUTREACH_CHANNELS,
    REDUCTION_DETAILS,
    STAGE_THEMES,
)
from demo.generator.staff import Pair
from pathways.enums import (
    ContractKind,
    DeadlineKind,
    InterviewKind,
    InterviewStatus,
    ObjectiveState,
    Orientation,
    PrescriptionStatus,
    Stage,
)
from pathways.models import (
    CONTRAT_ENGAGEMENT_START,
    Contract,
    ContractObjective,
    Deadline,
    Interview,
    OrientationDecision,
    Pathway,
    Prescription,
)


class FollowUpMixin:
    """The follow-up part of `demo.people.PersonBuilder`: interviews,
    barriers, prescriptions, the contract, health notes, outreach and an
    earlier pathway."""

    # -- follow-up

    def interviews_for(self, pathway):
        """The first interview (entry) and the follow-up; a convocation for
        people oriented but not yet seen."""
        p, rng, s = self.p, self.rng, self.s
        if self.decided is None:
            return
        if not p.entered:
            if rng.random() < 0.6:
                day = s.today + days(rng.randint(1, 10))
                self.interview(pathway, day, InterviewStatus.PLANNED, InterviewKind.INDIVIDUAL)
            return
        end = self.closed or s.today
        earliest = min(self.entered + days(7), end)
        later = sorted(s.between(earliest, end) for _ in range(weighted(rng, INTERVIEW_COUNTS) - 1))
        self.interview(pathway, self.entered, InterviewStatus.HELD, self.interview_kind())
        for day in later:
            status = InterviewStatus.HELD if rng.random() < 0.88 else InterviewStatus.MISSED
            self.interview(pathway, day, status, self.interview_kind())
        if self.closed is None and rng.random() < 0.5:
            day = s.today + days(rng.randint(2, 25))
            self.interview(pathway, day, InterviewStatus.PLANNED, self.interview_kind())

    def interview_kind(self):
        draw = self.rng.random()
        if self.p.programme == AG and draw < 0.35:
            return InterviewKind.JOINT_BINOME
        if draw < 0.65:
            return InterviewKind.INDIVIDUAL
        if draw < 0.8:
            return InterviewKind.PHONE
        return InterviewKind.COLLECTIVE if draw < 0.9 else InterviewKind.HOME_VISIT

    def interview(self, pathway, day, status, kind):
        rng, s = self.rng, self.s
        if status == InterviewStatus.HELD:
            notes = rng.choice(INTERVIEW_NOTES[self.stage_on(day)])
        elif status == InterviewStatus.MISSED:
            notes = "Rendez-vous non honoré ; nouvelle convocation envoyée."
        else:
            notes = "Convocation envoyée."
        author = self.author_on(min(day, s.today))
        interview = self.rows.add(
            Interview,
            with_id=True,
            beneficiary_id=self.person["id"],
            pathway_id=pathway["id"],
            occurred_on=day,
            kind=kind,
            status=status,
            notes=notes,
            author_id=author,
            created_at=s.at(min(day, s.today), 12),
        )
        if kind == InterviewKind.JOINT_BINOME and isinstance(self.p.follower, Pair):
            for member in self.p.follower.members:
                self.add(
                    Interview.attendees.through,
                    interview_id=interview["id"],
                    staffprofile_id=member.profile_id,
                )
        if status == InterviewStatus.HELD:
            if self.interviews:
                self.interviews[-1][1]["next_appointment_at"] = s.at(day, 10)
            if self.closed is None:
                next_day = s.today + days(rng.randint(5, 30))
                interview["next_appointment_at"] = s.at(next_day, rng.choice([9, 10, 14, 15]))
            self.interviews.append((day, interview, author))

    def barriers(self):
        """Barriers identified at the first interview, each with its history
        (identified → being lifted → lifted)."""
        rng, s, p = self.rng, self.s, self.p
        if not self.interviews:
            return []
        low, high = BARRIERS_PER_STAGE[p.last_stage]
        kinds = rng.sample(BARRIER_KINDS, rng.randint(low, high))
        if self.needs_nurse and BarrierKind.HEALTH not in kinds:
            kinds.append(BarrierKind.HEALTH)
        first_day, first_interview, author = self.interviews[0]
        end = self.closed or s.today
        progress = FOLLOWED_STAGES.index(p.last_stage) - FOLLOWED_STAGES.index(p.start_stage)
        for kind in kinds:
            draw = rng.random() - 0.2 * progress - (0.3 if self.closed else 0)
            if draw < 0.3:
                state = BarrierState.LIFTED
            else:
                state = BarrierState.BEING_LIFTED if draw < 0.65 else BarrierState.IDENTIFIED
            lifted = s.between(first_day, end) if state == BarrierState.LIFTED else None
            barrier = self.rows.add(
                Barrier,
                with_id=True,
                beneficiary_id=self.person["id"],
                kind=kind,
                state=state,
                identified_on=first_day,
                lifted_on=lifted,
            )
            self.barrier_event(barrier, BarrierState.IDENTIFIED, first_day, author, first_interview)
            if state != BarrierState.IDENTIFIED:
                moving = s.between(first_day, lifted or end)
                self.barrier_event(
                    barrier, BarrierState.BEING_LIFTED, moving, self.author_on(moving)
                )
            if lifted:
                self.barrier_event(barrier, BarrierState.LIFTED, lifted, self.author_on(lifted))
        return kinds

    def barrier_event(self, barrier, state, day, author, interview=None):
        self.add(
            BarrierEvent,
            barrier_id=barrier["id"],
            state=state,
            occurred_on=day,
            recorded_by_id=author,
            interview_id=interview["id"] if interview else None,
            created_at=self.s.at(day, 13),
        )

    def prescriptions(self, pathway, barriers):
        """Actions of the catalogue, 2 to 20 hours a week, prescribed at
        interviews, matching a barrier or the stage; each action once (a
        person has one active prescription of an action)."""
        rng, s = self.rng, self.s
        if not self.interviews:
            return
        count = rng.randint(0, 1) if self.p.last_stage == Stage.SOCIAL else rng.randint(0, 3)
        prescribed = set()
        for _ in range(count):
            day, interview, author = rng.choice(self.interviews)
            themes = [BARRIER_THEME[k] for k in barriers if k in BARRIER_THEME]
            if not themes or rng.random() < 0.5:
                themes = STAGE_THEMES[self.stage_on(day)]
            offers = s.offers.get((self.spec.key, rng.choice(themes)))
            if not offers:
                continue
            starts = day + days(rng.randint(3, 21))
            ends = starts + days(rng.randint(14, 120))
            if starts > s.today:
                status = PrescriptionStatus.PRESCRIBED
            elif ends >= s.today and self.closed is None:
                status = PrescriptionStatus.IN_PROGRESS
            elif rng.random() < 0.15:
                status = PrescriptionStatus.ABANDONED
            else:
                status = PrescriptionStatus.COMPLETED
            offer_id = rng.choice(offers)
            if offer_id in prescribed:
                continue
            prescribed.add(offer_id)
            self.add(
                Prescription,
                beneficiary_id=self.person["id"],
                pathway_id=pathway["id"],
                offer_id=offer_id,
                interview_id=interview["id"],
                hours_per_week=Decimal(rng.randint(4, 40)) / 2,
                status=status,
                prescribed_on=day,
                starts_on=starts,
                ends_on=ends,
                prescribed_by_id=author,
            )

    def contract(self, pathway):
        """The engagement contract, signed after the orientation was notified
        and the person entered; it meets the 1-month contract deadline."""
        rng, s, p = self.rng, self.s, self.p
        if self.entered is None or rng.random() < 0.2:
            return
        earliest = max(self.entered, self.notified)
        signed = s.between(earliest, min(earliest + days(35), self.closed or s.today))
        contract = self.contract_row(pathway, signed, p.orientation)
        self.contract_deadline["met_on"] = signed
        self.contract_deadline["cancelled_on"] = None
        for label in rng.sample(OBJECTIVES[self.stage_on(signed)], rng.randint(1, 3)):
            state = ObjectiveState.OPEN
            if self.closed or (s.today - signed).days > 120:
                state = weighted(rng, OBJECTIVE_STATES)
            self.add(ContractObjective, contract_id=contract["id"], label=label, state=state)

    def contract_row(self, pathway, signed, orientation):
        """Since 1 January 2025 a contrat d'engagement; before, a CER
        (Département) or a PPAE (France Travail). At least 15 hours a week
        unless a reason for fewer is recorded."""
        rng = self.rng
        if signed >= CONTRAT_ENGAGEMENT_START:
            kind = ContractKind.CONTRAT_ENGAGEMENT
        elif orientation == Orientation.PROFESSIONNELLE:
            kind = ContractKind.PPAE
        else:
            kind = ContractKind.CER
        reason, hours = "", Decimal(rng.choice([15, 15, 15, 16, 18, 20]))
        if rng.random() < 0.15:
            reason = rng.choice(list(REDUCTION_DETAILS))
            hours = Decimal(rng.choice([0, 5, 8, 10, 12]))
        return self.rows.add(
            Contract,
            with_id=True,
            beneficiary_id=self.person["id"],
            pathway_id=pathway["id"],
            kind=kind,
            signed_on=signed,
            review_on=signed + days(182),
            weekly_hours=hours,
            hours_reduction_reason=reason,
            hours_reduction_detail=REDUCTION_DETAILS.get(reason, ""),
            created_by_id=self.author_on(signed),
            created_at=self.s.at(signed, 14),
        )

    def health_note(self, barriers):
        """A few notes of the nurse (health data, RGPD art. 9)."""
        nurse = self.s.nurses.get(self.spec.key)
        if nurse is None or BarrierKind.HEALTH not in barriers or self.rng.random() < 0.6:
            return
        self.add(
            HealthNote,
            beneficiary_id=self.person["id"],
            text=self.rng.choice(HEALTH_NOTES),
            disability_recognised=self.rng.random() < 0.25,
            author_id=nurse.user_id,
            created_at=self.s.at(self.interviews[0][0], 16),
        )

    def outreach(self):
        """Contact attempts with a person the Département had never seen; the
        last one set the appointment when the person entered."""
        rng, s = self.rng, self.s
        day = min(self.opened + days(rng.randint(1, 6)), s.today)
        count = rng.randint(1, 3)
        for n in range(count):
            if n < count - 1:
                result = OutreachResult.NO_ANSWER
            elif self.entered:
                result = OutreachResult.APPOINTMENT_SET
            else:
                result = weighted(rng, LAST_OUTREACH_RESULTS)
            self.reached |= result in {OutreachResult.REACHED, OutreachResult.APPOINTMENT_SET}
            self.add(
                OutreachAttempt,
                beneficiary_id=self.person["id"],
                channel=rng.choice(OUTREACH_CHANNELS),
                result=result,
                attempted_on=day,
                notes="Invitation à une réunion d'information collective." if n == 0 else "",
                made_by_id=self.manager_id() if n == 0 else self.author_on(day),
                created_at=s.at(day, 11),
            )
            day = min(day + days(rng.randint(3, 12)), s.today)

    def previous_pathway(self):
        """An earlier RSA spell, two to four years ago, closed, with its
        referent, interview and contract: history kept (seed 004)."""
        rng, s = self.rng, self.s
        opened = s.today - days(rng.randint(730, 1460))
        orientation = rng.choice(list(Orientation))
        stage = ORIENTATION_STAGE[orientation]
        decided = opened + days(rng.randint(5, 30))
        entered = decided + days(rng.randint(1, 10))
        closed = entered + days(rng.randint(60, 300))
        outcome = weighted(rng, OUTCOME_WEIGHTS)
        pathway = self.rows.add(
            Pathway,
            with_id=True,
            beneficiary_id=self.person["id"],
            programme=DC,
            stage=Stage.EXIT,
            opened_on=opened,
            entered_on=entered,
            closed_at=s.at(closed, 16),
            outcome=outcome,
            outcome_detail=rng.choice(OUTCOME_DETAILS[outcome]),
            created_at=s.at(opened, 8),
        )
        manager = self.manager_id()
        referent = self.pick_earlier(stage)
        author = referent.members[0].user_id if referent else manager
        self.transition(pathway, "", Stage.PENDING, opened, "Ouverture du parcours", None)
        self.transition(pathway, Stage.PENDING, stage, decided, "Orientation", manager)
        self.transition(pathway, stage, Stage.EXIT, closed, "Sortie", author)
        self.add(
            OrientationDecision,
            pathway_id=pathway["id"],
            orientation=orientation,
            programme=DC,
            starting_stage=stage,
            decided_on=decided,
            notified_on=decided,
            decided_by_id=manager,
            created_at=s.at(decided, 11),
        )
        for kind, reference, met in (
            (DeadlineKind.ENTRY, opened, entered),
            (DeadlineKind.ORIENTATION, opened, decided),
            (DeadlineKind.CONTRACT, decided, entered),
        ):
            self.rows.add(
                Deadline,
                with_id=True,
                pathway_id=pathway["id"],
                kind=kind,
                reference_date=reference,
                due_on=s.due(self.spec.departement, kind, reference),
                met_on=met,
                created_at=s.at(reference, 8),
            )
        if referent is not None:
            self.assign(
                referent, decided, closed, AssignmentEndReason.PATHWAY_EXIT, "Orientation", DC
            )
        self.rows.add(
            Interview,
            with_id=True,
            beneficiary_id=self.person["id"],
            pathway_id=pathway["id"],
            occurred_on=entered,
            kind=InterviewKind.INDIVIDUAL,
            status=InterviewStatus.HELD,
            notes=rng.choice(INTERVIEW_NOTES[stage]),
            author_id=author,
            created_at=s.at(entered, 12),
        )
        contract = self.contract_row(pathway, entered, orientation)
        contract["created_by_id"] = author

    def pick_earlier(self, stage):
        pool = self.s.pools.get((self.spec.key, pool_key(stage, DC)))
        return self.rng.choice(pool.members) if pool and pool.members else None

    def last_contact(self):
        if not self.interviews:
            return None
        return self.s.at(self.interviews[-1][0], 12)
