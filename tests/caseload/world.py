"""Two Départements with every role, for the scoping and privacy tests.

Département A has two territories: "Montargis" (where the referents and the
manager work) and "Gien" (another manager's). Département B has its own staff
and people. Each person is named after the reason they are in the world.
"""

from dataclasses import dataclass

import pytest

from caseload.enums import Programme
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import (
    AssignmentFactory,
    BinomeFactory,
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
    UserFactory,
)


@dataclass
class World:
    departement: object
    territory: object
    other_territory: object
    referent: object
    colleague: object
    other_territory_referent: object
    pe_advisor: object
    social_worker: object
    nurse: object
    job_consultant: object
    manager: object
    other_territory_manager: object
    admin: object
    own_person: object
    colleague_person: object
    binome_person: object
    ended_person: object
    unassigned_person: object
    other_territory_person: object
    other_departement: object
    other_departement_referent: object
    other_departement_manager: object
    other_departement_admin: object
    other_departement_person: object
    no_profile_user: object

    @property
    def departement_a_people(self):
        return [
            self.own_person,
            self.colleague_person,
            self.binome_person,
            self.ended_person,
            self.unassigned_person,
            self.other_territory_person,
        ]

    @property
    def everyone(self):
        return [*self.departement_a_people, self.other_departement_person]


def build_world():
    """Long on purpose: the whole world reads top to bottom in one place, each
    person created next to their assignments."""
    departement = DepartementFactory(name="Loiret")
    territory = TerritoryFactory(departement=departement, name="Montargis")
    other_territory = TerritoryFactory(departement=departement, name="Gien")
    structure = StructureFactory(departement=departement, name="Service insertion")

    def staff(name, *, territories=(territory,), **traits):
        return StaffProfileFactory(
            structure=structure,
            territories=list(territories),
            user__last_name=name,
            user__username=f"{name.lower()}-{departement.code}",
            **traits,
        )

    def person(name, *, territory=territory, departement=departement):
        return BeneficiaryFactory(departement=departement, territory=territory, last_name=name)

    referent = staff("Referente")
    colleague = staff("Collegue")
    other_territory_referent = staff("Gienne", territories=[other_territory])
    pe_advisor = staff("Conseiller", pe_advisor=True)
    social_worker = staff("Sociale", social_worker=True)
    binome = BinomeFactory(pe_advisor=pe_advisor, social_worker=social_worker)

    own_person = person("Suivie")
    AssignmentFactory(beneficiary=own_person, staff=referent)
    colleague_person = person("Collegue")
    AssignmentFactory(beneficiary=colleague_person, staff=colleague)
    binome_person = person("Binome")
    for member in (pe_advisor, social_worker):
        AssignmentFactory(
            beneficiary=binome_person,
            staff=member,
            binome=binome,
            programme=Programme.ACCOMPAGNEMENT_GLOBAL,
        )
    ended_person = person("Ancienne")
    AssignmentFactory(beneficiary=ended_person, staff=referent, ended=True)
    AssignmentFactory(beneficiary=ended_person, staff=colleague)
    other_territory_person = person("Gien", territory=other_territory)
    AssignmentFactory(beneficiary=other_territory_person, staff=other_territory_referent)

    other_departement = DepartementFactory(name="Aube")
    other_dep_territory = TerritoryFactory(departement=other_departement, name="Troyes")
    other_structure = StructureFactory(departement=other_departement, name="Service insertion")
    other_departement_referent = StaffProfileFactory(
        structure=other_structure, territories=[other_dep_territory]
    )
    other_departement_person = person(
        "Aube", territory=other_dep_territory, departement=other_departement
    )
    AssignmentFactory(beneficiary=other_departement_person, staff=other_departement_referent)

    return World(
        departement=departement,
        territory=territory,
        other_territory=other_territory,
        referent=referent,
        colleague=colleague,
        other_territory_referent=other_territory_referent,
        pe_advisor=pe_advisor,
        social_worker=social_worker,
        nurse=staff("Infirmiere", nurse=True),
        job_consultant=staff("Consultant", job_consultant=True),
        manager=staff("Cheffe", manager=True),
        other_territory_manager=staff("Chef-Gien", territories=[other_territory], manager=True),
        admin=staff("Admin", territories=[], admin=True),
        own_person=own_person,
        colleague_person=colleague_person,
        binome_person=binome_person,
        ended_person=ended_person,
        unassigned_person=person("Sans-Referent"),
        other_territory_person=other_territory_person,
        other_departement=other_departement,
        other_departement_referent=other_departement_referent,
        other_departement_manager=StaffProfileFactory(
            structure=other_structure, territories=[other_dep_territory], manager=True
        ),
        other_departement_admin=StaffProfileFactory(
            structure=other_structure, territories=[], admin=True
        ),
        other_departement_person=other_departement_person,
        no_profile_user=UserFactory(),
    )


@pytest.fixture
def world():
    built = build_world()
    assert built.departement.pk != built.other_departement.pk
    return built
