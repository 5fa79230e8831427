"""Saved column mappings per source: listed, renamed, deleted, by the
Département's admins only."""

import pytest
from django.urls import reverse

from caseload.enums import StaffRole
from intake.models import ColumnMapping
from tests.caseload.factories import StaffProfileFactory


def _mapping(admin, name="CAF — flux mensuel"):
    return ColumnMapping.objects.create(
        departement=admin.structure.departement, name=name, columns={"ncaf": "caf_number"}
    )


def test_the_saved_mappings_are_listed_with_a_constant_number_of_queries(
    login, admin, django_assert_max_num_queries
):
    client = login(admin)
    _mapping(admin)
    client.get(reverse("imports:mappings"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("imports:mappings"))
    for index in range(5):
        _mapping(admin, f"Source {index}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("imports:mappings"))

    assert "CAF — flux mensuel" in response.content.decode()


def test_an_admin_renames_a_mapping(login, admin):
    mapping = _mapping(admin)

    login(admin).post(
        reverse("imports:mapping_rename", args=[mapping.pk]), {f"m{mapping.pk}-name": "IODAS"}
    )

    mapping.refresh_from_db()
    assert (mapping.name, mapping.updated_by) == ("IODAS", admin.user)


def test_a_rename_to_a_taken_name_is_refused_in_french(login, admin):
    mapping = _mapping(admin)
    _mapping(admin, "IODAS")

    response = login(admin).post(
        reverse("imports:mapping_rename", args=[mapping.pk]),
        {f"m{mapping.pk}-name": "IODAS"},
        follow=True,
    )

    assert "existe déjà" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.name == "CAF — flux mensuel"


def test_an_admin_deletes_a_mapping(login, admin):
    mapping = _mapping(admin)

    login(admin).post(reverse("imports:mapping_delete", args=[mapping.pk]))

    assert not ColumnMapping.objects.exists()


def test_another_departements_admin_cannot_see_rename_or_delete_a_mapping(login, admin):
    mapping = _mapping(admin)
    client = login(StaffProfileFactory(admin=True))

    assert mapping.name not in client.get(reverse("imports:mappings")).content.decode()
    rename = reverse("imports:mapping_rename", args=[mapping.pk])
    assert client.post(rename, {f"m{mapping.pk}-name": "X"}).status_code == 404
    assert client.post(reverse("imports:mapping_delete", args=[mapping.pk])).status_code == 404
    mapping.refresh_from_db()
    assert mapping.name == "CAF — flux mensuel"


@pytest.mark.parametrize(
    "role", [r for r in StaffRole if r != StaffRole.ADMIN], ids=lambda r: r.value
)
def test_other_roles_get_403_on_the_mappings(login, admin, role):
    mapping = _mapping(admin)
    client = login(
        StaffProfileFactory(role=role, structure__departement=admin.structure.departement)
    )

    assert client.get(reverse("imports:mappings")).status_code == 403
    assert client.post(reverse("imports:mapping_delete", args=[mapping.pk])).status_code == 403
    assert ColumnMapping.objects.exists()
