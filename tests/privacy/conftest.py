"""A Département with one territory, its admin, manager and referent, and
two people followed by the referent, each with their own record: the
subject-rights tests compare what one person's export holds with the other's."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.enums import AccessAction, BarrierKind, BarrierState, OutreachChannel
from beneficiaries.services import access_log_record, outreach_attempt_create
from caseload.enums import StaffRole
from pathways.enums import InterviewKind
from pathways.services.followup import interview_create
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory, TerritoryFactory
from tests.caseload.helpers import new_applicant

TODAY = datetime.date.today()


@pytest.fixture
def territory():
    return TerritoryFactory(name="Montargis", departement__code="45", departement__name="Loiret")


@pytest.fixture
def admin(territory):
    return StaffProfileFactory(
        admin=True,
        structure__departement=territory.departement,
        territories=[],
        user__first_name="Alix",
        user__last_name="Admin",
    )


@pytest.fixture
def manager(territory):
    return StaffProfileFactory(
        role=StaffRole.MANAGER,
        structure__departement=territory.departement,
        territories=[territory],
        user__first_name="Marc",
        user__last_name="Chef",
    )


@pytest.fixture
def referent(territory):
    return StaffProfileFactory(
        structure__departement=territory.departement,
        territories=[territory],
        user__first_name="Camille",
        user__last_name="Référente",
    )


@pytest.fixture
def other_departement():
    """An admin and a manager of another Département."""
    territory = TerritoryFactory(name="Troyes", departement__code="10", departement__name="Aube")
    return {
        "admin": StaffProfileFactory(
            admin=True, structure__departement=territory.departement, territories=[]
        ),
        "manager": StaffProfileFactory(
            role=StaffRole.MANAGER,
            structure__departement=territory.departement,
            territories=[territory],
        ),
    }


def followed(territory, referent, **fields):
    person = new_applicant(territory, **fields)
    AssignmentFactory(beneficiary=person, staff=referent)
    return person


def with_record(person, referent, *, notes, outreach_notes):
    """Two interviews (one with a barrier), an outreach attempt and a read
    of the record by the referent, through the real services."""
    interview_create(
        acting_user=referent.user,
        beneficiary=person,
        occurred_on=TODAY - datetime.timedelta(days=3),
        kind=InterviewKind.INDIVIDUAL,
        notes=notes,
        barrier_changes={BarrierKind.MOBILITY: BarrierState.IDENTIFIED},
    )
    interview_create(
        acting_user=referent.user,
        beneficiary=person,
        occurred_on=TODAY,
        kind=InterviewKind.PHONE,
        notes=notes + " (suite)",
    )
    outreach_attempt_create(
        acting_user=referent.user,
        beneficiary=person,
        channel=OutreachChannel.PHONE,
        result="reached",
        attempted_on=TODAY - datetime.timedelta(days=5),
        notes=outreach_notes,
    )
    access_log_record(user=referent.user, beneficiary=person, detail="fiche")
    access_log_record(
        user=referent.user, beneficiary=person, action=AccessAction.CHANGE, detail="coordonnées"
    )
    return person


@pytest.fixture
def person(territory, referent):
    person = followed(
        territory,
        referent,
        first_name="Awa",
        last_name="Traoré",
        phone="06 12 34 56 78",
        email="awa@example.org",
        address_line="3 allée des Tilleuls",
        postcode="45200",
        city="Montargis",
        birth_date=datetime.date(1990, 4, 12),
    )
    return with_record(
        person,
        referent,
        notes="Souhaite une formation d'aide-soignante.",
        outreach_notes="Rappel convenu le mardi.",
    )


@pytest.fixture
def other_person(territory, referent):
    person = followed(territory, referent, first_name="Bruno", last_name="Lefèvre")
    return with_record(
        person,
        referent,
        notes="Cherche un emploi de cariste à Gien.",
        outreach_notes="Messagerie pleine.",
    )


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def locmem_sms(settings):
    """SMS kept in memory: what would have left."""
    from appointments import sms

    settings.SMS_BACKEND = "appointments.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
