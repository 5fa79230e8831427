"""Grouped notifications and the daily digest: an import of thousands of
people without a referent makes one notification per manager, emailed in
the digest (managers' default) or at once (the user's choice)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseload.enums import StaffRole
from intake.people import beneficiaries_create_bulk
from pathways.enums import DeadlineKind, EmailFrequency, EmailKind, NotificationKind
from pathways.models import Notification, NotificationReminder, OutgoingEmail
from pathways.notifications import (
    digests_prepare,
    email_frequency_of,
    emails_send,
    notification_preference_set,
)
from pathways.reminders import scan_deadlines
from tests.caseload.factories import StaffProfileFactory
from tests.pathways.conftest import DAY0

_caf = iter(range(4000000, 5000000))


def _import_unassigned(territory, count):
    """What an import does: `count` new people of the territory, no referent."""
    return beneficiaries_create_bulk(
        acting_user=None,
        departement=territory.departement,
        people=[
            {
                "territory_id": territory.pk,
                "caf_number": f"{next(_caf)}",
                "household_role": "demandeur",
                "first_name": "Prénom",
                "last_name": f"Secret{i}",
                "rsa_application_date": DAY0,
            }
            for i in range(count)
        ],
    )


@pytest.fixture
def second_manager(territory):
    return StaffProfileFactory(
        role=StaffRole.MANAGER,
        structure__departement=territory.departement,
        territories=[territory],
        user__email="adjointe@example.org",
    )


def test_an_import_of_2000_people_without_referent_gives_each_manager_one_notification_and_no_email(
    territory, manager, second_manager, mailoutbox
):
    _import_unassigned(territory, 2000)

    result = scan_deadlines(today=DAY0)  # batches of 500: four transactions

    assert result.sent == 2000 and result.batches >= 4
    for staff in (manager, second_manager):
        (notification,) = Notification.objects.filter(recipient=staff.user)
        assert notification.kind == NotificationKind.UNASSIGNED
        assert notification.deadline_kind == DeadlineKind.ENTRY
        assert notification.count == 2000
        assert notification.beneficiary is None
        assert notification.link == reverse("console:queue")
        assert notification.delivery == EmailFrequency.DIGEST
    # Each reminder is carried once per manager.
    assert NotificationReminder.objects.count() == 4000
    # No email until the digest.
    assert not OutgoingEmail.objects.exists()
    assert emails_send() == 0 and mailoutbox == []


def test_the_digest_sends_one_email_per_recipient_with_the_count_and_the_link(
    territory, manager, second_manager, mailoutbox
):
    _import_unassigned(territory, 30)
    scan_deadlines(today=DAY0)

    assert len(digests_prepare()) == 2
    assert emails_send() == 2

    assert sorted(m.to[0] for m in mailoutbox) == ["adjointe@example.org", "chef@example.org"]
    for email in mailoutbox:
        assert "30" in email.subject
        assert "30 personnes sans référent" in email.body
        assert "/equipe/file/" in email.body
        assert "Secret" not in email.body  # no names in a group
    assert all(n.emailed_at for n in Notification.objects.all())
    # Sent once: nothing is left for the next digest or the next outbox run.
    assert digests_prepare() == [] and emails_send() == 0
    assert len(mailoutbox) == 2


def test_the_digest_skips_what_the_recipient_already_read(territory, manager, mailoutbox):
    _import_unassigned(territory, 3)
    scan_deadlines(today=DAY0)
    Notification.objects.update(read_at=timezone.now())

    assert digests_prepare() == []
    assert mailoutbox == []


def test_a_manager_who_chose_immediate_emails_gets_the_grouped_alert_at_once(
    territory, manager, second_manager, mailoutbox
):
    notification_preference_set(user=manager.user, email_frequency=EmailFrequency.IMMEDIATE)
    _import_unassigned(territory, 12)

    scan_deadlines(today=DAY0)

    (email,) = OutgoingEmail.objects.all()
    assert (email.recipient, email.kind) == (manager.user, EmailKind.NOTIFICATION)
    assert emails_send() == 1
    (message,) = mailoutbox
    assert message.to == ["chef@example.org"]
    assert "12 personnes sans référent" in message.body
    assert "/equipe/file/" in message.body


def test_later_batches_of_the_day_add_to_the_unread_notification(territory, manager):
    _import_unassigned(territory, 10)
    scan_deadlines(today=DAY0, batch_size=3)
    _import_unassigned(territory, 5)  # a second import the same day
    scan_deadlines(today=DAY0)

    (notification,) = Notification.objects.filter(recipient=manager.user)
    assert notification.count == 15


def test_a_notification_read_is_not_added_to(territory, manager):
    _import_unassigned(territory, 2)
    scan_deadlines(today=DAY0)
    Notification.objects.update(read_at=timezone.now())
    _import_unassigned(territory, 3)

    scan_deadlines(today=DAY0)

    assert sorted(Notification.objects.values_list("count", flat=True)) == [2, 3]


def test_a_single_event_keeps_the_link_to_the_person(new_applicant, manager):
    person = new_applicant()

    scan_deadlines(today=DAY0)

    notification = Notification.objects.get()
    assert (notification.count, notification.beneficiary) == (1, person)


@pytest.mark.parametrize("count", [20, 200])
def test_the_scan_of_an_import_costs_the_same_queries_whatever_its_size(
    territory, manager, second_manager, count
):
    _import_unassigned(territory, count)
    with CaptureQueriesContext(connection) as first:
        scan_deadlines(today=DAY0, batch_size=1000)
    _import_unassigned(territory, count)  # a second import: added to the same notifications
    with CaptureQueriesContext(connection) as second:
        scan_deadlines(today=DAY0, batch_size=1000)

    # claim, latest steps, referents, managers, admins, recipients (locked,
    # with their choice), their open notifications, the notifications
    # (inserted, or their counts updated), reminders carried, update, savepoints.
    assert (len(first), len(second)) == (12, 12)
    assert Notification.objects.get(recipient=manager.user).count == 2 * count


def test_managers_default_to_the_digest_and_referents_to_immediate_emails(manager, referent):
    assert email_frequency_of(manager.user) == EmailFrequency.DIGEST
    assert email_frequency_of(referent.user) == EmailFrequency.IMMEDIATE

    notification_preference_set(user=manager.user, email_frequency=EmailFrequency.IMMEDIATE)

    assert email_frequency_of(manager.user) == EmailFrequency.IMMEDIATE
