"""Two-factor authentication: required for managers and admins, offered to referents."""

import datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseload.two_factor import recovery_codes_generate
from tests.caseload.factories import StaffProfileFactory
from tests.two_factor import current_code, totp_device_for

PASSWORD = "mot-de-passe-de-test"
VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")


def log_in_with_password(client, profile):
    return client.post(reverse("login"), {"username": profile.user.username, "password": PASSWORD})


@pytest.fixture
def manager():
    return StaffProfileFactory(manager=True)


@pytest.fixture
def referent():
    return StaffProfileFactory()


def test_a_manager_is_sent_to_the_verification_page_after_the_password(client, manager):
    totp_device_for(manager.user)
    response = log_in_with_password(client, manager)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


@pytest.mark.parametrize(
    "url_name",
    ["home", "console:team", "workspace:portfolio", "notifications:list", "accounts:security"],
)
def test_a_manager_without_a_verified_code_reaches_only_the_second_factor_pages(
    client, manager, url_name
):
    totp_device_for(manager.user)
    log_in_with_password(client, manager)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_the_django_admin_needs_a_verified_second_factor_too(client):
    admin = StaffProfileFactory(admin=True)
    totp_device_for(admin.user)
    log_in_with_password(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_an_htmx_request_without_a_verified_code_redirects_the_whole_page(client, manager):
    totp_device_for(manager.user)
    log_in_with_password(client, manager)
    response = client.get(reverse("console:team"), headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == VERIFY


def test_a_manager_without_an_application_is_sent_to_the_setup_page(client, manager):
    log_in_with_password(client, manager)
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)


def test_a_wrong_code_is_refused_with_a_french_message(client, manager):
    totp_device_for(manager.user)
    log_in_with_password(client, manager)
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 422
    assert "Ce code n&#x27;est pas valable" in response.content.decode()
    assert client.get(reverse("console:team")).status_code == 302


def test_the_right_code_opens_the_page_asked_for(client, manager):
    device = totp_device_for(manager.user)
    log_in_with_password(client, manager)
    response = client.post(VERIFY, {"code": current_code(device), "next": reverse("console:team")})
    assert response.status_code == 302
    assert response.url == reverse("console:team")
    assert client.get(reverse("console:team")).status_code == 200


def test_a_recovery_code_works_once(client, manager):
    totp_device_for(manager.user)
    code = recovery_codes_generate(user=manager.user)[0]
    log_in_with_password(client, manager)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert client.get(reverse("console:team")).status_code == 200

    client.post(reverse("logout"))
    log_in_with_password(client, manager)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 422
    assert client.get(reverse("console:team")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, manager):
    totp_device_for(manager.user)
    old = recovery_codes_generate(user=manager.user)
    new = recovery_codes_generate(user=manager.user)
    assert len(new) == 10
    log_in_with_password(client, manager)
    assert client.post(VERIFY, {"code": old[0]}).status_code == 422
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        assert client.post(VERIFY, {"code": new[0]}).status_code == 302


def test_codes_typed_too_fast_after_a_wrong_one_are_asked_to_wait(client, manager):
    totp_device_for(manager.user)
    log_in_with_password(client, manager)
    client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": "000000"})
    assert "Trop de codes erronés : attendez" in response.content.decode()


def test_a_referent_is_not_asked_for_a_second_factor(client, referent):
    response = log_in_with_password(client, referent)
    assert response.status_code == 302
    assert not response.url.startswith(VERIFY)
    assert client.get(reverse("workspace:portfolio")).status_code == 200


def test_a_referent_who_turned_it_on_is_asked_for_a_code(client, referent):
    totp_device_for(referent.user)
    response = log_in_with_password(client, referent)
    assert response.url.startswith(VERIFY)
    assert client.get(reverse("workspace:portfolio")).status_code == 302


def test_the_referent_s_account_menu_offers_two_factor_authentication(login, referent):
    client = login(referent)
    page = client.get(reverse("workspace:portfolio")).content.decode()
    assert reverse("accounts:security") in page
    security = client.get(reverse("accounts:security")).content.decode()
    assert "Activer la double authentification" in security


def test_setting_up_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(client, manager):
    log_in_with_password(client, manager)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=manager.user, confirmed=False)

    wrong = client.post(SETUP, {"code": "123456"})
    assert wrong.status_code == 422
    assert "Ce code ne correspond pas" in wrong.content.decode()

    # django-otp makes the next try wait a second after a wrong code.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        response = client.post(SETUP, {"code": current_code(device)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:recovery_codes"))
    codes_page = client.get(response.url).content.decode()
    assert codes_page.count("<li>") >= 10
    assert StaticDevice.objects.get(user=manager.user).token_set.count() == 10
    assert "ne seront plus jamais affichés" not in client.get(response.url).content.decode()
    assert client.get(reverse("console:team")).status_code == 200


def test_a_password_alone_cannot_replace_the_application(client, manager):
    totp_device_for(manager.user)
    log_in_with_password(client, manager)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_a_manager_cannot_turn_two_factor_authentication_off(login, manager):
    client = login(manager)
    client.post(reverse("accounts:two_factor_disable"))
    assert TOTPDevice.objects.filter(user=manager.user, confirmed=True).exists()


def test_a_referent_can_turn_it_off(client, referent):
    device = totp_device_for(referent.user)
    log_in_with_password(client, referent)
    client.post(VERIFY, {"code": current_code(device)})
    client.post(reverse("accounts:two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=referent.user).exists()


def test_an_admin_resets_the_second_factor_of_their_departement_s_staff_and_it_is_traced(
    login, manager
):
    admin = StaffProfileFactory(admin=True, structure__departement=manager.structure.departement)
    totp_device_for(manager.user)
    recovery_codes_generate(user=manager.user)
    client = login(admin)
    reset_url = reverse("accounts:two_factor_reset", args=[manager.user.pk])
    assert client.get(reverse("accounts:two_factor_accounts")).status_code == 200
    assert client.get(reset_url).status_code == 200

    response = client.post(reset_url)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager.user).exists()
    assert not StaticDevice.objects.filter(user=manager.user).exists()
    entry = LogEntry.objects.get(object_id=str(manager.user.pk))
    assert entry.user_id == admin.user.pk
    assert "double authentification" in entry.get_change_message()


def test_an_admin_of_another_departement_cannot_reset_it(login, manager):
    other_admin = StaffProfileFactory(admin=True)
    totp_device_for(manager.user)
    client = login(other_admin)
    response = client.post(reverse("accounts:two_factor_reset", args=[manager.user.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=manager.user).exists()
    assert not LogEntry.objects.exists()


def test_a_manager_cannot_reset_anyone_s_second_factor(login, manager, referent):
    totp_device_for(referent.user)
    client = login(manager)
    assert client.get(reverse("accounts:two_factor_accounts")).status_code == 404
    response = client.post(reverse("accounts:two_factor_reset", args=[referent.user.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=referent.user).exists()


@pytest.mark.second_factor_unverified
def test_the_test_helpers_leave_a_session_unverified_when_asked(client, manager):
    client.force_login(manager.user)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("console:team")).status_code == 302


def test_the_django_admin_never_shows_two_factor_devices():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
