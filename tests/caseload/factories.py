import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from caseload.enums import AssignmentEndReason, Programme, StaffRole, StructureKind
from caseload.models import (
    Assignment,
    Binome,
    Commune,
    Departement,
    StaffProfile,
    Structure,
    Territory,
)
from caseload.services import cap_policies_initialise
from core.models import User


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"{(n % 89) + 1:02d}" if n < 89 else f"9{n % 10}{n % 7}")
    name = factory.Sequence(lambda n: f"Département {n}")

    @factory.post_generation
    def cap_policies(obj, create, extracted, **kwargs):
        if create:
            cap_policies_initialise(departement=obj)


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory

    departement = factory.SubFactory(DepartementFactory)
    name = factory.Sequence(lambda n: f"Territoire {n}")


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune

    territory = factory.SubFactory(TerritoryFactory)
    insee_code = factory.Sequence(lambda n: f"{45000 + n % 50000:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    postcode = factory.Sequence(lambda n: f"{45000 + n % 50000:05d}")


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure

    departement = factory.SubFactory(DepartementFactory)
    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = StructureKind.DEPARTEMENT


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("mot-de-passe-de-test")


class StaffProfileFactory(DjangoModelFactory):
    """A staff member. `territories` takes a list; by default one territory of
    the structure's Département."""

    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = StaffRole.SOCIOPRO_REFERENT
    structure = factory.SubFactory(StructureFactory)

    class Params:
        social_worker = factory.Trait(role=StaffRole.SOCIAL_WORKER)
        pe_advisor = factory.Trait(
            role=StaffRole.PE_ADVISOR, structure__kind=StructureKind.FRANCE_TRAVAIL
        )
        job_consultant = factory.Trait(role=StaffRole.JOB_CONSULTANT)
        nurse = factory.Trait(role=StaffRole.NURSE)
        manager = factory.Trait(role=StaffRole.MANAGER)
        admin = factory.Trait(role=StaffRole.ADMIN, user__is_staff=True)

    @factory.post_generation
    def territories(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [TerritoryFactory(departement=obj.structure.departement)]
        obj.territories.add(*extracted)


class BinomeFactory(DjangoModelFactory):
    class Meta:
        model = Binome

    pe_advisor = factory.SubFactory(StaffProfileFactory, pe_advisor=True)
    social_worker = factory.SubFactory(
        StaffProfileFactory,
        social_worker=True,
        structure=factory.SelfAttribute("..pe_advisor.structure"),
    )


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    beneficiary = factory.SubFactory("tests.beneficiaries.factories.BeneficiaryFactory")
    staff = factory.SubFactory(StaffProfileFactory)
    programme = Programme.DROIT_COMMUN
    reason = "Affectation initiale"

    class Params:
        # An assignment that ran for a month and ended yesterday (explicit
        # dates, so it stays valid under a frozen clock).
        ended = factory.Trait(
            started_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=31)),
            ended_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
            end_reason=AssignmentEndReason.REBALANCING,
        )
