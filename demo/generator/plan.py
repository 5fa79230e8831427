"""The plan: who lives where, at which stage, in which programme, before
anything is written (the demo scenarios first, then random people)."""

from dataclasses import dataclass

from caseload.enums import StaffRole
from demo.generator.helpers import weighted
from demo.generator.reference import (
    AG,
    DC,
    DEMO_TERRITORY,
    FOLLOWED_STAGES,
    FTR,
    ORIENTATION_STAGE,
    OUTCOME_WEIGHTS,
    TERRITORY_BY_KEY,
    TerritorySpec,
)
from pathways.enums import ExitOutcome, Orientation, Stage

DUE_SOON = "due_soon"  # a demo scenario whose 15-day entry deadline falls in two days


@dataclass(slots=True)
class Planned:
    """One person as planned before anything is written."""

    territory: TerritorySpec
    stage: str
    programme: str = DC
    orientation: str = ""
    start_stage: str = ""
    last_stage: str = ""  # the followed stage reached (before the exit, for an exit)
    entered: bool = False  # first interview held
    outcome: str = ""
    opened_days_ago: int | str | None = None  # fixed by the demo scenarios, or DUE_SOON
    demo: bool = False  # goes to the demo referent of its pool
    nurse: bool = False
    by_advisor: bool = False  # droit commun employment stage: France Travail, not a consultant
    partner_of: int | None = None  # index of the demandeur, for a conjoint
    follower: object = None  # Staff or Pair
    household: tuple | None = None


def pool_key(stage, programme, by_advisor=False):
    """Which kind of referent follows a person at a stage in a programme. In
    droit commun the employment stage is a job consultant's "or France
    Travail's" (seed 001): `by_advisor` picks the latter."""
    if programme == AG:
        return ("binome", AG)
    if stage == Stage.SOCIAL:
        return (StaffRole.SOCIAL_WORKER, programme)
    if stage == Stage.SOCIOPRO:
        return (StaffRole.SOCIOPRO_REFERENT, programme)
    if programme == DC and not by_advisor:
        return (StaffRole.JOB_CONSULTANT, DC)
    return (StaffRole.PE_ADVISOR, programme)


def demo_scenarios():
    """People of the demo territory placed first, so that every demo login has a
    portfolio with met, due-soon and overdue 15-day entry deadlines, some people
    followed through the demo binôme, a queue for the manager and some exits."""
    spec = TERRITORY_BY_KEY[DEMO_TERRITORY]
    overdue, due_soon, just_opened = 25, DUE_SOON, 6
    rows = [
        # (stage, programme, orientation, entered, applied days ago, also followed by the nurse)
        (Stage.SOCIAL, FTR, Orientation.SOCIALE, False, overdue, False),
        (Stage.SOCIAL, FTR, Orientation.SOCIALE, False, due_soon, False),
        (Stage.SOCIAL, FTR, Orientation.SOCIALE, False, just_opened, False),
        (Stage.SOCIAL, FTR, Orientation.SOCIALE, True, None, True),
        (Stage.SOCIAL, FTR, Orientation.SOCIALE, True, None, False),
        (Stage.SOCIOPRO, FTR, Orientation.SOCIO_PROFESSIONNELLE, False, overdue + 8, True),
        (Stage.SOCIOPRO, FTR, Orientation.SOCIO_PROFESSIONNELLE, False, due_soon, False),
        (Stage.SOCIOPRO, FTR, Orientation.SOCIO_PROFESSIONNELLE, True, None, False),
        (Stage.SOCIOPRO, FTR, Orientation.SOCIO_PROFESSIONNELLE, True, None, False),
        (Stage.EMPLOYMENT, FTR, Orientation.PROFESSIONNELLE, False, overdue - 5, False),
        (Stage.EMPLOYMENT, FTR, Orientation.PROFESSIONNELLE, False, due_soon, False),
        (Stage.EMPLOYMENT, FTR, Orientation.PROFESSIONNELLE, True, None, False),
        (Stage.EMPLOYMENT, FTR, Orientation.PROFESSIONNELLE, True, None, False),
        (Stage.EMPLOYMENT, DC, Orientation.PROFESSIONNELLE, False, overdue + 3, False),
        (Stage.EMPLOYMENT, DC, Orientation.PROFESSIONNELLE, False, due_soon, False),
        (Stage.EMPLOYMENT, DC, Orientation.PROFESSIONNELLE, True, None, False),
        (Stage.EMPLOYMENT, DC, Orientation.PROFESSIONNELLE, True, None, False),
        (Stage.SOCIAL, AG, Orientation.SOCIALE, False, overdue, False),
        (Stage.EMPLOYMENT, AG, Orientation.PROFESSIONNELLE, False, due_soon, False),
        (Stage.SOCIAL, AG, Orientation.SOCIALE, True, None, True),
        (Stage.EMPLOYMENT, AG, Orientation.SOCIO_PROFESSIONNELLE, True, None, False),
    ]
    people = [
        Planned(
            territory=spec,
            stage=stage,
            programme=programme,
            orientation=orientation,
            start_stage=ORIENTATION_STAGE[orientation],
            last_stage=stage,
            entered=entered,
            opened_days_ago=days,
            demo=True,
            nurse=nurse,
        )
        for stage, programme, orientation, entered, days, nurse in rows
    ]
    # The manager's queue: pending orientation, unassigned.
    for days in (overdue + 10, overdue, due_soon, just_opened):
        people.append(Planned(territory=spec, stage=Stage.PENDING, opened_days_ago=days))
    # Exits, to show outcomes and ended assignments.
    for programme, orientation, outcome in (
        (DC, Orientation.PROFESSIONNELLE, ExitOutcome.CDI),
        (FTR, Orientation.SOCIO_PROFESSIONNELLE, ExitOutcome.TRAINING),
    ):
        start = ORIENTATION_STAGE[orientation]
        people.append(
            Planned(
                territory=spec,
                stage=Stage.EXIT,
                programme=programme,
                orientation=orientation,
                start_stage=start,
                last_stage=start,
                entered=True,
                outcome=outcome,
            )
        )
    return people


def plan_person(rng, spec, partner_of=None):
    """The stage, programme and orientation of one random person."""
    if rng.random() < 0.08:
        return Planned(territory=spec, stage=Stage.PENDING, partner_of=partner_of)
    # Seed 001: 40 % of new applicants oriented straight to employment.
    orientation = weighted(
        rng,
        {
            Orientation.PROFESSIONNELLE: 40,
            Orientation.SOCIO_PROFESSIONNELLE: 35,
            Orientation.SOCIALE: 25,
        },
    )
    start = ORIENTATION_STAGE[orientation]
    programme = weighted(rng, spec.programmes)
    entered = rng.random() >= 0.10
    steps = weighted(rng, {0: 65, 1: 27, 2: 8}) if entered else 0
    reached = FOLLOWED_STAGES[min(FOLLOWED_STAGES.index(start) + steps, 2)]
    person = Planned(
        territory=spec,
        stage=reached,
        programme=programme,
        orientation=orientation,
        start_stage=start,
        last_stage=reached,
        entered=entered,
        by_advisor=rng.random() < 0.5,
        partner_of=partner_of,
    )
    if entered and rng.random() < 0.20:
        person.stage = Stage.EXIT
        person.outcome = weighted(rng, OUTCOME_WEIGHTS)
    return person


def plan_people(rng, count, territories):
    """Every person of the dataset, demo scenarios first; about 12 % of the
    demandeurs have a conjoint in the same household."""
    people = demo_scenarios()
    territory_weights = {spec: spec.weight for spec in territories}
    while len(people) < count:
        spec = weighted(rng, territory_weights)
        people.append(plan_person(rng, spec))
        if len(people) < count and rng.random() < 0.12:
            people.append(plan_person(rng, spec, partner_of=len(people) - 1))
    return people[:count]
