"""A small Département built through the real services, where every figure of
March 2026 is known by construction (the expected values are written next to
each person, and asserted in test_figures.py).

The clock is frozen at each step (time_machine) so that the services date
what they write; the few timestamps the database stamps with its own clock
(a transition's `occurred_at`, an assignment's `started_at`) are set after
the fact to the day the step happened.

Département "Stat", period [2026-03-01, 2026-04-01) at Europe/Paris midnight,
"today" 2026-07-01:

- territory Nord (the manager's), territory Sud (another one);
- A: applied 2 March, oriented socio-pro 5 March, first interview 10 March
  (8 days: on time), mobility barrier identified 10 March, lifted 25 March,
  contract 20 March (15 h), back to social 28 March; assigned to R1 (sociopro,
  half time) on 5 March;
- B: applied 10 March, first interview 5 April (26 days: late), never
  oriented: waiting on 31 March (21 days);
- C: applied 31 March, no interview: overdue entry, waiting on 31 March (0 day);
- D: applied 20 February, interview 3 March, exit CDI 15 March;
- E: applied 1 December 2025, interview 10 December, exit "other" on
  31 March at 23:30 Paris time (inside the period);
- F: same as E, exit CDD on 1 April at 00:30 Paris time (31 March in UTC:
  outside the period);
- G: applied 1 October 2025, interview 10 October, exit CDD 15 January,
  re-enters on 16 March, oriented social 18 March, interview 20 March (4 days:
  on time), housing barrier identified 20 March; assigned to R2 (social
  worker) on 18 March;
- H: in Sud, applied 5 March, interview 6 March (only the admin sees H).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine

from caseload.enums import Programme
from caseload.models import Assignment
from caseload.services import assignment_create
from intake.people import beneficiary_create
from pathways.enums import InterviewKind, Orientation, Stage
from pathways.models import Pathway, StageTransition
from pathways.services.followup import contract_create, interview_create
from pathways.services.opening import pathways_open_bulk
from pathways.services.orientation import orientation_decide
from pathways.services.transitions import pathway_advance
from tests.caseload.factories import (
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
)

PARIS = ZoneInfo("Europe/Paris")
START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 4, 1)
TODAY = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=PARIS)


def at(day, hour=12, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def d(month, day, year=2026):
    return datetime.date(year, month, day)


@dataclass
class StatWorld:
    departement: object
    nord: object
    sud: object
    manager: object
    admin: object
    r1: object
    r2: object
    people: dict


def _stamp(person, to_stage, moment, *, latest=True):
    """The database stamps a transition with its own clock: set it to the
    moment the step happened (the latest pathway's, unless said otherwise)."""
    pathways = Pathway.objects.filter(beneficiary=person).order_by("-pk" if latest else "pk")
    StageTransition.objects.filter(pathway=pathways[0], to_stage=to_stage).update(
        occurred_at=moment
    )


def build_stat_world():
    departement = DepartementFactory(code="77", name="Stat")
    nord = TerritoryFactory(departement=departement, name="Nord")
    sud = TerritoryFactory(departement=departement, name="Sud")
    structure = StructureFactory(departement=departement, name="Service insertion")
    manager = StaffProfileFactory(structure=structure, manager=True, territories=[nord])
    admin = StaffProfileFactory(structure=structure, admin=True, territories=[])
    r1 = StaffProfileFactory(structure=structure, territories=[nord], part_time_ratio="0.50")
    r2 = StaffProfileFactory(structure=structure, social_worker=True, territories=[nord])
    acting = admin.user
    people = {}

    def create(key, applied, territory=nord):
        with time_machine.travel(at(applied), tick=False):
            people[key] = beneficiary_create(
                acting_user=acting,
                departement=departement,
                caf_number=f"{1000 + len(people)}",
                household_role="demandeur",
                last_name=f"Personne {key}",
                first_name="Test",
                territory=territory,
                rsa_application_date=applied,
            )
        _stamp(people[key], Stage.PENDING, at(applied, 0, 0))
        return people[key]

    def interview(key, day, attendees=(), barriers=None):
        with time_machine.travel(at(day), tick=False):
            interview_create(
                acting_user=acting,
                beneficiary=people[key],
                occurred_on=day,
                kind=InterviewKind.INDIVIDUAL,
                attendees=attendees,
                barrier_changes=barriers,
            )

    def orient(key, day, stage, orientation):
        pathway = Pathway.objects.get(beneficiary=people[key], closed_at__isnull=True)
        with time_machine.travel(at(day), tick=False):
            orientation_decide(
                pathway=pathway,
                orientation=orientation,
                programme=Programme.DROIT_COMMUN,
                starting_stage=stage,
                acting_user=manager.user,
                decided_on=day,
            )
        _stamp(people[key], stage, at(day))

    def assign(key, staff, day):
        with time_machine.travel(at(day), tick=False):
            assignment = assignment_create(
                beneficiary=people[key], staff=staff, acting_user=manager.user, reason="Suivi"
            )
        Assignment.objects.filter(pk=assignment.pk).update(started_at=at(day))

    def leave(key, moment, outcome):
        pathway = Pathway.objects.get(beneficiary=people[key], closed_at__isnull=True)
        with time_machine.travel(moment, tick=False):
            pathway_advance(
                acting_user=acting, pathway=pathway, to_stage=Stage.EXIT, outcome=outcome
            )
        StageTransition.objects.filter(pathway=pathway, to_stage=Stage.EXIT).update(
            occurred_at=moment
        )

    create("A", d(3, 2))
    orient("A", d(3, 5), Stage.SOCIOPRO, Orientation.SOCIO_PROFESSIONNELLE)
    assign("A", r1, d(3, 5))
    interview("A", d(3, 10), [r1], {"mobility": "identified"})
    with time_machine.travel(at(d(3, 20)), tick=False):
        contract_create(
            acting_user=acting,
            beneficiary=people["A"],
            signed_on=d(3, 20),
            review_on=d(9, 20),
            weekly_hours=15,
        )
    interview("A", d(3, 25), [r1], {"mobility": "lifted"})
    with time_machine.travel(at(d(3, 28)), tick=False):
        pathway_advance(
            acting_user=r1.user,
            pathway=Pathway.objects.get(beneficiary=people["A"], closed_at__isnull=True),
            to_stage=Stage.SOCIAL,
            reason="Freins sociaux à lever d'abord",
        )
    _stamp(people["A"], Stage.SOCIAL, at(d(3, 28)))

    create("B", d(3, 10))
    create("C", d(3, 31))

    create("D", d(2, 20))
    interview("D", d(3, 3), [r1])
    leave("D", at(d(3, 15)), "cdi")

    create("E", d(12, 1, 2025))
    interview("E", d(12, 10, 2025))
    leave("E", at(d(3, 31), 23, 30), "other")

    create("F", d(12, 1, 2025))
    interview("F", d(12, 10, 2025))
    leave("F", at(d(4, 1), 0, 30), "cdd")

    create("G", d(10, 1, 2025))
    interview("G", d(10, 10, 2025))
    leave("G", at(d(1, 15)), "cdd")
    with time_machine.travel(at(d(3, 16)), tick=False):
        pathways_open_bulk(
            openings=[(people["G"].pk, d(3, 16), d(3, 16))],
            departement_id=departement.pk,
            acting_user=acting,
        )
    _stamp(people["G"], Stage.PENDING, at(d(3, 16), 0, 0))
    orient("G", d(3, 18), Stage.SOCIAL, Orientation.SOCIALE)
    assign("G", r2, d(3, 18))
    interview("G", d(3, 20), [r1], {"housing": "identified"})

    interview("B", d(4, 5), [r1], {"mobility": "identified"})

    create("H", d(3, 5), territory=sud)
    interview("H", d(3, 6))

    return StatWorld(departement, nord, sud, manager, admin, r1, r2, people)
