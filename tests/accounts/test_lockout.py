"""Lockout after failed logins: per account across addresses, per address
across accounts, with a message that does not tell whether an account exists."""

from django.urls import reverse

from tests.caseload.factories import StaffProfileFactory

PASSWORD = "mot-de-passe-de-test"
LOCKED = "Connexion temporairement bloquée"


def attempt(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_account_is_locked_after_failures_from_many_addresses(client, settings):
    referent = StaffProfileFactory()
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, referent.user.username, "pas-le-bon", f"10.0.0.{i + 1}")

    response = attempt(client, referent.user.username, PASSWORD, "10.0.1.1")

    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_failures_over_many_accounts(client, settings):
    referent = StaffProfileFactory()
    for i in range(settings.AXES_IP_FAILURE_LIMIT):
        attempt(client, f"compte-{i}", "Printemps2026!", "10.0.0.9")

    blocked = attempt(client, referent.user.username, PASSWORD, "10.0.0.9")
    elsewhere = attempt(client, referent.user.username, PASSWORD, "10.0.0.10")

    assert LOCKED in blocked.content.decode()
    assert elsewhere.status_code == 302


def test_a_few_mistakes_of_an_office_behind_one_address_do_not_lock_it(client, settings):
    referent = StaffProfileFactory()
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"collegue-{i}", "faute-de-frappe", "10.0.0.9")

    assert attempt(client, referent.user.username, PASSWORD, "10.0.0.9").status_code == 302


def test_logging_into_one_s_own_account_does_not_clear_the_address_s_failures(client, settings):
    own = StaffProfileFactory()
    for i in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        attempt(client, f"compte-{i}", "Printemps2026!", "10.0.0.9")
    assert attempt(client, own.user.username, PASSWORD, "10.0.0.9").status_code == 302
    client.post(reverse("logout"))
    attempt(client, "compte-x", "Printemps2026!", "10.0.0.9")

    assert LOCKED in attempt(client, own.user.username, PASSWORD, "10.0.0.9").content.decode()


def test_the_lockout_message_is_the_same_whether_the_account_exists_or_not(client, settings):
    referent = StaffProfileFactory()
    pages = []
    for username, address in ((referent.user.username, "10.0.2.1"), ("personne", "10.0.3.1")):
        for _i in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, username, "pas-le-bon", address)
        response = attempt(client, username, "pas-le-bon", address)
        pages.append(
            (response.status_code, response.content.decode().split("<main")[1].split("</main>")[0])
        )

    assert pages[0] == pages[1]
    assert LOCKED in pages[0][1]
