"""The demo manager and admin must prove a second factor like real ones: the
seed gives them a device with the published demo key, and `demo_code` prints
the code that opens their pages."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import generator as demo
from demo.generator.logins import DEMO_TOTP_KEY, demo_totp_code
from tests.core.test_seed_demo import seed_demo

pytestmark = pytest.mark.second_factor_unverified


def code_printed_by_the_command():
    out = io.StringIO()
    call_command("demo_code", stdout=out)
    return out.getvalue().split()[2]


def test_the_seed_gives_the_demo_manager_and_admin_a_confirmed_demo_device():
    seed_demo()

    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert sorted(d.user.username for d in devices) == ["admin", "chef.service"]
    assert {d.bin_key for d in devices} == {DEMO_TOTP_KEY}


def test_the_demo_code_is_accepted_by_the_managers_device():
    seed_demo()
    device = TOTPDevice.objects.get(user__username="chef.service")

    assert device.verify_token(code_printed_by_the_command())


def test_the_demo_code_changes_every_thirty_seconds():
    at = 1_800_000_000 - 1_800_000_000 % 30

    assert demo_totp_code(at) != demo_totp_code(at + 30)
    assert demo_totp_code(at)[0] == demo_totp_code(at + 29)[0]
    assert demo_totp_code(at + 10)[1] == 20


def test_the_demo_manager_logs_in_with_the_password_then_the_printed_code(client):
    seed_demo()

    client.post(reverse("login"), {"username": "chef.service", "password": demo.DEMO_PASSWORD})
    assert client.get(reverse("console:team")).status_code == 302

    client.post(reverse("accounts:two_factor_verify"), {"code": code_printed_by_the_command()})
    assert client.get(reverse("console:team")).status_code == 200


def test_a_database_seeded_before_two_factor_gets_the_demo_devices_on_the_next_run():
    seed_demo()
    TOTPDevice.objects.all().delete()

    out = seed_demo("--if-empty")

    assert TOTPDevice.objects.filter(user__username="chef.service", confirmed=True).exists()
    assert demo.logins.demo_totp_secret() in out


def test_the_logins_table_says_how_to_pass_the_second_factor():
    out = seed_demo("--logins-only")

    assert "make demo-code" in out
