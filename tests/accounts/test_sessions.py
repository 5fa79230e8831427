"""Sessions end after a period without activity."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.caseload.factories import StaffProfileFactory


def test_a_session_left_idle_ends_and_sends_back_to_the_login_page(login, settings):
    client = login(StaffProfileFactory())
    idle = datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 60)
    with time_machine.travel(timezone.now() + idle):
        response = client.get(reverse("workspace:portfolio"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


def test_activity_keeps_a_session_open(login, settings):
    client = login(StaffProfileFactory())
    step = datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT * 2 // 3)
    start = timezone.now()
    with time_machine.travel(start + step):
        assert client.get(reverse("workspace:portfolio")).status_code == 200
    with time_machine.travel(start + 2 * step):
        assert client.get(reverse("workspace:portfolio")).status_code == 200


def test_the_notification_bell_s_polling_does_not_keep_a_session_open(login, settings):
    client = login(StaffProfileFactory())
    step = datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT * 2 // 3)
    start = timezone.now()
    with time_machine.travel(start + step):
        assert client.get(reverse("notifications:bell")).status_code == 200
    with time_machine.travel(start + 2 * step):
        response = client.get(reverse("notifications:bell"), headers={"HX-Request": "true"})
        assert response.headers["HX-Redirect"].startswith(reverse("login"))
