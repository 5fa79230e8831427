"""The appointments in the Django admin (places, slots, appointments,
messages, no-show flags): a Département admin who is given the model
permissions still sees, opens and picks only their own Département's rows."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from appointments.enums import Channel, MessageKind
from appointments.models import Appointment, Message, NoShowFlag
from tests.appointments.factories import PlaceFactory, SlotFactory
from tests.caseload.helpers import new_applicant

MODELS = ["place", "slot", "appointment", "message", "noshowflag"]


def appointment_objects(side):
    person = new_applicant(side.territory)
    slot = SlotFactory(referent=side.nurse)
    appointment = Appointment.objects.create(beneficiary=person, slot=slot)
    return {
        "place": slot.place,
        "slot": slot,
        "appointment": appointment,
        "message": Message.objects.create(
            beneficiary=person,
            appointment=appointment,
            kind=MessageKind.CONVOCATION,
            channel=Channel.SMS,
            idempotency_key=f"convocation-{appointment.pk}",
        ),
        "noshowflag": NoShowFlag.objects.create(beneficiary=person),
    }


@pytest.fixture
def admin_with_appointment_rights(a, login):
    """A's admin, given every permission on the appointments' models."""
    a.admin.user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="appointments")
    )
    return login(a.admin)


@pytest.mark.parametrize("model", MODELS)
def test_an_admin_lists_only_their_departements_appointment_rows(
    admin_with_appointment_rights, a, b, model
):
    mine, theirs = appointment_objects(a)[model], appointment_objects(b)[model]

    response = admin_with_appointment_rights.get(reverse(f"admin:appointments_{model}_changelist"))

    listed = set(response.context["cl"].result_list)
    assert mine in listed
    assert theirs not in listed


@pytest.mark.parametrize("view", ["change", "delete", "history"])
@pytest.mark.parametrize("model", MODELS)
def test_an_admin_opening_an_appointment_row_of_another_departement_gets_a_404(
    admin_with_appointment_rights, b, model, view
):
    theirs = appointment_objects(b)[model]

    response = admin_with_appointment_rights.get(
        reverse(f"admin:appointments_{model}_{view}", args=[theirs.pk])
    )

    assert response.status_code == 404


def test_an_admins_slot_form_offers_only_their_departements_places(
    admin_with_appointment_rights, a, b
):
    mine, theirs = PlaceFactory(territory=a.territory), PlaceFactory(territory=b.territory)

    response = admin_with_appointment_rights.get(reverse("admin:appointments_slot_add"))

    places = set(response.context["adminform"].form.fields["place"].queryset)
    assert mine in places
    assert theirs not in places


def test_without_the_model_permissions_an_admin_cannot_open_the_appointments_admin(
    as_admin,
):
    response = as_admin.get(reverse("admin:appointments_place_changelist"))

    assert response.status_code == 403
