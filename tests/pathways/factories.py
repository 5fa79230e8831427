import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from beneficiaries.models import Beneficiary
from caseload.enums import Programme
from caseload.models import Assignment
from pathways.enums import DeadlineKind, ExitOutcome, InterviewKind, OfferTheme, Stage
from pathways.models import Deadline, Interview, Pathway, Prescription, ServiceOffer
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import DepartementFactory, UserFactory


class PathwayFactory(DjangoModelFactory):
    class Meta:
        model = Pathway

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    stage = Stage.PENDING
    opened_on = factory.LazyFunction(datetime.date.today)

    class Params:
        closed = factory.Trait(
            stage=Stage.EXIT,
            outcome=ExitOutcome.CDI,
            opened_on=factory.LazyFunction(
                lambda: datetime.date.today() - datetime.timedelta(days=400)
            ),
            closed_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30)),
        )


class DeadlineFactory(DjangoModelFactory):
    class Meta:
        model = Deadline

    pathway = factory.SubFactory(PathwayFactory)
    kind = DeadlineKind.ENTRY
    reference_date = factory.LazyFunction(datetime.date.today)
    due_on = factory.LazyAttribute(lambda d: d.reference_date + datetime.timedelta(days=15))

    class Params:
        met = factory.Trait(
            met_on=factory.LazyAttribute(lambda d: d.reference_date + datetime.timedelta(days=3))
        )
        cancelled = factory.Trait(cancelled_on=factory.LazyAttribute(lambda d: d.reference_date))


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


def people_with_pathways(count, *, departement, territory, followed_by=None, opened_on=None):
    """`count` people of a territory, each with an open pathway, its entry and
    orientation deadlines and (when `followed_by` is given) an assignment,
    inserted in one query per table so that large portfolios stay fast."""
    opened_on = opened_on or datetime.date.today()
    people = Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build_batch(count, departement=departement, territory=territory)
    )
    if followed_by is not None:
        Assignment.objects.bulk_create(
            Assignment(beneficiary=person, staff=followed_by, programme=Programme.DROIT_COMMUN)
            for person in people
        )
    pathways = Pathway.objects.bulk_create(
        Pathway(beneficiary=person, stage=Stage.PENDING, opened_on=opened_on) for person in people
    )
    Deadline.objects.bulk_create(
        Deadline(
            pathway=pathway,
            kind=kind,
            reference_date=opened_on,
            due_on=opened_on + datetime.timedelta(days=days),
        )
        for pathway in pathways
        for kind, days in ((DeadlineKind.ENTRY, 15), (DeadlineKind.ORIENTATION, 42))
    )
    return people
