"""Damaged, oversized and hostile files get a French message, never a 500 nor
a hang; the rejected-rows download is safe to open in a spreadsheet."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake.imports import reading
from intake.imports.exports import neutralise
from intake.models import ApplicantImport
from tests.beneficiaries.imports.files import (
    csv_bytes,
    person,
    xlsx_with_bad_checksum,
    xlsx_with_corrupt_data,
    xlsx_with_dtd_after_comment,
    xlsx_with_long_comment,
)
from tests.beneficiaries.imports.test_views import _analysed


def _upload(client, data, name):
    return client.post(reverse("imports:new"), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    "data",
    [xlsx_with_bad_checksum(), xlsx_with_corrupt_data()],
    ids=["bad-checksum", "corrupt-compressed-data"],
)
def test_a_damaged_workbook_is_refused_at_upload_with_a_french_message(login, admin, data):
    client = login(admin)

    response = _upload(client, data, "caf.xlsx")

    assert response.status_code == 200
    assert "Le classeur Excel est endommagé" in response.content.decode()
    assert not ApplicantImport.objects.exists()


def test_a_csv_of_20000_columns_is_refused_at_once_with_a_french_message(login, admin):
    client = login(admin)
    header = ";".join(f"colonne {i}" for i in range(20_000))
    data = (header + "\r\n" + ";".join("x" for _ in range(20_000)) + "\r\n").encode()

    started = time.monotonic()
    response = _upload(client, data, "large.csv")

    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert "Le fichier compte 20000 colonnes ; 200 au plus sont acceptées" in (
        response.content.decode()
    )
    assert not ApplicantImport.objects.exists()


def test_a_dtd_declared_after_a_long_comment_is_refused():
    with pytest.raises(reading.UnreadableFile, match="DTD"):
        reading.detect(io.BytesIO(xlsx_with_dtd_after_comment()))


def test_a_long_comment_before_the_root_element_alone_is_accepted():
    info = reading.detect(io.BytesIO(xlsx_with_long_comment()))

    assert info.kind == "xlsx"


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "＝1+1",
        "|cmd",
        "｜cmd",
        "+33",
        "＋33",
        "-2",
        "－2",
        "@SUM(A1)",
        "＠SUM(A1)",
        "\tx",
        "\rx",
        " =1+1",
        "\u3000＝1+1",
    ],
)
def test_every_formula_trigger_is_neutralised_full_width_forms_included(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Dupont", "06 12 34 56 78", "45200 MONTARGIS", ""])
def test_ordinary_cells_are_left_as_they_are(value):
    assert neutralise(value) == value


def test_the_rejected_rows_file_says_the_nir_is_left_out_and_how_to_fix_it_and_uploads_again(
    login, admin, django_capture_on_commit_callbacks
):
    applicant_import = _analysed(
        admin, csv_bytes([person(1), person(2, NIR="123")]), django_capture_on_commit_callbacks
    )
    client = login(admin)

    response = client.get(reverse("imports:rejected_csv", args=[applicant_import.pk]))
    data = b"".join(response.streaming_content)

    first_line = data.decode("utf-8-sig").splitlines()[0]
    assert "Le NIR n'est pas repris dans ce fichier (confidentialité)" in first_line
    assert "Pour une ligne rejetée à cause du NIR recopiez-le" in first_line
    info = reading.detect(io.BytesIO(data))
    headers, rows = reading.iter_rows(io.BytesIO(data), info)
    assert headers[:3] == ["Ligne", "Motifs du rejet", "N° CAF"]
    assert [row.line_number for row in rows] == [3]
