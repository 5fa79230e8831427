"""Demo data: a realistic, deterministic dataset of three Départements.

`seed_demo()` builds, for a seed and a reference day, the same people, staff,
pathways and deadlines every time: every random draw comes from one
`random.Random(seed)` and one `Faker("fr_FR")` seeded with the same seed, in a
fixed order, and every date is computed from the reference day.

How it works, in three passes so that no cap is ever exceeded:

1. plan: who lives where, at which stage, in which programme (cheap tuples);
2. staff: as many referents per territory as the plan needs, each filled to a
   share of their effective cap (cap × part-time ratio, rounded down), then
   every followed person is given a referent or a binôme;
3. rows: people and their history are generated chunk by chunk as plain
   {field: value} rows, parents' ids reserved ahead, and written in bulk
   (COPY on PostgreSQL, `bulk_create` elsewhere; see `insert_rows`), with no
   query per person, inside one transaction.

Places, programmes and figures come from the source documents (DESIGN.md);
names come from Faker and never from the sources.
"""

import datetime
import itertools
import random
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone
from faker import Faker

from beneficiaries.enums import (
    BarrierKind,
    BarrierState,
    Civility,
    HouseholdRole,
    OutreachChannel,
    OutreachResult,
)
from beneficiaries.models import Barrier, BarrierEvent, Beneficiary, HealthNote, OutreachAttempt
from beneficiaries.validators import nir_with_key
from caseload.enums import AssignmentEndReason, Programme, StaffRole, StructureKind
from caseload.models import DEFAULT_CAPS, Assignment, Binome, Commune, Departement, Structure
from caseload.models import Territory as TerritoryModel
from caseload.selectors import effective_cap
from caseload.services import departement_create, staff_create
from core.models import User
from pathways.deadlines import due_date, policies_for, reminder_schedule
from pathways.enums import (
    ContractKind,
    DeadlineKind,
    ExitOutcome,
    Funding,
    HoursReductionReason,
    InterviewKind,
    InterviewStatus,
    ObjectiveState,
    OfferTheme,
    Orientation,
    PrescriptionStatus,
    Stage,
)
from pathways.models import (
    CONTRAT_ENGAGEMENT_START,
    Contract,
    ContractObjective,
    Deadline,
    DeadlineReminder,
    Interview,
    OrientationDecision,
    Pathway,
    Prescription,
    ServiceOffer,
    StageTransition,
)

DEMO_PASSWORD = "demo-parcours-rsa"
DEFAULT_BENEFICIARIES = 600
MIN_BENEFICIARIES = 40
DUE_SOON = "due_soon"  # a demo scenario whose 15-day entry deadline falls in two days
CHUNK_SIZE = 2500  # people generated and written at a time (bounded memory)
BATCH_SIZE = 2500  # rows per INSERT

DC = Programme.DROIT_COMMUN
FTR = Programme.FRANCE_TRAVAIL_RENFORCE
AG = Programme.ACCOMPAGNEMENT_GLOBAL
FOLLOWED_STAGES = [Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT]
ORIENTATION_STAGE = {
    Orientation.SOCIALE: Stage.SOCIAL,
    Orientation.SOCIO_PROFESSIONNELLE: Stage.SOCIOPRO,
    Orientation.PROFESSIONNELLE: Stage.EMPLOYMENT,
}


# --- Reference data from the sources ------------------------------------------------


@dataclass(frozen=True, eq=False)
class TerritorySpec:
    key: str
    departement: str
    name: str
    weight: int  # share of the people
    programmes: dict  # programme -> weight
    communes: tuple  # (insee code, name, postcode, weight)
    agency: str  # France Travail agency
    nurse: bool = False


DEPARTEMENTS = [("45", "Loiret"), ("10", "Aube"), ("35", "Ille-et-Vilaine")]

# fmt: off
TERRITORIES = [
    # Loiret: the France Travail pilot around Montargis (seeds 000, 001), the
    # 2019 accompagnement global convention elsewhere (seed 002).
    TerritorySpec(
        "montargis", "45", "Agglomération montargoise", 25, {DC: 30, FTR: 50, AG: 20},
        (
            ("45208", "Montargis", "45200", 40),
            ("45068", "Châlette-sur-Loing", "45120", 25),
            ("45004", "Amilly", "45200", 20),
            ("45338", "Villemandeur", "45700", 10),
            ("45247", "Pannes", "45700", 5),
        ),
        "France Travail Montargis", nurse=True,
    ),
    TerritorySpec(
        "orleans", "45", "Orléans Métropole", 20, {DC: 80, AG: 20},
        (
            ("45234", "Orléans", "45000", 60),
            ("45147", "Fleury-les-Aubrais", "45400", 15),
            ("45284", "Saint-Jean-de-Braye", "45800", 12),
            ("45285", "Saint-Jean-de-la-Ruelle", "45140", 13),
        ),
        "France Travail Orléans",
    ),
    TerritorySpec(
        "giennois", "45", "Giennois", 10, {DC: 85, AG: 15},
        (
            ("45155", "Gien", "45500", 60),
            ("45254", "Poilly-lez-Gien", "45500", 15),
            ("45053", "Briare", "45250", 25),
        ),
        "France Travail Gien",
    ),
    # Aube: accompagnement global by binômes, Troyes then the Barsuraubois
    # (cantons of Bar-sur-Aube, Vendeuvre-sur-Barse and Soulaines-Dhuys, seed 003).
    TerritorySpec(
        "troyes", "10", "Troyes", 17, {DC: 70, AG: 30},
        (
            ("10387", "Troyes", "10000", 55),
            ("10081", "La Chapelle-Saint-Luc", "10600", 20),
            ("10362", "Sainte-Savine", "10300", 12),
            ("10333", "Saint-André-les-Vergers", "10120", 13),
        ),
        "France Travail Troyes", nurse=True,
    ),
    TerritorySpec(
        "barsuraubois", "10", "Barsuraubois", 8, {DC: 70, AG: 30},
        (
            ("10033", "Bar-sur-Aube", "10200", 45),
            ("10035", "Bayel", "10310", 10),
            ("10401", "Vendeuvre-sur-Barse", "10140", 25),
            ("10209", "Lusigny-sur-Barse", "10270", 10),
            ("10372", "Soulaines-Dhuys", "10200", 10),
        ),
        "France Travail Bar-sur-Aube",
    ),
    # Ille-et-Vilaine: the France Travail pilot of Redon (seed 004).
    TerritorySpec(
        "redon", "35", "Redon et Vallons de Vilaine", 20, {DC: 40, FTR: 60},
        (
            ("35236", "Redon", "35600", 45),
            ("35176", "Guipry-Messac", "35480", 15),
            ("35219", "Pipriac", "35550", 10),
            ("35012", "Bain-de-Bretagne", "35470", 18),
            ("35124", "Grand-Fougeray", "35390", 12),
        ),
        "France Travail Redon", nurse=True,
    ),
]
TERRITORY_BY_KEY = {spec.key: spec for spec in TERRITORIES}
DEMO_TERRITORY = "montargis"

# The service offer catalogue (seeds 000, 001, 002): title, theme, provider
# ("departement", "france_travail", "partner" or a name), funding, hours per
# week, and whether it is held in every territory (else Département-wide).
OFFER_CATALOGUE = [
    ("Atelier CV et lettre de motivation", OfferTheme.CV_WORKSHOP, "france_travail", Funding.NONE, 3, True),
    ("Préparer un entretien d'embauche", OfferTheme.INTERVIEW_WORKSHOP, "france_travail", Funding.NONE, 3, True),
    ("Visite d'entreprise : logistique et industrie", OfferTheme.COMPANY_VISIT, "departement", Funding.NONE, 4, True),
    ("Immersion professionnelle (PMSMP)", OfferTheme.IMMERSION, "france_travail", Funding.FRANCE_TRAVAIL, 20, True),
    ("Français langue étrangère, niveaux A1 à B1", OfferTheme.FLE, "Organisme de formation linguistique", Funding.REGION, 12, True),
    ("Premiers pas sur l'ordinateur et les démarches en ligne", OfferTheme.DIGITAL_SKILLS, "departement", Funding.DEPARTEMENT, 4, True),
    ("Remobilisation et projet professionnel", OfferTheme.PRE_QUALIFYING, "Organisme de formation conventionné", Funding.REGION, 20, False),
    ("Titre professionnel agent de propreté et d'hygiène", OfferTheme.QUALIFYING, "Organisme de formation conventionné", Funding.REGION, 30, False),
    ("Titre professionnel préparateur de commandes", OfferTheme.QUALIFYING, "Organisme de formation conventionné", Funding.OPCO, 35, False),
    ("CACES chariots élévateurs", OfferTheme.QUALIFYING, "Organisme de formation conventionné", Funding.AIF, 35, False),
    ("Chantier d'insertion espaces verts", OfferTheme.IAE, "Association d'insertion", Funding.DEPARTEMENT, 26, True),
    ("Missions en association intermédiaire", OfferTheme.IAE, "Association intermédiaire", Funding.NONE, 15, False),
    ("Aide au permis B et location solidaire", OfferTheme.MOBILITY, "departement", Funding.DEPARTEMENT, 4, True),
    ("Places d'accueil ponctuel pour jeunes enfants", OfferTheme.CHILDCARE, "departement", Funding.DEPARTEMENT, 0, True),
    ("Bilan de santé au centre d'examens", OfferTheme.HEALTH, "departement", Funding.NONE, 2, False),
    ("Atelier confiance en soi", OfferTheme.OTHER, "partner", Funding.DEPARTEMENT, 3, False),
]
STAGE_THEMES = {
    Stage.SOCIAL: [OfferTheme.FLE, OfferTheme.DIGITAL_SKILLS, OfferTheme.MOBILITY, OfferTheme.CHILDCARE, OfferTheme.HEALTH, OfferTheme.OTHER],
    Stage.SOCIOPRO: [OfferTheme.CV_WORKSHOP, OfferTheme.PRE_QUALIFYING, OfferTheme.IMMERSION, OfferTheme.FLE, OfferTheme.IAE, OfferTheme.OTHER],
    Stage.EMPLOYMENT: [OfferTheme.CV_WORKSHOP, OfferTheme.INTERVIEW_WORKSHOP, OfferTheme.COMPANY_VISIT, OfferTheme.IMMERSION, OfferTheme.QUALIFYING, OfferTheme.IAE],
}
BARRIER_THEME = {
    BarrierKind.FRENCH_LANGUAGE: OfferTheme.FLE,
    BarrierKind.MOBILITY: OfferTheme.MOBILITY,
    BarrierKind.CHILDCARE: OfferTheme.CHILDCARE,
    BarrierKind.DIGITAL_SKILLS: OfferTheme.DIGITAL_SKILLS,
    BarrierKind.TRAINING: OfferTheme.PRE_QUALIFYING,
}

# About half of the exits are returns to activity (seed 002: 50 %).
OUTCOME_WEIGHTS = {
    ExitOutcome.CDI: 14, ExitOutcome.CDD: 17, ExitOutcome.TRAINING: 12, ExitOutcome.BUSINESS_CREATION: 7,
    ExitOutcome.MOVED_AWAY: 12, ExitOutcome.END_OF_RIGHTS: 23, ExitOutcome.OTHER: 15,
}
OUTCOME_DETAILS = {
    ExitOutcome.CDI: ["CDI, préparateur de commandes", "CDI, agent d'entretien", "CDI, aide à domicile"],
    ExitOutcome.CDD: ["CDD de 6 mois en logistique", "CDD saisonnier en maraîchage", "CDD d'agent de restauration"],
    ExitOutcome.TRAINING: ["Entrée en formation qualifiante", "Formation d'aide-soignant"],
    ExitOutcome.BUSINESS_CREATION: ["Micro-entreprise de services à la personne", "Création d'une activité de nettoyage"],
    ExitOutcome.MOVED_AWAY: ["Déménagement hors du Département"],
    ExitOutcome.END_OF_RIGHTS: ["Fin de droits au RSA (ressources)"],
    ExitOutcome.OTHER: ["Entrée en invalidité", "Départ à la retraite"],
}
INTERVIEW_NOTES = {
    Stage.SOCIAL: [
        "Point sur la situation administrative et le logement.",
        "Droits CAF vérifiés ; démarches de domiciliation engagées.",
        "Échange sur la garde des enfants ; contact pris avec le relais petite enfance.",
        "Accompagnement au dossier de logement social.",
    ],
    Stage.SOCIOPRO: [
        "Travail sur le projet professionnel et les compétences transférables.",
        "Préparation d'une immersion en entreprise.",
        "Bilan de l'atelier CV ; premières candidatures identifiées.",
    ],
    Stage.EMPLOYMENT: [
        "Candidatures envoyées dans la logistique ; relance prévue.",
        "Préparation à l'entretien d'embauche.",
        "Point sur les offres du bassin d'emploi et sur la mobilité.",
    ],
}
OBJECTIVES = {
    Stage.SOCIAL: ["Stabiliser la situation de logement", "Trouver une solution de garde", "Effectuer un bilan de santé", "Suivre un atelier numérique"],
    Stage.SOCIOPRO: ["Définir un projet professionnel", "Réaliser une immersion en entreprise", "Suivre la formation FLE jusqu'au niveau A2", "Obtenir le permis B"],
    Stage.EMPLOYMENT: ["Mettre à jour le CV", "Candidater à cinq offres par mois", "Entrer en formation qualifiante", "Réaliser une immersion en entreprise"],
}
HEALTH_NOTES = [
    "Suivi médical en cours ; démarches de reconnaissance de la qualité de travailleur handicapé engagées.",
    "Orientation vers le centre médico-psychologique ; rendez-vous pris.",
    "Bilan de santé réalisé ; soins dentaires à programmer.",
    "Fatigue importante signalée ; rythme d'accompagnement adapté.",
]
REDUCTION_DETAILS = {
    HoursReductionReason.HEALTH: "Soins en cours, rythme allégé",
    HoursReductionReason.DISABILITY: "RQTH, aménagement du rythme",
    HoursReductionReason.SINGLE_PARENT: "Parent isolé, pas de solution de garde avant la rentrée",
}
# Interviews held per entered person (1 to 8, most people 2 to 4).
INTERVIEW_COUNTS = {1: 14, 2: 22, 3: 22, 4: 16, 5: 10, 6: 7, 7: 5, 8: 4}
# Birthplaces in a NIR: mainland Départements, abroad "99" and a country code.
BIRTH_DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20]
COUNTRY_CODES = ["350", "351", "352", "139", "134", "341"]
BARRIER_KINDS = list(BarrierKind)
BARRIERS_PER_STAGE = {Stage.SOCIAL: (2, 4), Stage.SOCIOPRO: (1, 3), Stage.EMPLOYMENT: (0, 2)}
OBJECTIVE_STATES = {ObjectiveState.ACHIEVED: 55, ObjectiveState.OPEN: 30, ObjectiveState.DROPPED: 15}
OUTREACH_CHANNELS = list(OutreachChannel)
LAST_OUTREACH_RESULTS = {
    OutreachResult.NO_ANSWER: 40, OutreachResult.REACHED: 25,
    OutreachResult.WRONG_CONTACT: 20, OutreachResult.REFUSED: 15,
}
# fmt: on


# --- Demo logins ---------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str


DEMO_LOGINS = [
    DemoLogin(StaffRole.SOCIAL_WORKER, "travailleur.social"),
    DemoLogin(StaffRole.SOCIOPRO_REFERENT, "referent.sociopro"),
    DemoLogin(StaffRole.PE_ADVISOR, "conseiller.ft"),
    DemoLogin(StaffRole.JOB_CONSULTANT, "consultant.emploi"),
    DemoLogin(StaffRole.NURSE, "infirmier"),
    DemoLogin(StaffRole.MANAGER, "chef.service"),
    DemoLogin(StaffRole.ADMIN, "admin"),
]
DEMO_USERNAME = {login.role: login.username for login in DEMO_LOGINS}


def has_data():
    """Whether the database already holds a Département (then the seed is skipped)."""
    return Departement.objects.exists()


def demo_login_rows():
    """(role label, username, full name or None, territory or None), one per role."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_USERNAME.values()).select_related(
            "staff_profile"
        )
    }
    territories = dict(
        TerritoryModel.objects.filter(staff__user__username__in=DEMO_USERNAME.values()).values_list(
            "staff__user__username", "name"
        )
    )
    rows = []
    for login in DEMO_LOGINS:
        user = users.get(login.username)
        rows.append(
            (
                StaffRole(login.role).label,
                login.username,
                user.get_full_name() if user else None,
                territories.get(login.username),
            )
        )
    return rows


def logins_table(rows):
    """The French table of the demo logins, printed at the end of the command."""
    header = ("Rôle", "Identifiant", "Nom", "Territoire")
    lines = [
        (role, username, name or "compte absent", territory or "—")
        for role, username, name, territory in rows
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(4)]

    def fmt(row):
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))

    out = [
        f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})",
        fmt(header),
        fmt(tuple("-" * width for width in widths)),
        *(fmt(row) for row in lines),
    ]
    out = [line.rstrip() for line in out]
    if any(name is None for _, _, name, _ in rows):
        out.append("Comptes absents : lancez « python manage.py seed_demo » pour les créer.")
    return "\n".join(out)


# --- Plan ----------------------------------------------------------------------------


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


def days(count):
    return datetime.timedelta(days=count)


def weighted(rng, weights):
    """One key of a {key: weight} dict."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


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


def plan_people(rng, count):
    """Every person of the dataset, demo scenarios first; about 12 % of the
    demandeurs have a conjoint in the same household."""
    people = demo_scenarios()
    territory_weights = {spec: spec.weight for spec in TERRITORIES}
    while len(people) < count:
        spec = weighted(rng, territory_weights)
        people.append(plan_person(rng, spec))
        if len(people) < count and rng.random() < 0.12:
            people.append(plan_person(rng, spec, partner_of=len(people) - 1))
    return people[:count]


# --- Staff ---------------------------------------------------------------------------


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


def thousands(number):
    """12 500 → "12 500", the French way."""
    return f"{number:,}".replace(",", " ")


def ascii_slug(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class Seeder:
    """Builds the dataset. One instance per run; see the module docstring."""

    def __init__(self, *, seed, today, progress=None):
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
        self.caf_numbers = {code: set() for code, _ in DEPARTEMENTS}
        self.nirs = {code: set() for code, _ in DEPARTEMENTS}
        self.due_cache = {}
        self.counts = Counter()
        self.ids = IdBlocks()

    # -- reference data

    def create_reference_data(self):
        """Départements (with their default caps), territories, communes,
        structures and the service offer catalogue."""
        self.departements = {
            code: departement_create(code=code, name=name) for code, name in DEPARTEMENTS
        }
        policies = policies_for([d.pk for d in self.departements.values()])
        self.policies = {code: policies[d.pk] for code, d in self.departements.items()}
        self.territories = {}
        self.communes = {}
        for spec in TERRITORIES:
            territory = TerritoryModel.objects.create(
                departement=self.departements[spec.departement], name=spec.name
            )
            self.territories[spec.key] = territory
            self.communes[spec.key] = (
                [
                    Commune.objects.create(
                        insee_code=insee, name=name, postcode=postcode, territory=territory
                    )
                    for insee, name, postcode, _weight in spec.communes
                ],
                [weight for *_rest, weight in spec.communes],
            )
        self.structures = {}
        for code, name in DEPARTEMENTS:
            departement = self.departements[code]
            self.structures[(code, "direction")] = Structure.objects.create(
                departement=departement,
                name=f"Direction de l'insertion, Département {departement_de(name)}",
                kind=StructureKind.DEPARTEMENT,
            )
            self.structures[(code, "partner")] = Structure.objects.create(
                departement=departement,
                name=f"Parcours Emploi Conseil {code}",
                kind=StructureKind.PARTNER,
            )
        for spec in TERRITORIES:
            departement = self.departements[spec.departement]
            self.structures[(spec.key, "service")] = Structure.objects.create(
                departement=departement,
                name=f"Service insertion, {spec.name}",
                kind=StructureKind.DEPARTEMENT,
            )
            self.structures[(spec.key, "agency")] = Structure.objects.create(
                departement=departement, name=spec.agency, kind=StructureKind.FRANCE_TRAVAIL
            )
        self.create_offers()

    def create_offers(self):
        offers = []
        for code, name in DEPARTEMENTS:
            specs = [spec for spec in TERRITORIES if spec.departement == code]
            for title, theme, provider, funding, hours, local in OFFER_CATALOGUE:
                for spec in specs if local else [None]:
                    offers.append(
                        ServiceOffer(
                            departement=self.departements[code],
                            title=title,
                            theme=theme,
                            provider=self.provider_name(provider, code, name, spec),
                            funding=funding,
                            territory=self.territories[spec.key] if spec else None,
                            default_hours_per_week=Decimal(hours),
                            description=f"{title}. Action de l'offre de service du Département.",
                        )
                    )
        ServiceOffer.objects.bulk_create(offers, batch_size=BATCH_SIZE)
        self.offers = {}  # (territory key, theme) -> [offer ids], Département-wide included
        territory_key = {t.pk: key for key, t in self.territories.items()}
        for offer in offers:
            keys = (
                [territory_key[offer.territory_id]]
                if offer.territory_id
                else [
                    spec.key for spec in TERRITORIES if spec.departement == offer.departement.code
                ]
            )
            for key in keys:
                self.offers.setdefault((key, offer.theme), []).append(offer.pk)

    def provider_name(self, provider, code, name, spec):
        if provider == "departement":
            return f"Département {departement_de(name)}"
        if provider == "france_travail":
            return spec.agency if spec else "France Travail"
        if provider == "partner":
            return f"Parcours Emploi Conseil {code}"
        return provider

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
        for spec in TERRITORIES:
            demo = spec.key == DEMO_TERRITORY
            self.create_managers(spec, per_territory[spec.key], demo=demo)
            if demo or (spec.nurse and per_territory[spec.key]):
                self.nurses[spec.key] = self.referent(spec, StaffRole.NURSE, None, demo=demo)
            if demo:
                pairs.extend(self.create_demo_referents(spec))
            pool_keys = sorted({key for (territory, key) in needs if territory == spec.key})
            if spec.departement == "10":
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
        for code, _name in DEPARTEMENTS:
            spec = next(s for s in TERRITORIES if s.departement == code)
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


class ChunkWriter:
    """Writes a chunk's rows while the next chunk is being built.

    On PostgreSQL the COPY of chunk k runs in a thread, on the seed's own
    connection and transaction, while Python builds chunk k+1: the database
    and Python each get a core. psycopg serialises any other use of the
    connection (id reservations) behind the COPY. Every random draw stays in
    the main thread, so the data does not change. Elsewhere rows are written
    at once.
    """

    def __init__(self):
        self.threaded = connection.vendor == "postgresql"
        self.thread = None
        self.errors = []

    def write(self, rows):
        self.wait()
        if not self.threaded:
            rows.save()
            return
        connection.ensure_connection()
        raw = connection.connection
        self.thread = threading.Thread(target=self.run, args=(rows, raw), name="seed-demo-writer")
        self.thread.start()

    def run(self, rows, raw):
        try:
            rows.save(raw)
        except BaseException as exc:  # re-raised in the main thread by wait()
            self.errors.append(exc)

    def wait(self):
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.errors:
            raise self.errors.pop()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.wait()
        elif self.thread is not None:
            # Failing already: let the COPY end before the transaction rolls back.
            self.thread.join()


def insert_rows(model, rows, raw_connection=None):
    """Write rows given as {attname: value} dicts, foreign keys already set.

    PostgreSQL gets the rows through COPY; other databases through
    `bulk_create`. Django's insert path costs about 100 µs a row in Python
    (value preparation, UNNEST arrays, RETURNING), too slow for the 2.3
    million rows of a 100,000-person seed; COPY takes the values as they are.
    Neither path validates row by row: the builder keeps every constraint.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return
    columns = copy_columns(model, rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column, _, _ in columns)
    # The writer thread passes the psycopg connection: Django's wrapper is
    # bound to the main thread.
    cursor = raw_connection.cursor() if raw_connection else connection.cursor()
    with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(attname, default) for _, attname, default in columns])


def copy_columns(model, sample):
    """(column, attname, value when the row omits it) for each column to write:
    the field's default as Django would set it, `now` for auto_now fields;
    database defaults and the identity are left to PostgreSQL."""
    fields = model._meta.concrete_fields
    unknown = set(sample) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__}: champs inconnus {sorted(unknown)}")
    now = timezone.now()
    columns = []
    for f in fields:
        if f.attname not in sample and (f.primary_key or f.db_default is not NOT_PROVIDED):
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()  # the default, "" for text, else NULL
        columns.append((f.column, f.attname, default))
    return columns


class IdBlocks:
    """Primary keys reserved ahead, a block at a time, so that children point at
    their parents by id before anything is written: `bulk_create` then has no
    related objects to resolve and no ids to return for the parents."""

    BLOCK = 20000  # few reservations: each waits for a COPY in progress

    def __init__(self):
        self.free = {}
        self.sqlite_next = {}

    def next(self, model):
        free = self.free.get(model)
        if not free:
            free = self.free[model] = self.reserve(model)
        return free.pop()

    def reserve(self, model):
        """A block of unused ids, in descending order (`pop` takes the smallest)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                    "FROM generate_series(1, %s) ORDER BY 1 DESC",
                    [table, self.BLOCK],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the seed holds the only write transaction, so the ids
            # after the largest one are free.
            if model not in self.sqlite_next:
                cursor.execute(
                    f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}"
                )
                self.sqlite_next[model] = cursor.fetchone()[0]
        start = self.sqlite_next[model]
        self.sqlite_next[model] = start + self.BLOCK
        return list(range(start + self.BLOCK - 1, start - 1, -1))


def departement_de(name):
    """« du Loiret », « de l'Aube », « d'Ille-et-Vilaine »."""
    if name[0] in "AEIOUÉ":
        return f"de l'{name}" if name == "Aube" else f"d'{name}"
    return f"du {name}"


class Rows:
    """The rows of a chunk, as {attname: value} dicts, written in dependency
    order (parents first: their ids are reserved, children carry them)."""

    ORDER = [
        Beneficiary,
        Pathway,
        Interview,
        Interview.attendees.through,
        StageTransition,
        OrientationDecision,
        Deadline,
        DeadlineReminder,
        Assignment,
        OutreachAttempt,
        HealthNote,
        Barrier,
        BarrierEvent,
        Prescription,
        Contract,
        ContractObjective,
    ]

    def __init__(self, ids):
        self.ids = ids
        self.tables = {model: [] for model in self.ORDER}

    def add(self, model, *, with_id=False, **values):
        """A row; `with_id` reserves its primary key, for rows that have children."""
        if with_id:
            values["id"] = self.ids.next(model)
        self.tables[model].append(values)
        return values

    def save(self, raw_connection=None):
        for model, rows in self.tables.items():
            if rows:
                insert_rows(model, rows, raw_connection)

    def counts(self):
        return Counter({model._meta.model_name: len(rows) for model, rows in self.tables.items()})


class PersonBuilder:
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
        interviews, matching a barrier or the stage."""
        rng, s = self.rng, self.s
        if not self.interviews:
            return
        count = rng.randint(0, 1) if self.p.last_stage == Stage.SOCIAL else rng.randint(0, 3)
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
            self.add(
                Prescription,
                beneficiary_id=self.person["id"],
                pathway_id=pathway["id"],
                offer_id=rng.choice(offers),
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


# --- Entry point ---------------------------------------------------------------------


@dataclass
class SeedResult:
    beneficiaries: int
    staff: int
    binomes: int
    seconds: float
    counts: Counter


def seed_demo(*, beneficiaries=DEFAULT_BENEFICIARIES, seed=1, today=None, progress=None):
    """Create the whole dataset in one transaction. `today` is the reference day
    every date is computed from (default: today's date)."""
    if beneficiaries < MIN_BENEFICIARIES:
        raise ValueError(f"Il faut au moins {MIN_BENEFICIARIES} bénéficiaires.")
    started = time.monotonic()
    seeder = Seeder(seed=seed, today=today or timezone.localdate(), progress=progress)
    with transaction.atomic():
        seeder.create_reference_data()
        people = plan_people(seeder.rng, beneficiaries)
        seeder.create_staff(people)
        seeder.assign_followers(people)
        seeder.progress(
            f"  {thousands(seeder.staff_count)} professionnels créés "
            f"({time.monotonic() - started:.0f} s)"
        )
        seeder.write_people(people)
    return SeedResult(
        beneficiaries=len(people),
        staff=seeder.staff_count,
        binomes=Binome.objects.count(),
        seconds=time.monotonic() - started,
        counts=seeder.counts,
    )
