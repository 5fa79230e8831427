"""The platform operator: everything the Département admins may not do."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from beneficiaries.models import HealthNote
from caseload.admin import DepartementScopedAdmin
from caseload.models import Departement
from core.admin_site import ParcoursAdminSite
from core.models import User

NEW_PASSWORD = "Une-phrase-de-passe-2026"


def test_the_operator_lists_every_departements_rows(login, operator, a, b):
    response = login(operator).get(reverse("admin:caseload_territory_changelist"))

    assert {a.territory, b.territory} <= set(response.context["cl"].result_list)


def test_the_operator_creates_a_departement_with_its_cap_policies(login, operator):
    response = login(operator).post(
        reverse("admin:caseload_departement_add"), {"code": "18", "name": "Cher"}
    )

    assert response.status_code == 302
    assert Departement.objects.get(code="18").cap_policies.exists()


def test_the_operator_grants_staff_status_and_groups(login, operator, a):
    group = Group.objects.create(name="Lecture")
    user = a.nurse.user

    login(operator).post(
        reverse("admin:core_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )

    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.all()) == [group]


def test_the_operator_may_still_set_a_password(login, operator, a):
    login(operator).post(
        reverse("admin:auth_user_password_change", args=[a.nurse.user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    a.nurse.user.refresh_from_db()
    assert a.nurse.user.check_password(NEW_PASSWORD)


def test_the_operator_invites_a_departement_admin(
    login, operator, a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(operator).post(
            reverse("admin:core_user_add"),
            {
                "username": "admin-bis",
                "first_name": "Alice",
                "last_name": "Bis",
                "email": "alice@example.org",
                "role": "admin",
                "structure": a.structure.pk,
                "part_time_ratio": "1.00",
            },
        )

    user = User.objects.get(username="admin-bis")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name="Administrateurs").exists()
    assert len(mailoutbox) == 1


# --- The admin site keeps every page scoped -------------------------------------------


def test_every_admin_page_is_either_departement_scoped_or_for_the_operator_only():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, DepartementScopedAdmin):
            # The path leads to a Département (a query that runs proves it).
            model._default_manager.filter(**{f"{model_admin.departement_path}_id": 1}).exists()
        else:
            assert model_admin.admin_scope == "operator", model


def test_a_page_registered_without_a_scope_is_for_the_operator_only(a, operator):
    site = ParcoursAdminSite(name="essai")
    site.register(ContentType)
    request = RequestFactory().get("/")

    request.user = a.admin.user
    assert not site._registry[ContentType].has_view_permission(request)
    request.user = operator
    assert site._registry[ContentType].has_view_permission(request)


def test_health_notes_can_never_be_registered_in_the_admin():
    assert HealthNote not in admin.site._registry
    with pytest.raises(ImproperlyConfigured):
        ParcoursAdminSite(name="essai").register(HealthNote)


# --- The create_operator command ------------------------------------------------------


def test_create_operator_creates_a_superuser(monkeypatch):
    monkeypatch.setenv("OPERATOR_PASSWORD", NEW_PASSWORD)
    out = io.StringIO()

    call_command("create_operator", email="Ops@Example.org", stdout=out)

    user = User.objects.get(username="ops@example.org")
    assert user.is_superuser and user.is_staff
    assert user.check_password(NEW_PASSWORD)
    assert "créé" in out.getvalue()


def test_create_operator_refuses_an_existing_account(monkeypatch):
    monkeypatch.setenv("OPERATOR_PASSWORD", NEW_PASSWORD)
    call_command("create_operator", email="ops@example.org", stdout=io.StringIO())

    with pytest.raises(CommandError, match="existe déjà"):
        call_command("create_operator", email="ops@example.org", stdout=io.StringIO())
    assert User.objects.filter(email="ops@example.org").count() == 1


def test_create_operator_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("OPERATOR_PASSWORD", "123")

    with pytest.raises(CommandError, match="Mot de passe refusé"):
        call_command("create_operator", email="ops@example.org", stdout=io.StringIO())
    assert not User.objects.filter(email="ops@example.org").exists()


def test_create_operator_without_a_password_nor_a_terminal_says_what_to_do(monkeypatch):
    monkeypatch.delenv("OPERATOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())

    with pytest.raises(CommandError, match="OPERATOR_PASSWORD"):
        call_command("create_operator", email="ops@example.org", stdout=io.StringIO())
