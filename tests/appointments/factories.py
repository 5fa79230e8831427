import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from appointments.enums import PlaceKind, SlotKind
from appointments.models import Place, Slot
from tests.caseload.factories import StaffProfileFactory, TerritoryFactory


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    territory = factory.SubFactory(TerritoryFactory)
    kind = PlaceKind.STRUCTURE
    name = factory.Sequence(lambda n: f"Maison du Département {n}")
    address_line = "12 rue de la République"
    postcode = "45200"
    city = "Montargis"
    access_notes = "Bus ligne 2, arrêt Mairie"

    class Params:
        phone = factory.Trait(
            kind=PlaceKind.PHONE,
            name="Appel téléphonique",
            address_line="",
            postcode="",
            city="",
            access_notes="",
        )


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = Slot

    referent = factory.SubFactory(StaffProfileFactory)
    place = factory.SubFactory(
        PlaceFactory,
        territory=factory.LazyAttribute(
            lambda o: o.factory_parent.referent.territories.first() or TerritoryFactory()
        ),
    )
    kind = SlotKind.INDIVIDUAL
    capacity = 1
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=5)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=45))

    class Params:
        collective = factory.Trait(
            kind=SlotKind.COLLECTIVE, capacity=12, title="Réunion d'information collective"
        )
