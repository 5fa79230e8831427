import datetime

import factory
from factory.django import DjangoModelFactory

from beneficiaries.enums import BarrierKind, BarrierState, HouseholdRole
from beneficiaries.models import Barrier, Beneficiary, HealthNote
from beneficiaries.validators import nir_with_key
from tests.caseload.factories import AssignmentFactory, DepartementFactory, TerritoryFactory


def _nir(person):
    sex = "2" if person.civility == "mme" else "1"
    birth = person.birth_date
    return nir_with_key(f"{sex}{birth:%y%m}45234{person.sequence_number % 1000:03d}")


class BeneficiaryFactory(DjangoModelFactory):
    """A person. Pass `followed_by=<StaffProfile>` to assign them at once."""

    class Meta:
        model = Beneficiary
        skip_postgeneration_save = True

    class Params:
        sequence_number = factory.Sequence(int)

    departement = factory.SubFactory(DepartementFactory)
    territory = factory.SubFactory(
        TerritoryFactory, departement=factory.SelfAttribute("..departement")
    )
    caf_number = factory.Sequence(lambda n: f"{1000000 + n}")
    household_role = HouseholdRole.DEMANDEUR
    civility = "mme"
    first_name = factory.Faker("first_name_female", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = datetime.date(1985, 4, 12)
    nir = factory.LazyAttribute(_nir)
    rsa_application_date = factory.LazyFunction(datetime.date.today)

    @factory.post_generation
    def followed_by(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            AssignmentFactory(beneficiary=obj, staff=extracted, **kwargs)


class BarrierFactory(DjangoModelFactory):
    class Meta:
        model = Barrier

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    kind = BarrierKind.MOBILITY
    state = BarrierState.IDENTIFIED
    identified_on = factory.LazyFunction(datetime.date.today)


class HealthNoteFactory(DjangoModelFactory):
    class Meta:
        model = HealthNote

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    text = factory.Sequence(lambda n: f"Suivi médical confidentiel numéro {n}")
    author = factory.SubFactory("tests.caseload.factories.UserFactory")
