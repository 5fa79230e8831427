"""A record followed by one staff member of every role: the privacy and
health note tests share it (the `record` fixture of this package's conftest)."""

from tests.beneficiaries.factories import BeneficiaryFactory, HealthNoteFactory
from tests.caseload.factories import (
    AssignmentFactory,
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
)

HEALTH_NOTE = "Suivi en addictologie, rendez-vous au CSAPA tous les mardis."
REFERENT_TRAITS = ["sociopro_referent", "social_worker", "pe_advisor", "job_consultant", "nurse"]


def record_followed_by_every_role():
    """A person with a NIR and a health note, followed by one staff member of
    each referent role; a manager of the territory; an admin of the Département."""
    departement = DepartementFactory()
    structure = StructureFactory(departement=departement)
    territory = TerritoryFactory(departement=departement)
    person = BeneficiaryFactory(departement=departement, territory=territory)
    HealthNoteFactory(beneficiary=person, text=HEALTH_NOTE)
    staff = {}
    for trait in REFERENT_TRAITS:
        traits = {} if trait == "sociopro_referent" else {trait: True}
        staff[trait] = StaffProfileFactory(structure=structure, territories=[territory], **traits)
        AssignmentFactory(beneficiary=person, staff=staff[trait])
    for trait in ("manager", "admin"):
        staff[trait] = StaffProfileFactory(
            structure=structure, territories=[territory], **{trait: True}
        )
    return person, staff
