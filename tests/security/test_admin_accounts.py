"""Reset links and forced password changes: what a Département admin does
instead of choosing a password, and the trace it leaves."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from caseload.models import StaffProfile
from caseload.services import user_password_change_force, user_password_reset_send
from core.models import User

NEW_PASSWORD = "Une-phrase-de-passe-2026"


def run_action(client, action, user):
    return client.post(
        reverse("admin:core_user_changelist"),
        {"action": action, "_selected_action": [user.pk]},
    )


def test_an_admin_sends_a_reset_link_to_a_colleagues_own_address(
    as_admin, a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_action(as_admin, "send_password_reset", a.nurse.user)

    assert [m.to for m in mailoutbox] == [[a.nurse.user.email]]
    assert "/mot-de-passe/nouveau/" in mailoutbox[0].body


def test_the_reset_link_lets_the_person_choose_a_password(
    client, as_admin, a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_action(as_admin, "send_password_reset", a.nurse.user)
    as_admin.logout()
    link = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+)", mailoutbox[0].body)[1]

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    a.nurse.user.refresh_from_db()
    assert a.nurse.user.check_password(NEW_PASSWORD)


def test_sending_a_reset_link_is_traced_with_who_and_whom(as_admin, a):
    run_action(as_admin, "send_password_reset", a.nurse.user)

    entry = LogEntry.objects.get(object_id=str(a.nurse.user.pk))
    assert entry.user_id == a.admin.user.pk
    assert entry.change_message == "Lien de réinitialisation du mot de passe envoyé"


def test_a_user_without_an_address_gets_no_link_and_the_admin_is_told(as_admin, a, mailoutbox):
    User.objects.filter(pk=a.nurse.user.pk).update(email="")

    response = run_action(as_admin, "send_password_reset", a.nurse.user)

    assert mailoutbox == []
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("n'a pas d'adresse électronique" in m for m in shown)


def test_an_admin_forces_a_password_change_and_it_is_traced(as_admin, a):
    run_action(as_admin, "force_password_change", a.nurse.user)

    a.nurse.user.refresh_from_db()
    assert a.nurse.user.must_change_password
    entry = LogEntry.objects.get(object_id=str(a.nurse.user.pk))
    assert entry.user_id == a.admin.user.pk
    assert "imposé" in entry.change_message


def test_a_user_who_must_change_their_password_reaches_only_that_page(login, a):
    user_password_change_force(acting_user=a.admin.user, user=a.nurse.user)

    client = login(a.nurse)

    response = client.get("/portefeuille/")
    assert response.status_code == 302
    assert response.url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200


def test_an_htmx_request_of_such_a_user_is_sent_to_the_page_too(login, a):
    user_password_change_force(acting_user=a.admin.user, user=a.nurse.user)

    response = login(a.nurse).get("/portefeuille/", headers={"HX-Request": "true"})

    assert response.headers["HX-Redirect"] == reverse("password_change")


def test_once_the_password_is_changed_the_user_works_again(login, a):
    user_password_change_force(acting_user=a.admin.user, user=a.nurse.user)
    client = login(a.nurse)

    client.post(
        reverse("password_change"),
        {
            "old_password": "mot-de-passe-de-test",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    a.nurse.user.refresh_from_db()
    assert not a.nurse.user.must_change_password
    assert client.get("/portefeuille/").status_code == 200


def test_an_admin_cannot_act_on_the_account_of_another_departement(a, b):
    with pytest.raises(PermissionDenied):
        user_password_change_force(acting_user=a.admin.user, user=b.nurse.user)
    with pytest.raises(PermissionDenied):
        user_password_reset_send(acting_user=a.admin.user, user=b.nurse.user)

    b.nurse.user.refresh_from_db()
    assert not b.nurse.user.must_change_password
    assert not LogEntry.objects.exists()


def test_an_admin_cannot_act_on_an_operators_account(a, operator):
    StaffProfile.objects.create(user=operator, role="admin", structure=a.structure)
    with pytest.raises(PermissionDenied):
        user_password_change_force(acting_user=a.admin.user, user=operator)


# --- The buttons of the user's page ---------------------------------------------------


def test_the_users_page_offers_both_buttons(as_admin, a):
    page = as_admin.get(reverse("admin:core_user_change", args=[a.nurse.user.pk])).content

    assert reverse("admin:core_user_send_password_reset", args=[a.nurse.user.pk]).encode() in page
    assert reverse("admin:core_user_force_password_change", args=[a.nurse.user.pk]).encode() in page


def test_the_force_button_forces_a_change(as_admin, a):
    response = as_admin.post(
        reverse("admin:core_user_force_password_change", args=[a.nurse.user.pk])
    )

    assert response.status_code == 302
    a.nurse.user.refresh_from_db()
    assert a.nurse.user.must_change_password


def test_the_buttons_do_nothing_on_a_get(as_admin, a):
    response = as_admin.get(
        reverse("admin:core_user_force_password_change", args=[a.nurse.user.pk])
    )

    assert response.status_code == 405
    a.nurse.user.refresh_from_db()
    assert not a.nurse.user.must_change_password


@pytest.mark.parametrize(
    "name", ["core_user_send_password_reset", "core_user_force_password_change"]
)
def test_the_buttons_on_another_departements_user_are_a_404(as_admin, b, mailoutbox, name):
    response = as_admin.post(reverse(f"admin:{name}", args=[b.nurse.user.pk]))

    assert response.status_code == 404
    b.nurse.user.refresh_from_db()
    assert not b.nurse.user.must_change_password
    assert mailoutbox == []
