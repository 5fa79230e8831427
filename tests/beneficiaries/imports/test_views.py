import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import Beneficiary
from caseload.enums import StaffRole
from intake.enums import ImportStatus
from intake.imports import jobs, services
from intake.models import ApplicantImport, ColumnMapping
from tests.beneficiaries.imports.files import (
    csv_bytes,
    nir_for,
    person,
    xlsx_bytes,
    xlsx_with_dtd,
    zip_bomb,
)
from tests.caseload.factories import StaffProfileFactory

IMPORT_VIEWS = ["detail", "columns", "progress", "rejected_csv", "rejected_xlsx"]
POST_VIEWS = ["confirm", "cancel"]


def _upload(client, data, name="demandeurs.csv", **extra):
    return client.post(reverse("imports:new"), {"file": SimpleUploadedFile(name, data), **extra})


def _uploaded(admin, data):
    return services.import_upload(
        acting_user=admin.user,
        departement=admin.structure.departement,
        uploaded_file=SimpleUploadedFile("demandeurs.csv", data),
    )


def _analysed(admin, data, django_capture_on_commit_callbacks):
    applicant_import = _uploaded(admin, data)
    with django_capture_on_commit_callbacks(execute=False):
        services.import_analyse_request(
            applicant_import=applicant_import,
            acting_user=admin.user,
            columns=applicant_import.columns,
        )
    jobs.import_analyse(import_id=applicant_import.pk)
    applicant_import.refresh_from_db()
    return applicant_import


def _stored_files():
    storage = storages["imports"]
    folders, _files = storage.listdir("")
    return [name for folder in folders for name in storage.listdir(folder)[1]]


@pytest.mark.parametrize(
    "role", [r for r in StaffRole if r != StaffRole.ADMIN], ids=lambda r: r.value
)
def test_other_roles_get_403_on_every_import_page(login, admin, role):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    client = login(
        StaffProfileFactory(role=role, structure__departement=admin.structure.departement)
    )

    for name in ["list", "new"]:
        assert client.get(reverse(f"imports:{name}")).status_code == 403
    for name in IMPORT_VIEWS:
        url = reverse(f"imports:{name}", args=[applicant_import.pk])
        assert client.get(url).status_code == 403, name
    for name in POST_VIEWS:
        url = reverse(f"imports:{name}", args=[applicant_import.pk])
        assert client.post(url).status_code == 403, name


def test_an_admin_of_another_departement_never_sees_the_import(login, admin):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    client = login(StaffProfileFactory(admin=True))

    assert applicant_import.file_name not in client.get(reverse("imports:list")).content.decode()
    for name in IMPORT_VIEWS:
        url = reverse(f"imports:{name}", args=[applicant_import.pk])
        assert client.get(url).status_code == 404, name
    for name in POST_VIEWS:
        url = reverse(f"imports:{name}", args=[applicant_import.pk])
        assert client.post(url).status_code == 404, name
    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.UPLOADED


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("imports:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_admins_land_on_imports_and_see_them_in_the_navigation(login, admin):
    client = login(admin)

    assert client.get("/").url == reverse("imports:list")
    assert 'href="/imports/"' in client.get(reverse("imports:list")).content.decode()


def test_the_whole_flow_through_the_pages(login, admin, django_capture_on_commit_callbacks):
    client = login(admin)
    data = csv_bytes(
        [person(1), person(2), person(3, NIR="123"), person(4, **{"Nom bénéficiaire": "=CMD()"})]
    )

    response = _upload(client, data)
    applicant_import = ApplicantImport.objects.get()
    assert response.url == reverse("imports:columns", args=[applicant_import.pk])
    page = client.get(response.url).content.decode()
    assert "Nom bénéficiaire" in page

    form = {
        f"col_{i}": applicant_import.columns[key]
        for i, key in enumerate(
            __import__("intake.imports.columns", fromlist=["x"]).normalise_header(h)
            for h in applicant_import.headers
        )
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(response.url, {**form, "save_as": "CAF mensuel"})
    assert len(callbacks) == 1
    assert ColumnMapping.objects.get().name == "CAF mensuel"
    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.ANALYSING
    progress = client.get(reverse("imports:progress", args=[applicant_import.pk]))
    assert 'role="progressbar"' in progress.content.decode()

    jobs.import_analyse(import_id=applicant_import.pk)
    progress = client.get(reverse("imports:progress", args=[applicant_import.pk]))
    assert progress.status_code == 204
    assert progress["HX-Refresh"] == "true"
    page = client.get(reverse("imports:detail", args=[applicant_import.pk])).content.decode()
    assert "Confirmer l'import" in page
    assert 'data-count="created">2<' in page.replace("\n", "").replace(" ", "")
    assert "Le NIR" in page
    assert not Beneficiary.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("imports:confirm", args=[applicant_import.pk]))
        client.post(reverse("imports:confirm", args=[applicant_import.pk]))  # double click
    assert len(callbacks) == 1
    queued = client.get(reverse("imports:progress", args=[applicant_import.pk])).content.decode()
    assert 'aria-valuenow="0"' in queued  # not the dry run's 100 %
    jobs.import_run(import_id=applicant_import.pk)
    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.DONE
    assert (applicant_import.created_count, applicant_import.rejected_count) == (2, 2)
    assert Beneficiary.objects.count() == 2
    assert _stored_files() == []  # the upload is deleted once done

    csv_response = client.get(reverse("imports:rejected_csv", args=[applicant_import.pk]))
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Le NIR n'est pas repris dans ce fichier")
    assert text.splitlines()[1].startswith("Ligne;Motifs du rejet;N° CAF")
    assert ";'=CMD();" in text
    assert nir_for(4) not in text  # the NIR stays out of exports
    xlsx = client.get(reverse("imports:rejected_xlsx", args=[applicant_import.pk]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=CMD()" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)

    history = client.get(reverse("imports:list")).content.decode()
    assert "demandeurs.csv" in history


def test_a_saved_mapping_is_reused(login, admin):
    ColumnMapping.objects.create(
        departement=admin.structure.departement,
        name="Logiciel départemental",
        columns={"ref": "external_id"},
    )
    client = login(admin)
    mapping = ColumnMapping.objects.get()

    _upload(
        client,
        csv_bytes([], headers=["N° CAF", "Rôle", "Nom", "Prénom", "Date demande", "Ref"]),
        mapping=mapping.pk,
    )

    applicant_import = ApplicantImport.objects.get()
    assert applicant_import.columns["ref"] == "external_id"
    assert applicant_import.mapping == mapping


def test_missing_required_columns_are_named(login, admin):
    applicant_import = _uploaded(admin, csv_bytes([], headers=["N° CAF", "Nom", "Prénom"]))
    client = login(admin)

    response = client.post(
        reverse("imports:columns", args=[applicant_import.pk]),
        {"col_0": "caf_number", "col_1": "last_name", "col_2": ""},
    )

    assert response.status_code == 200
    assert "Colonnes obligatoires à indiquer : Prénom" in (
        response.content.decode().replace("&#x27;", "'")
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (zip_bomb(), "bombe.xlsx", "archives piégées"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "faux.xlsx", "ni un fichier CSV"),
        (xlsx_with_dtd(), "entites.xlsx", "DTD"),
        (b"PK\x03\x04abcdef", "casse.xlsx", "endommagé"),
    ],
)
def test_hostile_uploads_are_refused_with_a_message_and_nothing_kept(
    login, admin, data, name, message
):
    client = login(admin)

    response = _upload(client, data, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApplicantImport.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize("rows", [40, 1000], ids=["by-the-form", "by-the-announced-size"])
def test_uploads_over_the_size_limit_are_refused(login, admin, settings, rows):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client = login(admin)

    response = _upload(client, csv_bytes([person(i) for i in range(rows)]))

    assert response.status_code == 200
    assert "dépasse la taille maximale" in response.content.decode()
    assert not ApplicantImport.objects.exists()


def test_an_xlsx_upload_lets_the_admin_choose_the_sheet(login, admin):
    client = login(admin)
    data = xlsx_bytes(
        {
            "Lisez-moi": [["Export du 02/11/2026"]],
            "Demandeurs": [["N° CAF", "Rôle", "Nom", "Prénom", "DATE DEMANDE RSA"]],
            "Conjoints": [
                ["MATRICULE", "ROLE PERSONNE", "Nom", "Prénom", "Date de demande", "NIR"]
            ],
        }
    )
    _upload(client, data, name="export.xlsx")
    applicant_import = ApplicantImport.objects.get()
    assert applicant_import.sheet_name == "Demandeurs"

    page = client.get(reverse("imports:columns", args=[applicant_import.pk])).content.decode()
    assert "Lire cette feuille" in page
    client.post(reverse("imports:columns", args=[applicant_import.pk]), {"sheet": "Conjoints"})

    applicant_import.refresh_from_db()
    assert applicant_import.sheet_name == "Conjoints"
    assert applicant_import.columns["nir"] == "nir"


def test_cancelling_deletes_the_upload(login, admin):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    assert len(_stored_files()) == 1
    client = login(admin)

    client.post(reverse("imports:cancel", args=[applicant_import.pk]))

    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.CANCELLED
    assert _stored_files() == []


def test_a_file_that_cannot_be_read_at_analysis_marks_the_import_failed(
    admin, django_capture_on_commit_callbacks
):
    applicant_import = _uploaded(admin, csv_bytes([person(1)]))
    applicant_import.columns = {"ncaf": "caf_number"}
    applicant_import.save()
    with django_capture_on_commit_callbacks(execute=False):
        services.import_analyse_request(
            applicant_import=applicant_import,
            acting_user=admin.user,
            columns={"ncaf": "caf_number"},
        )

    jobs.import_analyse(import_id=applicant_import.pk)

    applicant_import.refresh_from_db()
    assert applicant_import.status == ImportStatus.FAILED
    assert "Colonnes obligatoires absentes" in applicant_import.error_message
    assert nir_for(1)  # nothing else to check: no person, no file
    assert not Beneficiary.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize("size", [2, 12])
def test_import_pages_run_a_constant_number_of_queries(
    login, admin, django_assert_num_queries, size, django_capture_on_commit_callbacks
):
    rows = [person(i) for i in range(size)] + [person(100 + i, NIR="1") for i in range(size)]
    applicant_import = _analysed(admin, csv_bytes(rows), django_capture_on_commit_callbacks)
    for _ in range(size - 1):
        _uploaded(admin, csv_bytes([person(1)]))
    client = login(admin)
    client.get(reverse("imports:list"))  # session and scope warmed up

    # Each count includes the admin's verified second factor (one query).
    with django_assert_num_queries(6):
        client.get(reverse("imports:list"))
    # 9: the two pages of people created and updated (one query each).
    with django_assert_num_queries(9):
        client.get(reverse("imports:detail", args=[applicant_import.pk]))


def test_uploads_never_confirmed_are_cancelled_and_deleted_after_a_day(admin):
    import datetime

    from django.utils import timezone

    old = _uploaded(admin, csv_bytes([person(1)]))
    recent = _uploaded(admin, csv_bytes([person(2)]))
    now = timezone.now()
    ApplicantImport.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(hours=25))

    assert jobs.imports_cancel_stale(now=now) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (ImportStatus.CANCELLED, ImportStatus.UPLOADED)
    assert len(_stored_files()) == 1
