"""The appointments in the Django admin (places, slots, appointments,
messages, no-show flags): a Département admin who is given the model
permissions still sees, opens and picks only their own Département's rows."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from appointments.enums import Channel, MessageKind
from appointments.models import Appointment, Message, NoShowFlag, Place
from caseload.services import admin_group
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


def test_without_the_model_permissions_an_admin_cannot_open_the_appointments_admin(a, login):
    a.admin.user.groups.clear()

    response = login(a.admin).get(reverse("admin:appointments_place_changelist"))

    assert response.status_code == 403


@pytest.fixture
def admin_of_the_group(a, login):
    """A's admin with the admins' group, as `staff_create` gives it."""
    a.admin.user.groups.add(admin_group())
    return login(a.admin)


@pytest.mark.parametrize("model", ["place", "slot"])
def test_the_admins_group_lists_their_departements_places_and_slots(
    admin_of_the_group, a, b, model
):
    mine, theirs = appointment_objects(a)[model], appointment_objects(b)[model]

    response = admin_of_the_group.get(reverse(f"admin:appointments_{model}_changelist"))

    assert response.status_code == 200
    listed = set(response.context["cl"].result_list)
    assert mine in listed
    assert theirs not in listed


def test_an_admin_of_the_group_adds_a_place_in_their_departement(admin_of_the_group, a):
    response = admin_of_the_group.post(
        reverse("admin:appointments_place_add"),
        {
            "territory": a.territory.pk,
            "kind": "structure",
            "name": "Salle du CCAS",
            "address_line": "1 place de la Mairie",
            "postcode": "45200",
            "city": "Montargis",
            "access_notes": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert Place.objects.get(name="Salle du CCAS").territory == a.territory


@pytest.mark.parametrize("model", ["appointment", "message", "noshowflag"])
def test_the_admins_group_holds_no_right_on_the_peoples_appointments(admin_of_the_group, model):
    response = admin_of_the_group.get(reverse(f"admin:appointments_{model}_changelist"))

    assert response.status_code == 403
