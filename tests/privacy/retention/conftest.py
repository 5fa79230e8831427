import datetime

import pytest
import time_machine
from django.utils import timezone

from beneficiaries.enums import OutreachChannel, OutreachResult
from beneficiaries.services import outreach_attempt_create
from pathways.enums import InterviewKind
from pathways.services.followup import interview_create
from tests.beneficiaries.factories import BeneficiaryFactory, HealthNoteFactory
from tests.caseload.factories import StaffProfileFactory

CONTACT_DAY = datetime.date(2026, 1, 15)


def at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def travel(day, hour=13):
    """Freeze the clock on this day (local time)."""
    return time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), tick=False
    )


def after_contact(days):
    return CONTACT_DAY + datetime.timedelta(days=days)


@pytest.fixture
def referent(db):
    return StaffProfileFactory()


@pytest.fixture
def seen_person(referent):
    """A person met once, on CONTACT_DAY, in a held interview with notes; no
    pathway open; a health note and an outreach note on the record. The
    record was created the year before."""
    person = BeneficiaryFactory(
        followed_by=referent,
        territory__departement__code="45",
        departement__code="45",
        last_name="Vasseur",
        first_name="Ophélie",
        birth_date=datetime.date(1979, 10, 23),
        nir="279104523400178",
        caf_number="7421963",
        address_line="17 rue des Glycines",
        postcode="45000",
        city="Orléans",
        phone="0612345678",
        email="ophelie.vasseur@example.org",
        rsa_application_date=datetime.date(2025, 11, 2),
    )
    person.__class__.objects.filter(pk=person.pk).update(
        created_at=at_noon(datetime.date(2025, 11, 2))
    )
    with travel(CONTACT_DAY):
        outreach_attempt_create(
            acting_user=referent.user,
            beneficiary=person,
            channel=OutreachChannel.PHONE,
            result=OutreachResult.NO_ANSWER,
            attempted_on=CONTACT_DAY,
            notes="Messagerie pleine, rappeler la soeur Jocelyne",
        )
        interview_create(
            acting_user=referent.user,
            beneficiary=person,
            occurred_on=CONTACT_DAY,
            kind=InterviewKind.INDIVIDUAL,
            notes="Séparation difficile, hébergée chez sa mère à Saran",
        )
    HealthNoteFactory(
        beneficiary=person, author=referent.user, text="Traitement pour dépression sévère"
    )
    person.refresh_from_db()
    return person
