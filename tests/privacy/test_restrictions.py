"""Objection (art. 21) and restriction of processing (art. 18): recorded and
lifted by an admin or the person's manager, tracked in the history, shown on
the record and the manager's page, and no message leaves for the person
while one holds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from appointments.enums import Channel, MessageKind, MessageStatus
from appointments.models import Message
from appointments.outbox import messages_send
from appointments.reminders import reminders_scan
from appointments.services import appointment_book, convocation_send, invitation_send
from beneficiaries.models import Beneficiary
from beneficiaries.services import beneficiary_update_contact
from privacy.enums import RestrictionKind
from privacy.models import Restriction
from privacy.restrictions import restriction_lift, restriction_record
from tests.appointments.factories import PlaceFactory, SlotFactory
from tests.privacy.conftest import TODAY

REASON = "Conteste l'exactitude de son adresse."


def _restrict(user, person, kind=RestrictionKind.RESTRICTION):
    return restriction_record(
        acting_user=user, beneficiary=person, kind=kind, reason=REASON, requested_on=TODAY
    )


def _slot(referent, territory, days=5):
    starts_at = (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    return SlotFactory(
        referent=referent,
        place=PlaceFactory(territory=territory),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=45),
    )


# --- Recording ------------------------------------------------------------------------


def test_a_manager_of_the_territory_records_a_restriction_from_the_page(login, manager, person):
    response = login(manager).post(
        reverse("privacy:restriction_create", args=[person.pk]),
        {"kind": "restriction", "reason": REASON, "requested_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    restriction = Restriction.objects.get(beneficiary=person)
    assert restriction.kind == RestrictionKind.RESTRICTION
    assert restriction.recorded_by == manager.user
    assert restriction.is_active


def test_an_admin_records_an_objection(admin, person):
    restriction = _restrict(admin.user, person, RestrictionKind.OBJECTION)
    assert restriction.get_kind_display() == "Opposition au traitement (art. 21)"


def test_a_referent_cannot_record_one(login, referent, person):
    response = login(referent).post(
        reverse("privacy:restriction_create", args=[person.pk]),
        {"kind": "restriction", "reason": REASON, "requested_on": TODAY.isoformat()},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        _restrict(referent.user, person)
    assert not Restriction.objects.exists()


def test_a_manager_of_another_departement_gets_a_404(login, other_departement, person):
    response = login(other_departement["manager"]).get(reverse("privacy:person", args=[person.pk]))
    assert response.status_code == 404


def test_a_request_without_reason_is_refused_in_french(login, manager, person):
    response = login(manager).post(
        reverse("privacy:restriction_create", args=[person.pk]),
        {"kind": "objection", "reason": "", "requested_on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Restriction.objects.exists()


def test_lifting_records_the_date_and_who(login, manager, person):
    restriction = _restrict(manager.user, person)
    response = login(manager).post(
        reverse("privacy:restriction_lift", args=[restriction.pk]),
        {"lifted_on": TODAY.isoformat(), "lift_reason": "Adresse vérifiée et corrigée."},
    )
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_on == TODAY
    assert restriction.lifted_by == manager.user
    assert not restriction.is_active


def test_a_lift_before_the_request_is_refused(manager, person):
    restriction = _restrict(manager.user, person)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        restriction_lift(
            acting_user=manager.user,
            restriction=restriction,
            lifted_on=TODAY - datetime.timedelta(days=1),
        )


def test_recording_and_lifting_are_in_the_persons_change_history(login, admin, person):
    restriction = _restrict(admin.user, person)
    restriction_lift(acting_user=admin.user, restriction=restriction, lifted_on=TODAY)
    events = Restriction.pgh_event_model.objects.filter(pgh_obj=restriction)
    assert [e.pgh_label for e in events.order_by("pgh_id")] == ["insert", "update"]
    page = login(admin).get(reverse("audit:person_history", args=[person.pk])).content.decode()
    assert f"privacy.Restriction {restriction.pk}" in page
    assert "<code>lifted_on</code>" in page


# --- Shown --------------------------------------------------------------------------


def test_the_record_shows_a_banner_while_it_holds(login, referent, admin, person):
    restriction = _restrict(admin.user, person)
    client = login(referent)
    page = client.get(reverse("workspace:detail", args=[person.pk])).content.decode()
    assert "aucun message n'est envoyé à cette personne" in page
    assert REASON.replace("'", "&#x27;") in page
    restriction_lift(acting_user=admin.user, restriction=restriction, lifted_on=TODAY)
    page = client.get(reverse("workspace:detail", args=[person.pk])).content.decode()
    assert "restriction-rgpd" not in page


def test_the_managers_person_page_shows_the_banner(login, manager, person):
    _restrict(manager.user, person, RestrictionKind.OBJECTION)
    page = login(manager).get(reverse("console:person", args=[person.pk])).content.decode()
    assert 'id="restriction-rgpd"' in page
    assert "Opposition au traitement (art. 21)" in page
    assert reverse("privacy:person", args=[person.pk]) in page


@pytest.mark.parametrize("requests", [1, 5])
def test_the_rights_page_takes_the_same_queries_at_any_size(
    login, manager, person, requests, django_assert_num_queries
):
    for _number in range(requests):
        restriction = _restrict(manager.user, person)
        restriction_lift(acting_user=manager.user, restriction=restriction, lifted_on=TODAY)
    _restrict(manager.user, person)
    client = login(manager)
    # session, user, second factor, scope, person, restrictions, access row.
    with django_assert_num_queries(7):
        assert client.get(reverse("privacy:person", args=[person.pk])).status_code == 200


# --- Messages -----------------------------------------------------------------------


def test_a_convocation_is_skipped_with_the_reason(admin, referent, territory, person):
    _restrict(admin.user, person)
    appointment = appointment_book(
        acting_user=referent.user, beneficiary=person, slot=_slot(referent, territory)
    )
    sent = convocation_send(
        acting_user=referent.user, appointment=appointment, channels=Channel.values
    )
    assert {m.status for m in sent} == {MessageStatus.SKIPPED}
    assert {m.skip_reason for m in sent} == {"limitation du traitement en cours"}
    assert not any(m.recipient for m in sent)


def test_an_invitation_is_skipped_under_an_objection(admin, referent, person):
    _restrict(admin.user, person, RestrictionKind.OBJECTION)
    invitation = invitation_send(
        acting_user=referent.user, beneficiary=person, referent=referent, channels=[Channel.SMS]
    )
    [message] = invitation.messages.all()
    assert message.status == MessageStatus.SKIPPED
    assert message.skip_reason == "opposition de la personne au traitement en cours"


def test_a_reminder_is_skipped(admin, referent, territory, person, other_person):
    people = (person, other_person)
    for someone in people:
        appointment = appointment_book(
            acting_user=referent.user, beneficiary=someone, slot=_slot(referent, territory, 1)
        )
        # Booked before the reminder window: the scan writes its reminder.
        type(appointment).objects.filter(pk=appointment.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=10)
        )
    _restrict(admin.user, person)
    reminders_scan()
    reminders = Message.objects.filter(kind=MessageKind.REMINDER)
    assert {m.status for m in reminders.filter(beneficiary=person)} == {MessageStatus.SKIPPED}
    assert {m.skip_reason for m in reminders.filter(beneficiary=person)} == {
        "limitation du traitement en cours"
    }
    others = reminders.filter(beneficiary=other_person)
    assert others.exists()
    assert "limitation du traitement en cours" not in {m.skip_reason for m in others}


def test_messages_waiting_in_the_outbox_are_skipped_when_it_is_recorded(
    admin, referent, territory, person
):
    appointment = appointment_book(
        acting_user=referent.user, beneficiary=person, slot=_slot(referent, territory)
    )
    convocation_send(acting_user=referent.user, appointment=appointment, channels=[Channel.SMS])
    assert Message.objects.get(beneficiary=person).status == MessageStatus.PENDING
    _restrict(admin.user, person)
    message = Message.objects.get(beneficiary=person)
    assert message.status == MessageStatus.SKIPPED
    assert message.skip_reason == "limitation du traitement en cours"


def test_messages_leave_again_once_it_is_lifted(admin, referent, territory, person):
    restriction = _restrict(admin.user, person)
    restriction_lift(acting_user=admin.user, restriction=restriction, lifted_on=TODAY)
    appointment = appointment_book(
        acting_user=referent.user, beneficiary=person, slot=_slot(referent, territory)
    )
    [message] = convocation_send(
        acting_user=referent.user, appointment=appointment, channels=[Channel.SMS]
    )
    assert message.status == MessageStatus.PENDING


# --- Rectification ------------------------------------------------------------------


def test_a_rectification_through_the_edit_form_shows_in_the_history(login, referent, admin, person):
    response = login(referent).post(
        reverse("workspace:contact_edit", args=[person.pk]),
        {
            "address_line": "5 rue des Lilas",
            "postcode": "45200",
            "city": "Montargis",
            "phone": "06 12 34 56 78",
            "email": "awa@example.org",
            "version": Beneficiary.objects.get(pk=person.pk).version,
        },
    )
    assert response.status_code in (200, 302)
    assert Beneficiary.objects.get(pk=person.pk).address_line == "5 rue des Lilas"
    page = login(admin).get(reverse("audit:person_history", args=[person.pk])).content.decode()
    assert "3 allée des Tilleuls" in page
    assert "5 rue des Lilas" in page


def test_the_contact_service_is_the_one_the_form_uses(referent, person):
    # The history records who made the change: the form's service, with the user.
    beneficiary_update_contact(
        acting_user=referent.user,
        beneficiary=person,
        expected_version=Beneficiary.objects.get(pk=person.pk).version,
        address_line="5 rue des Lilas",
    )
    event = (
        Beneficiary.pgh_event_model.objects.filter(pgh_obj_id=person.pk).order_by("-pgh_id").first()
    )
    assert event.address_line == "5 rue des Lilas"


def test_a_message_written_before_the_restriction_does_not_leave(
    admin, referent, territory, person, locmem_sms
):
    appointment = appointment_book(
        acting_user=referent.user, beneficiary=person, slot=_slot(referent, territory)
    )
    convocation_send(acting_user=referent.user, appointment=appointment, channels=[Channel.SMS])
    # Recorded without the service (as a concurrent transaction would leave it):
    # the outbox asks again before sending.
    Restriction.objects.create(
        beneficiary=person,
        kind=RestrictionKind.OBJECTION,
        reason=REASON,
        requested_on=TODAY,
        recorded_by=admin.user,
    )
    messages_send()
    message = Message.objects.get(beneficiary=person)
    assert message.status == MessageStatus.SKIPPED
    assert message.skip_reason == "opposition de la personne au traitement en cours"
    assert locmem_sms == []


def test_the_record_links_an_admin_to_the_rights_page(login, admin, referent, person):
    url = reverse("privacy:person", args=[person.pk])
    page = login(admin).get(reverse("workspace:detail", args=[person.pk])).content.decode()
    assert url in page
    page = login(referent).get(reverse("workspace:detail", args=[person.pk])).content.decode()
    assert url not in page
