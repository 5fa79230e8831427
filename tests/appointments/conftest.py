import datetime

import pytest
from django.utils import timezone

from appointments import sms
from tests.appointments.factories import PlaceFactory, SlotFactory
from tests.pathways import conftest as shared

# The pathways tests' fixtures: a territory, its referent and manager, new applicants.
territory = shared.territory
referent = shared.referent
manager = shared.manager
new_applicant = shared.new_applicant


@pytest.fixture(autouse=True)
def locmem_sms(settings):
    settings.SMS_BACKEND = "appointments.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def place(territory):
    return PlaceFactory(territory=territory, name="Maison du Département de Montargis")


@pytest.fixture
def slot_at(referent, place):
    def _slot(starts_at=None, **kwargs):
        starts_at = starts_at or (timezone.localtime() + datetime.timedelta(days=5)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        return SlotFactory(
            referent=referent,
            place=place,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=45),
            **kwargs,
        )

    return _slot


@pytest.fixture
def person(new_applicant, referent):
    """A new applicant followed by the referent, applied today, with a
    mobile phone, an email and a postal address."""
    return new_applicant(
        applied_on=timezone.localdate(),
        followed_by=referent,
        first_name="Awa",
        last_name="Traoré",
        phone="06 12 34 56 78",
        email="awa@example.org",
        address_line="3 allée des Tilleuls",
        postcode="45200",
        city="Montargis",
    )
