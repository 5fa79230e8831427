"""The appointments' bulk forms (batch convocation, letters) with a person
or an appointment of another territory ticked: refused whole (404), nothing
booked, nothing printed."""

import pytest

from appointments.enums import Channel
from appointments.models import Appointment, Message
from caseload.services import assignment_create
from tests.appointments.factories import SlotFactory
from tests.caseload.factories import DepartementFactory, StaffProfileFactory, TerritoryFactory
from tests.caseload.helpers import new_applicant


@pytest.fixture
def world():
    departement = DepartementFactory()
    home = TerritoryFactory(departement=departement, name="Montargis")
    gien = TerritoryFactory(departement=departement, name="Gien")
    gien_referent = StaffProfileFactory(territories=[gien], structure__departement=departement)
    person = new_applicant(gien)
    assignment_create(beneficiary=person, staff=gien_referent, acting_user=None)
    appointment = Appointment.objects.create(
        beneficiary=person, slot=SlotFactory(referent=gien_referent)
    )
    return {
        "manager": StaffProfileFactory(
            manager=True, territories=[home], structure__departement=departement
        ),
        "referent": StaffProfileFactory(territories=[home], structure__departement=departement),
        "person": person,
        "appointment": appointment,
    }


@pytest.mark.parametrize("who", ["manager", "referent"])
def test_a_batch_convocation_with_a_person_of_another_territory_is_refused(login, world, who):
    client = login(world[who])
    booked_before = Appointment.objects.count()

    response = client.post(
        "/a-convoquer/convoquer/",
        {"people": [world["person"].pk], "channels": [Channel.LETTER]},
    )

    assert response.status_code == 404
    assert Appointment.objects.count() == booked_before
    assert not Message.objects.exists()


@pytest.mark.parametrize("who", ["manager", "referent"])
def test_letters_of_an_appointment_of_another_territory_are_refused(login, world, who):
    client = login(world[who])

    response = client.post(
        "/rendez-vous/courriers.pdf", {"appointments": [world["appointment"].pk]}
    )

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"
