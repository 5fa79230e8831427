import datetime

import pytest
from django.urls import reverse

from pathways.enums import DeadlineKind, EmailFrequency, NotificationKind
from pathways.models import Notification, NotificationPreference
from pathways.notifications import email_frequency_of
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import StaffProfileFactory

DUE = datetime.date(2026, 3, 17)


def _notify(staff, person, kind=NotificationKind.REMINDER, **fields):
    return Notification.objects.create(
        recipient=staff.user,
        kind=kind,
        beneficiary=person,
        deadline_kind=DeadlineKind.ENTRY,
        due_on=DUE,
        **fields,
    )


@pytest.fixture
def referent():
    return StaffProfileFactory()


@pytest.fixture
def person(referent):
    return BeneficiaryFactory(
        departement=referent.structure.departement,
        territory=referent.territories.first(),
        followed_by=referent,
    )


def test_the_bell_shows_the_unread_count_and_the_latest(login, referent, person):
    _notify(referent, person)
    _notify(referent, person, read_at="2026-03-10T10:00:00+01:00")

    response = login(referent).get(reverse("notifications:bell"))

    assert response.status_code == 200
    assert response.context["unread_count"] == 1
    assert [n.beneficiary for n in response.context["latest"]] == [person]
    assert person.first_name in response.content.decode()


def test_the_bell_counts_every_unread_notification_beyond_the_five_shown(login, referent, person):
    for _ in range(7):
        _notify(referent, person)

    response = login(referent).get(reverse("notifications:bell"))

    assert response.context["unread_count"] == 7
    assert len(response.context["latest"]) == 5


def test_every_page_loads_the_bell(login, referent):
    response = login(referent).get(reverse("workspace:portfolio"))

    assert f'hx-get="{reverse("notifications:bell")}"' in response.content.decode()


def test_a_user_sees_only_their_own_notifications(login, referent, person):
    other = StaffProfileFactory()
    _notify(referent, person)
    theirs = _notify(other, person)

    client = login(referent)
    assert client.get(reverse("notifications:bell")).context["unread_count"] == 1
    listed = client.get(reverse("notifications:list")).context["notifications"]
    assert theirs not in listed and len(listed) == 1
    for name in ("open", "read"):
        response = client.post(reverse(f"notifications:{name}", args=[theirs.pk]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_opens_the_person(login, referent, person):
    notification = _notify(referent, person)

    response = login(referent).post(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_notification_of_a_person_no_longer_followed(login, referent):
    stranger = BeneficiaryFactory()
    notification = _notify(referent, stranger)

    response = login(referent).post(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:list")


def test_mark_one_and_all_as_read(login, referent, person):
    first, second, third = (_notify(referent, person) for _ in range(3))
    client = login(referent)

    client.post(reverse("notifications:read", args=[first.pk]))
    assert Notification.objects.unread().count() == 2
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.unread().count() == 0


def test_get_does_not_mark_anything(login, referent, person):
    notification = _notify(referent, person)

    response = login(referent).get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 405


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(reverse("notifications:bell"))

    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("count", [2, 40])
def test_notification_pages_keep_a_constant_number_of_queries(
    login, referent, person, count, django_assert_num_queries
):
    for _ in range(count):
        _notify(referent, person)
    client = login(referent)
    client.get(reverse("notifications:list"))  # warm the session

    # session, user, scope (profile and territories, one query), count, page,
    # email choice
    with django_assert_num_queries(6):
        client.get(reverse("notifications:list"))
    # session, user, scope (second-factor check, navigation), the latest
    # unread with their count (one query)
    with django_assert_num_queries(4):
        client.get(reverse("notifications:bell"))


def test_opening_a_grouped_notification_opens_its_list(login, referent, person):
    group = _notify(referent, None, count=12, link=reverse("workspace:portfolio"))

    response = login(referent).post(reverse("notifications:open", args=[group.pk]))

    assert response["Location"] == reverse("workspace:portfolio")
    group.refresh_from_db()
    assert group.read_at is not None


def test_a_grouped_notification_shows_its_count_and_no_name(login, referent, person):
    _notify(referent, None, kind=NotificationKind.UNASSIGNED, count=12, link="/equipe/file/")

    content = login(referent).get(reverse("notifications:list")).content.decode()

    assert "12 personnes" in content
    assert "Ouvrir la liste" in content


def test_a_user_chooses_the_daily_digest_on_the_notifications_page(login, referent):
    client = login(referent)
    form = client.get(reverse("notifications:list")).context["frequency_form"]
    assert form.initial["email_frequency"] == EmailFrequency.IMMEDIATE  # a referent's default

    response = client.post(
        reverse("notifications:preference"), {"email_frequency": EmailFrequency.DIGEST}
    )

    assert response["Location"] == reverse("notifications:list")
    assert email_frequency_of(referent.user) == EmailFrequency.DIGEST
    form = client.get(reverse("notifications:list")).context["frequency_form"]
    assert form.initial["email_frequency"] == EmailFrequency.DIGEST


def test_an_unknown_email_choice_is_refused(login, referent):
    response = login(referent).post(
        reverse("notifications:preference"), {"email_frequency": "weekly"}, follow=True
    )

    assert "Choisissez" in response.content.decode()
    assert not NotificationPreference.objects.exists()
