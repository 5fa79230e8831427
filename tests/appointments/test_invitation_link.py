"""An invitation's link: the person picks a free slot of the referent, and
the invitation is then booked; an expired invitation's link is refused."""

import datetime

import time_machine

from appointments.enums import Channel, InvitationStatus
from appointments.links import invitation_token
from appointments.models import Appointment, Invitation
from appointments.services import invitation_send


def test_the_person_books_a_slot_from_the_invitation(client, referent, person, slot_at):
    slot = slot_at()
    invitation = invitation_send(
        acting_user=referent.user, beneficiary=person, referent=referent, channels=[Channel.SMS]
    )
    url = f"/rdv/{invitation_token(invitation)}/"
    page = client.get(url).content.decode()
    assert "choisissez votre rendez-vous" in page and f'value="{slot.pk}"' in page
    response = client.post(url, {"slot": slot.pk})
    assert response.status_code == 302
    assert Appointment.objects.get(beneficiary=person).slot_id == slot.pk
    assert Invitation.objects.get().status == InvitationStatus.BOOKED
    assert "Ce lien n'est pas valable" in client.get(url).content.decode()


def test_an_expired_invitation_link_is_refused(client, referent, person):
    invitation = invitation_send(
        acting_user=referent.user, beneficiary=person, referent=referent, channels=[Channel.SMS]
    )
    url = f"/rdv/{invitation_token(invitation)}/"
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=11)):
        response = client.get(url)
    assert response.status_code == 404
