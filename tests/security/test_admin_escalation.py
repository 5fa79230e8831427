"""A Département admin in the Django admin: every move out of their
Département, or towards more rights, is refused and changes nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseload.enums import StaffRole
from caseload.models import Binome, CapPolicy, Commune, StaffProfile, Territory
from caseload.services import admin_group
from core.models import User
from pathways.models import ServiceOffer
from tests.caseload.factories import BinomeFactory, CommuneFactory, StaffProfileFactory

# (admin URL name prefix, attribute of a Side) for every Département-scoped object.
OBJECTS = [
    ("caseload_territory", "territory"),
    ("caseload_commune", "commune"),
    ("caseload_structure", "structure"),
    ("caseload_cappolicy", "cap_policy"),
    ("caseload_staffprofile", "nurse"),
    ("caseload_binome", "binome"),
    ("pathways_serviceoffer", "offer"),
]


def user_row(user):
    user.refresh_from_db()
    return (
        user.is_superuser,
        user.is_staff,
        user.password,
        user.email,
        sorted(user.groups.values_list("pk", flat=True)),
        sorted(user.user_permissions.values_list("pk", flat=True)),
    )


# --- Another Département's objects ---------------------------------------------------


@pytest.mark.parametrize("view", ["change", "delete", "history"])
@pytest.mark.parametrize(("name", "attribute"), OBJECTS)
def test_an_admin_opening_an_object_of_another_departement_gets_a_404(
    as_admin, b, name, attribute, view
):
    obj = getattr(b, attribute)

    response = as_admin.get(reverse(f"admin:{name}_{view}", args=[obj.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("view", ["change", "delete", "history", "password"])
def test_an_admin_opening_a_user_of_another_departement_gets_a_404(as_admin, b, view):
    url_name = "auth_user_password_change" if view == "password" else f"core_user_{view}"

    response = as_admin.get(reverse(f"admin:{url_name}", args=[b.nurse.user.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "attribute"), OBJECTS)
def test_an_admin_opens_the_objects_of_their_own_departement(as_admin, a, name, attribute):
    obj = getattr(a, attribute)

    assert as_admin.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize(("name", "attribute"), [*OBJECTS, ("core_user", "nurse.user")])
def test_an_admin_lists_only_their_departements_rows(as_admin, a, b, name, attribute):
    def pick(side):
        obj = side
        for part in attribute.split("."):
            obj = getattr(obj, part)
        return obj

    response = as_admin.get(reverse(f"admin:{name}_changelist"))

    listed = set(response.context["cl"].result_list)
    assert pick(a) in listed
    assert pick(b) not in listed


def test_the_list_filters_offer_only_the_admins_departement(as_admin, a, b):
    response = as_admin.get(reverse("admin:caseload_commune_changelist"))

    page = response.content.decode()
    assert a.territory.name in page
    assert b.territory.name not in page


@pytest.mark.parametrize(
    "name",
    ["caseload_departement", "auth_group", "core_workerheartbeat", "axes_accessattempt"],
)
def test_pages_of_the_platform_operator_are_forbidden_to_a_departement_admin(as_admin, name):
    assert as_admin.get(reverse(f"admin:{name}_changelist")).status_code == 403


def test_the_admin_index_lists_no_operator_page_to_a_departement_admin(as_admin):
    apps = as_admin.get(reverse("admin:index")).context["app_list"]

    models = {m["object_name"] for app in apps for m in app["models"]}
    assert "Departement" not in models
    assert "Group" not in models
    assert {"User", "Territory", "Commune", "StaffProfile"} <= models


# --- Rights ---------------------------------------------------------------------------


def user_form(user, **extra):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        **extra,
    }


def test_an_admin_ticking_superuser_on_themselves_is_refused(as_admin, a):
    before = user_row(a.admin.user)

    response = as_admin.post(
        reverse("admin:core_user_change", args=[a.admin.user.pk]),
        user_form(a.admin.user, is_superuser="on"),
    )

    assert response.status_code == 403
    assert user_row(a.admin.user) == before


@pytest.mark.parametrize(
    "extra",
    [
        {"is_staff": "on"},
        {"is_superuser": "on"},
        {"groups": "GROUP"},
        {"user_permissions": "PERMISSION"},
        {"password": "md5$x$y"},
    ],
    ids=["staff", "superuser", "groups", "permissions", "password-hash"],
)
def test_an_admin_granting_rights_to_a_colleague_is_refused(as_admin, a, extra):
    permission = Permission.objects.get(codename="delete_departement")
    values = {"GROUP": str(admin_group().pk), "PERMISSION": str(permission.pk)}
    extra = {key: values.get(value, value) for key, value in extra.items()}
    before = user_row(a.nurse.user)

    response = as_admin.post(
        reverse("admin:core_user_change", args=[a.nurse.user.pk]), user_form(a.nurse.user, **extra)
    )

    assert response.status_code == 403
    assert user_row(a.nurse.user) == before


def test_the_admins_user_form_shows_no_rights_nor_password_field(as_admin, a):
    response = as_admin.get(reverse("admin:core_user_change", args=[a.nurse.user.pk]))

    fields = set(response.context["adminform"].form.fields)
    assert fields == {"username", "first_name", "last_name", "email", "is_active"}


def test_an_admin_still_edits_a_colleagues_name(as_admin, a):
    response = as_admin.post(
        reverse("admin:core_user_change", args=[a.nurse.user.pk]),
        user_form(a.nurse.user, last_name="Nouveau-Nom"),
    )

    assert response.status_code == 302
    a.nurse.user.refresh_from_db()
    assert a.nurse.user.last_name == "Nouveau-Nom"


def test_the_address_of_a_user_who_has_logged_in_is_read_only_for_an_admin(as_admin, a):
    User.objects.filter(pk=a.nurse.user.pk).update(last_login="2026-01-05T09:00:00Z")

    as_admin.post(
        reverse("admin:core_user_change", args=[a.nurse.user.pk]),
        user_form(a.nurse.user, email="attaquant@example.org"),
    )

    a.nurse.user.refresh_from_db()
    assert a.nurse.user.email != "attaquant@example.org"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_admin_cannot_set_a_colleagues_password(as_admin, a, method):
    before = user_row(a.nurse.user)
    data = {"password1": "Un-nouveau-mot-2026", "password2": "Un-nouveau-mot-2026"}
    url = reverse("admin:auth_user_password_change", args=[a.nurse.user.pk])

    response = getattr(as_admin, method)(url, data if method == "post" else None)

    assert response.status_code == 403
    assert user_row(a.nurse.user) == before


# --- Staff profiles and invitations ---------------------------------------------------


def staff_form(profile, **changes):
    data = {
        "user": profile.user.pk,
        "role": profile.role,
        "structure": profile.structure.pk,
        "territories": [t.pk for t in profile.territories.all()],
        "part_time_ratio": "1.00",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_an_admin_moving_a_staff_member_into_another_departement_is_refused(as_admin, a, b):
    response = as_admin.post(
        reverse("admin:caseload_staffprofile_change", args=[a.nurse.pk]),
        staff_form(a.nurse, structure=b.structure.pk),
    )

    assert response.status_code == 200  # the form, with its error
    assert "structure" in response.context["adminform"].form.errors
    a.nurse.refresh_from_db()
    assert a.nurse.structure == a.structure


def test_an_admin_giving_a_staff_member_a_territory_of_another_departement_is_refused(
    as_admin, a, b
):
    response = as_admin.post(
        reverse("admin:caseload_staffprofile_change", args=[a.nurse.pk]),
        staff_form(a.nurse, territories=[b.territory.pk]),
    )

    assert "territories" in response.context["adminform"].form.errors
    assert list(a.nurse.territories.all()) == [a.territory]


def test_an_admin_cannot_appoint_another_admin(as_admin, a):
    response = as_admin.post(
        reverse("admin:caseload_staffprofile_change", args=[a.nurse.pk]),
        staff_form(a.nurse, role=StaffRole.ADMIN),
    )

    assert "role" in response.context["adminform"].form.errors
    a.nurse.refresh_from_db()
    assert a.nurse.role == StaffRole.NURSE


def test_an_admin_cannot_change_another_admins_profile(login, a):
    second_admin = StaffProfile.objects.create(
        user=User.objects.create_user("admin-bis", is_staff=True),
        role=StaffRole.ADMIN,
        structure=a.structure,
    )

    response = login(a.admin).post(
        reverse("admin:caseload_staffprofile_change", args=[second_admin.pk]),
        staff_form(second_admin, role=StaffRole.NURSE),
    )

    assert response.status_code == 403
    second_admin.refresh_from_db()
    assert second_admin.role == StaffRole.ADMIN


def test_an_admin_adds_no_staff_profile_directly(as_admin):
    response = as_admin.get(reverse("admin:caseload_staffprofile_add"))

    assert response.status_code == 403


def invitation(side, **changes):
    data = {
        "username": "nouvelle",
        "first_name": "Nora",
        "last_name": "Nouvelle",
        "email": "nouvelle@example.org",
        "role": StaffRole.SOCIAL_WORKER,
        "structure": side.structure.pk,
        "territories": [side.territory.pk],
        "part_time_ratio": "1.00",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("field", ["structure", "territories"])
def test_an_admin_inviting_a_user_into_another_departement_is_refused(as_admin, a, b, field):
    value = b.structure.pk if field == "structure" else [b.territory.pk]

    response = as_admin.post(reverse("admin:core_user_add"), invitation(a, **{field: value}))

    assert field in response.context["adminform"].form.errors
    assert not User.objects.filter(username="nouvelle").exists()


def test_an_admin_inviting_an_admin_is_refused(as_admin, a):
    response = as_admin.post(reverse("admin:core_user_add"), invitation(a, role=StaffRole.ADMIN))

    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="nouvelle").exists()


def test_an_admin_inviting_a_user_sends_no_password_but_a_link(
    as_admin, a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("admin:core_user_add"), invitation(a))

    assert response.status_code == 302
    user = User.objects.get(username="nouvelle")
    assert not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    assert user.staff_profile.structure == a.structure
    assert list(user.staff_profile.territories.all()) == [a.territory]
    assert [m.to for m in mailoutbox] == [["nouvelle@example.org"]]
    assert "/mot-de-passe/nouveau/" in mailoutbox[0].body


# --- Choices in every form ------------------------------------------------------------


def test_a_commune_cannot_be_put_in_another_departements_territory(as_admin, a, b):
    response = as_admin.post(
        reverse("admin:caseload_commune_change", args=[a.commune.pk]),
        {
            "insee_code": a.commune.insee_code,
            "name": a.commune.name,
            "postcode": a.commune.postcode,
            "territory": b.territory.pk,
        },
    )

    assert "territory" in response.context["adminform"].form.errors
    a.commune.refresh_from_db()
    assert a.commune.territory == a.territory


def test_a_territory_cannot_be_created_in_another_departement(as_admin, b):
    response = as_admin.post(
        reverse("admin:caseload_territory_add"),
        {"departement": b.departement.pk, "name": "Intrus"},
    )

    assert "departement" in response.context["adminform"].form.errors
    assert not Territory.objects.filter(name="Intrus").exists()


def test_a_catalogue_item_cannot_point_at_another_departements_territory(as_admin, a, b):
    response = as_admin.post(
        reverse("admin:pathways_serviceoffer_add"),
        {
            "departement": a.departement.pk,
            "title": "Atelier intrus",
            "theme": a.offer.theme,
            "provider": "Département",
            "funding": a.offer.funding,
            "territory": b.territory.pk,
            "default_hours_per_week": "0",
            "is_active": "on",
        },
    )

    assert "territory" in response.context["adminform"].form.errors
    assert not ServiceOffer.objects.filter(title="Atelier intrus").exists()


def test_a_binome_cannot_pair_staff_of_another_departement(as_admin, a, b):
    response = as_admin.post(
        reverse("admin:caseload_binome_add"),
        {"pe_advisor": b.binome.pe_advisor.pk, "social_worker": a.binome.social_worker.pk},
    )

    assert "pe_advisor" in response.context["adminform"].form.errors
    assert Binome.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "field", "own", "foreign"),
    [
        ("caseload_commune", "territory", "territory", "territory"),
        ("caseload_staffprofile", "structure", "structure", "structure"),
        ("caseload_staffprofile", "territories", "territory", "territory"),
        ("caseload_binome", "pe_advisor", "binome.pe_advisor", "binome.pe_advisor"),
        ("caseload_binome", "social_worker", "binome.social_worker", "binome.social_worker"),
        ("pathways_serviceoffer", "territory", "territory", "territory"),
        ("pathways_serviceoffer", "departement", "departement", "departement"),
        ("caseload_territory", "departement", "departement", "departement"),
        ("caseload_cappolicy", "departement", "departement", "departement"),
    ],
)
def test_every_choice_offered_to_an_admin_is_of_their_departement(
    as_admin, a, b, name, field, own, foreign
):
    def pick(side, path):
        obj = side
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    response = as_admin.get(reverse(f"admin:{name}_change", args=[_any_of(name, a).pk]))

    choices = set(response.context["adminform"].form.fields[field].queryset)
    assert pick(a, own) in choices
    assert pick(b, foreign) not in choices


def _any_of(name, side):
    return {
        "caseload_commune": side.commune,
        "caseload_staffprofile": side.nurse,
        "caseload_binome": side.binome,
        "pathways_serviceoffer": side.offer,
        "caseload_territory": side.territory,
        "caseload_cappolicy": side.cap_policy,
    }[name]


def test_the_user_autocomplete_offers_only_the_admins_departement(as_admin, a, b):
    response = as_admin.get(
        reverse("admin:autocomplete"),
        {"app_label": "caseload", "model_name": "staffprofile", "field_name": "user", "term": ""},
    )

    ids = {int(r["id"]) for r in response.json()["results"]}
    assert a.nurse.user.pk in ids
    assert b.nurse.user.pk not in ids


# --- Actions and list edits -----------------------------------------------------------


def test_a_bulk_delete_of_another_departements_rows_changes_nothing(as_admin, a, b):
    spare = Territory.objects.create(departement=b.departement, name="Sans commune")

    as_admin.post(
        reverse("admin:caseload_territory_changelist"),
        {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"},
    )

    assert Territory.objects.filter(pk=spare.pk).exists()


def test_a_bulk_password_action_on_another_departements_users_changes_nothing(as_admin, b):
    as_admin.post(
        reverse("admin:core_user_changelist"),
        {"action": "force_password_change", "_selected_action": [b.nurse.user.pk]},
    )

    b.nurse.user.refresh_from_db()
    assert not b.nurse.user.must_change_password


def test_a_list_edit_of_another_departements_cap_changes_nothing(as_admin, a, b):
    before = b.cap_policy.cap
    own = a.cap_policy

    as_admin.post(
        reverse("admin:caseload_cappolicy_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(b.cap_policy.pk),
            "form-0-cap": "999",
            "_save": "Enregistrer",
        },
    )

    b.cap_policy.refresh_from_db()
    own.refresh_from_db()
    assert b.cap_policy.cap == before
    assert CapPolicy.objects.filter(cap=999).count() == 0


# --- Who is an admin at all -----------------------------------------------------------


def test_a_staff_flag_without_the_admin_role_opens_no_admin_page(login, a):
    User.objects.filter(pk=a.nurse.user.pk).update(is_staff=True)
    a.nurse.user.refresh_from_db()

    client = login(a.nurse)

    assert client.get(reverse("admin:caseload_territory_changelist")).status_code == 403
    assert client.get(reverse("admin:index")).context["app_list"] == []


def test_an_admin_no_longer_in_post_opens_no_admin_page(login, a):
    StaffProfile.objects.filter(pk=a.admin.pk).update(is_active=False)

    response = login(a.admin).get(reverse("admin:caseload_territory_changelist"))

    assert response.status_code == 403


def test_a_commune_of_another_departement_is_found_by_no_search(as_admin, b):
    response = as_admin.get(reverse("admin:caseload_commune_changelist"), {"q": b.commune.name})

    assert list(response.context["cl"].result_list) == []
    assert Commune.objects.filter(pk=b.commune.pk).exists()


# --- Query counts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["core_user", "caseload_staffprofile", "caseload_commune", "caseload_binome"]
)
def test_an_admin_list_runs_as_many_queries_whatever_the_number_of_rows(as_admin, a, name):
    url = reverse(f"admin:{name}_changelist")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert as_admin.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(4):
        StaffProfileFactory(structure=a.structure, territories=[a.territory])
        CommuneFactory(territory=a.territory)
        BinomeFactory(pe_advisor__structure=a.structure)
    assert count() == few
