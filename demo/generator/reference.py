"""Reference data from the sources: Départements, territories and their
communes, structures, the service offer catalogue and the wording used for
people's histories (DESIGN.md); `ReferenceDataMixin` creates them."""

from dataclasses import dataclass, replace
from decimal import Decimal

from beneficiaries.enums import BarrierKind, OutreachChannel, OutreachResult
from caseload.enums import Programme, StructureKind
from caseload.models import Commune, Structure
from caseload.models import Territory as TerritoryModel
from caseload.services import departement_create
from core.bulk import BATCH_SIZE
from pathways.enums import (
    ExitOutcome,
    Funding,
    HoursReductionReason,
    ObjectiveState,
    OfferTheme,
    Orientation,
    Stage,
)
from pathways.models import ServiceOffer
from pathways.policies import policies_for

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
    binomes: bool = False  # a binôme even where the plan needs none (seed 003)


# (code, name, the name after « Département »)
DEPARTEMENTS = [
    ("45", "Loiret", "du Loiret"),
    ("10", "Aube", "de l'Aube"),
    ("35", "Ille-et-Vilaine", "d'Ille-et-Vilaine"),
]

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
        "France Travail Troyes", nurse=True, binomes=True,
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
        "France Travail Bar-sur-Aube", binomes=True,
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

# A larger dataset spreads over more Départements instead of swelling three:
# the largest Départements follow about 100,000 RSA households and a national
# instance would hold about 100 of them (docs/scaling.md), so a territory keeps
# a real territory's size while the tables grow. Each further 100,000 people
# add three Départements shaped like the three above (the same territories'
# weights, programmes and nurses, with numbered sectors and communes).
PEOPLE_PER_SHAPE = 100_000
FURTHER_DEPARTEMENTS = [
    ("01", "Ain", "de l'Ain"), ("02", "Aisne", "de l'Aisne"), ("03", "Allier", "de l'Allier"),
    ("04", "Alpes-de-Haute-Provence", "des Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes", "des Hautes-Alpes"), ("06", "Alpes-Maritimes", "des Alpes-Maritimes"),
    ("07", "Ardèche", "de l'Ardèche"), ("08", "Ardennes", "des Ardennes"),
    ("09", "Ariège", "de l'Ariège"), ("11", "Aude", "de l'Aude"), ("12", "Aveyron", "de l'Aveyron"),
    ("13", "Bouches-du-Rhône", "des Bouches-du-Rhône"), ("14", "Calvados", "du Calvados"),
    ("15", "Cantal", "du Cantal"), ("16", "Charente", "de la Charente"),
    ("17", "Charente-Maritime", "de la Charente-Maritime"), ("18", "Cher", "du Cher"),
    ("19", "Corrèze", "de la Corrèze"), ("21", "Côte-d'Or", "de la Côte-d'Or"),
    ("22", "Côtes-d'Armor", "des Côtes-d'Armor"), ("23", "Creuse", "de la Creuse"),
    ("24", "Dordogne", "de la Dordogne"), ("25", "Doubs", "du Doubs"), ("26", "Drôme", "de la Drôme"),
    ("27", "Eure", "de l'Eure"), ("28", "Eure-et-Loir", "d'Eure-et-Loir"),
    ("29", "Finistère", "du Finistère"), ("30", "Gard", "du Gard"),
    ("31", "Haute-Garonne", "de la Haute-Garonne"), ("32", "Gers", "du Gers"),
    ("33", "Gironde", "de la Gironde"), ("34", "Hérault", "de l'Hérault"),
    ("36", "Indre", "de l'Indre"), ("37", "Indre-et-Loire", "d'Indre-et-Loire"),
    ("38", "Isère", "de l'Isère"), ("39", "Jura", "du Jura"), ("40", "Landes", "des Landes"),
    ("41", "Loir-et-Cher", "de Loir-et-Cher"), ("42", "Loire", "de la Loire"),
    ("43", "Haute-Loire", "de la Haute-Loire"), ("44", "Loire-Atlantique", "de la Loire-Atlantique"),
    ("46", "Lot", "du Lot"), ("47", "Lot-et-Garonne", "de Lot-et-Garonne"),
    ("48", "Lozère", "de la Lozère"), ("49", "Maine-et-Loire", "de Maine-et-Loire"),
    ("50", "Manche", "de la Manche"), ("51", "Marne", "de la Marne"),
    ("52", "Haute-Marne", "de la Haute-Marne"), ("53", "Mayenne", "de la Mayenne"),
    ("54", "Meurthe-et-Moselle", "de Meurthe-et-Moselle"), ("55", "Meuse", "de la Meuse"),
    ("56", "Morbihan", "du Morbihan"), ("57", "Moselle", "de la Moselle"),
    ("58", "Nièvre", "de la Nièvre"), ("59", "Nord", "du Nord"), ("60", "Oise", "de l'Oise"),
    ("61", "Orne", "de l'Orne"), ("62", "Pas-de-Calais", "du Pas-de-Calais"),
    ("63", "Puy-de-Dôme", "du Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques", "des Pyrénées-Atlantiques"),
]

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


@dataclass(frozen=True)
class Geography:
    """The Départements (code, name, « du … » form) and territories of a seed."""

    departements: list
    territories: list


def max_beneficiaries(people_per_shape=PEOPLE_PER_SHAPE):
    """The largest dataset the further Départements can hold."""
    shapes = 1 + len(FURTHER_DEPARTEMENTS) // len(DEPARTEMENTS)
    return shapes * people_per_shape + people_per_shape - 1


def geography(beneficiaries, people_per_shape=PEOPLE_PER_SHAPE):
    """The three Départements of the sources, and one more set of three shaped
    like them per further `people_per_shape` people (see FURTHER_DEPARTEMENTS)."""
    if beneficiaries > max_beneficiaries(people_per_shape):
        raise ValueError(
            f"Au plus {max_beneficiaries(people_per_shape):,} bénéficiaires".replace(",", " ")
        )
    departements, territories = list(DEPARTEMENTS), list(TERRITORIES)
    for copy in range(1, max(1, beneficiaries // people_per_shape)):
        further = FURTHER_DEPARTEMENTS[(copy - 1) * 3 : copy * 3]
        departements.extend(further)
        for (shape_code, *_), (code, name, _of) in zip(DEPARTEMENTS, further, strict=True):
            specs = [spec for spec in TERRITORIES if spec.departement == shape_code]
            commune = 0
            for sector, spec in enumerate(specs, start=1):
                communes = []
                for _insee, _name, _postcode, weight in spec.communes:
                    commune += 1
                    insee = f"{code}{commune:03d}"
                    communes.append((insee, f"Commune {insee}", insee, weight))
                territories.append(
                    replace(
                        spec,
                        key=f"{spec.key}-{copy}",
                        departement=code,
                        name=f"{name}, secteur {sector}",
                        communes=tuple(communes),
                        agency=f"France Travail {name} {sector}",
                    )
                )
    return Geography(departements, territories)


class ReferenceDataMixin:
    """The reference data part of `demo.seeder.Seeder`."""

    # -- reference data

    def create_reference_data(self):
        """Départements (with their default caps), territories, communes,
        structures and the service offer catalogue."""
        departements, territories = self.geography.departements, self.geography.territories
        self.departements = {
            code: departement_create(code=code, name=name) for code, name, _of in departements
        }
        policies = policies_for([d.pk for d in self.departements.values()])
        self.policies = {code: policies[d.pk] for code, d in self.departements.items()}
        self.territories = {}
        self.communes = {}
        for spec in territories:
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
        for code, _name, of_departement in departements:
            departement = self.departements[code]
            self.structures[(code, "direction")] = Structure.objects.create(
                departement=departement,
                name=f"Direction de l'insertion, Département {of_departement}",
                kind=StructureKind.DEPARTEMENT,
            )
            self.structures[(code, "partner")] = Structure.objects.create(
                departement=departement,
                name=f"Parcours Emploi Conseil {code}",
                kind=StructureKind.PARTNER,
            )
        for spec in territories:
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
        specs_of = {}
        for spec in self.geography.territories:
            specs_of.setdefault(spec.departement, []).append(spec)
        for code, _name, of_departement in self.geography.departements:
            specs = specs_of[code]
            for title, theme, provider, funding, hours, local in OFFER_CATALOGUE:
                for spec in specs if local else [None]:
                    offers.append(
                        ServiceOffer(
                            departement=self.departements[code],
                            title=title,
                            theme=theme,
                            provider=self.provider_name(provider, code, of_departement, spec),
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
                else [spec.key for spec in specs_of[offer.departement.code]]
            )
            for key in keys:
                self.offers.setdefault((key, offer.theme), []).append(offer.pk)

    def provider_name(self, provider, code, of_departement, spec):
        if provider == "departement":
            return f"Département {of_departement}"
        if provider == "france_travail":
            return spec.agency if spec else "France Travail"
        if provider == "partner":
            return f"Parcours Emploi Conseil {code}"
        return provider
