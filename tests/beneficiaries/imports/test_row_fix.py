"""Fixing a rejected row in the dry run, without uploading the file again."""

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, RecordAccessLog
from caseload.enums import StaffRole
from intake.enums import ImportStatus, IssueSeverity
from intake.imports import jobs, services
from intake.models import ImportRowFix, ImportRowIssue
from tests.beneficiaries.imports.files import HEADERS, csv_bytes, person
from tests.beneficiaries.imports.test_views import _analysed
from tests.caseload.factories import StaffProfileFactory

FIRST_NAME = HEADERS.index("Prénom")


@pytest.fixture
def analysed(admin, django_capture_on_commit_callbacks):
    data = csv_bytes([person(1), person(2, **{"Prénom": "L3a"})])
    return _analysed(admin, data, django_capture_on_commit_callbacks)


def _rejected(applicant_import):
    return ImportRowIssue.objects.get(
        applicant_import=applicant_import, severity=IssueSeverity.ERROR
    )


def _post(client, applicant_import, issue, **changes):
    cells = list(issue.cells)
    for position, value in changes.items():
        cells[int(position)] = value
    return client.post(
        reverse("imports:row_fix", args=[applicant_import.pk, issue.pk]),
        {f"cell_{i}": value for i, value in enumerate(cells)},
    )


def test_a_fixed_row_leaves_the_rejections_and_counts_as_a_new_person(login, admin, analysed):
    issue = _rejected(analysed)

    response = _post(login(admin), analysed, issue, **{str(FIRST_NAME): "Léa"})

    assert response.status_code == 302
    analysed.refresh_from_db()
    assert (analysed.created_count, analysed.rejected_count) == (2, 0)
    fix = ImportRowFix.objects.get()
    assert (fix.line_number, fix.fixed_by, fix.original_cells[FIRST_NAME]) == (3, admin.user, "L3a")
    assert fix.cells[FIRST_NAME] == "Léa"


def test_a_row_still_wrong_is_shown_again_with_its_reasons_and_nothing_is_kept(
    login, admin, analysed
):
    issue = _rejected(analysed)

    response = _post(login(admin), analysed, issue, **{str(FIRST_NAME): "L4a"})

    assert response.status_code == 200
    assert "toujours rejetée" in response.content.decode()
    assert not ImportRowFix.objects.exists()
    analysed.refresh_from_db()
    assert analysed.rejected_count == 1


def test_opening_the_fix_page_writes_nothing(login, admin, analysed):
    issue = _rejected(analysed)

    response = login(admin).get(reverse("imports:row_fix", args=[analysed.pk, issue.pk]))

    assert response.status_code == 200
    assert 'value="L3a"' in response.content.decode()
    assert not ImportRowFix.objects.exists()


def test_the_import_uses_the_fixed_cells_and_traces_the_fix(
    login, admin, analysed, django_capture_on_commit_callbacks
):
    _post(login(admin), analysed, _rejected(analysed), **{str(FIRST_NAME): "Léa"})
    with django_capture_on_commit_callbacks(execute=False):
        services.import_confirm(applicant_import=analysed, acting_user=admin.user)

    jobs.import_run(import_id=analysed.pk)

    analysed.refresh_from_db()
    assert analysed.status == ImportStatus.DONE
    assert (analysed.created_count, analysed.rejected_count) == (2, 0)
    lea = Beneficiary.objects.get(first_name="Léa")
    assert RecordAccessLog.objects.filter(
        beneficiary_id=lea.pk, detail__contains="ligne 3 corrigée"
    ).exists()


def test_an_admin_of_another_departement_cannot_fix_the_row(login, admin, analysed):
    issue = _rejected(analysed)
    client = login(StaffProfileFactory(admin=True))

    url = reverse("imports:row_fix", args=[analysed.pk, issue.pk])
    assert client.get(url).status_code == 404
    assert _post(client, analysed, issue, **{str(FIRST_NAME): "Léa"}).status_code == 404
    assert not ImportRowFix.objects.exists()


@pytest.mark.parametrize(
    "role", [r for r in StaffRole if r != StaffRole.ADMIN], ids=lambda r: r.value
)
def test_other_roles_get_403_on_the_fix_page(login, admin, analysed, role):
    issue = _rejected(analysed)
    client = login(
        StaffProfileFactory(role=role, structure__departement=admin.structure.departement)
    )

    assert client.get(reverse("imports:row_fix", args=[analysed.pk, issue.pk])).status_code == 403


def test_the_fix_page_runs_a_constant_number_of_queries(
    login, admin, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = login(admin)
    counts = []
    for size in (2, 12):
        rows = [person(i) for i in range(size)] + [person(99, **{"Prénom": "L3a"})]
        applicant_import = _analysed(admin, csv_bytes(rows), django_capture_on_commit_callbacks)
        issue = _rejected(applicant_import)
        url = reverse("imports:row_fix", args=[applicant_import.pk, issue.pk])
        client.get(url)
        with django_assert_max_num_queries(20) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
