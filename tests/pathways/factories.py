import datetime

import factory
from factory.django import DjangoModelFactory

from pathways.enums import DeadlineKind, InterviewKind, OfferTheme, Stage
from pathways.models import Deadline, Interview, Pathway, Prescription, ServiceOffer
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import DepartementFactory, UserFactory


class PathwayFactory(DjangoModelFactory):
    class Meta:
        model = Pathway

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    stage = Stage.PENDING
    opened_on = factory.LazyFunction(datetime.date.today)


class DeadlineFactory(DjangoModelFactory):
    class Meta:
        model = Deadline

    pathway = factory.SubFactory(PathwayFactory)
    kind = DeadlineKind.ENTRY
    reference_date = factory.LazyFunction(datetime.date.today)
    due_on = factory.LazyAttribute(lambda d: d.reference_date + datetime.timedelta(days=15))


class InterviewFactory(DjangoModelFactory):
    class Meta:
        model = Interview

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    occurred_on = factory.LazyFunction(datetime.date.today)
    kind = InterviewKind.INDIVIDUAL
    author = factory.SubFactory(UserFactory)


class ServiceOfferFactory(DjangoModelFactory):
    class Meta:
        model = ServiceOffer

    departement = factory.SubFactory(DepartementFactory)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    theme = OfferTheme.CV_WORKSHOP
    provider = "Département"


class PrescriptionFactory(DjangoModelFactory):
    class Meta:
        model = Prescription

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    offer = factory.SubFactory(
        ServiceOfferFactory, departement=factory.SelfAttribute("..beneficiary.departement")
    )
    hours_per_week = 6
    prescribed_on = factory.LazyFunction(datetime.date.today)
