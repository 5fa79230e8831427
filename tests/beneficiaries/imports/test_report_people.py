"""The dry run and the final report name the people: who is created, who is
updated and which fields change (old → new, the NIR masked), a page at a
time on a large file."""

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary
from intake.enums import ChangeKind, ImportPhase
from intake.imports import jobs, services
from intake.models import ImportRowChange
from tests.beneficiaries.imports.files import csv_bytes, nir_for, person
from tests.beneficiaries.imports.test_views import _analysed


@pytest.fixture
def known(run_import):
    """Person 1 is already known, without a NIR and with another phone."""
    run_import(csv_bytes([person(1, NIR="", **{"N° Téléphones": "06 00 00 00 01"})]))
    return Beneficiary.objects.get()


def _page(client, applicant_import, **params):
    url = reverse("imports:detail", args=[applicant_import.pk])
    return client.get(url, params).content.decode()


def test_the_dry_run_names_who_will_be_created_and_who_updated_with_each_change(
    login, admin, known, django_capture_on_commit_callbacks
):
    new = person(2, **{"Nom bénéficiaire": "Lefèvre", "Prénom": "Zoé"})
    applicant_import = _analysed(
        admin, csv_bytes([person(1), new]), django_capture_on_commit_callbacks
    )

    page = _page(login(admin), applicant_import)

    assert "Personnes qui seront créées" in page
    assert "LEFÈVRE Zoé" in page
    assert "Personnes qui seront mises à jour" in page
    assert known.last_name.upper() in page
    assert "06 00 00 00 01</span> → 06 12 34 56 78" in page
    assert (
        f'NIR : <span class="text-body-secondary">(vide)</span> → 2 •• •• •• ••• ••• {nir_for(1)[13:]}'
        in page
    )
    assert nir_for(1) not in page  # masked


def test_the_final_report_names_the_people_created_and_updated(
    login, admin, known, django_capture_on_commit_callbacks
):
    applicant_import = _analysed(
        admin, csv_bytes([person(1), person(2)]), django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.import_confirm(applicant_import=applicant_import, acting_user=admin.user)
    jobs.import_run(import_id=applicant_import.pk)

    changes = ImportRowChange.objects.filter(applicant_import=applicant_import)
    assert set(changes.values_list("phase", flat=True)) == {ImportPhase.RUN}
    created = changes.get(kind=ChangeKind.CREATED)
    assert created.beneficiary.caf_number == person(2)["N° CAF"]
    assert changes.get(kind=ChangeKind.UPDATED).beneficiary_id == known.pk
    page = _page(login(admin), applicant_import)
    assert "Personnes créées" in page
    assert "Personnes mises à jour" in page
    assert created.name in page


def test_a_large_file_lists_its_people_a_page_at_a_time(
    login, admin, django_capture_on_commit_callbacks
):
    rows = [
        person(i, **{"Prénom": f"Prénom{chr(65 + i // 26)}{chr(65 + i % 26)}"}) for i in range(120)
    ]
    applicant_import = _analysed(admin, csv_bytes(rows), django_capture_on_commit_callbacks)
    client = login(admin)

    first = _page(client, applicant_import)
    third = _page(client, applicant_import, nouvelles=3)

    assert "Page 1 sur 3 (120 personnes)" in first
    assert "PrénomBX" in first and "PrénomBY" not in first  # rows 49 and 50
    assert "PrénomDW" in third and "PrénomDV" not in third  # rows 100 and 99
    assert "nouvelles=2#nouvelles" in third  # the previous page
