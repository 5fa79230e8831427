"""An import never silently undoes an edit and never rewrites a CAF number
because the cell type of the file changed."""

import importlib
import io
import re
import types

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from beneficiaries.models import Beneficiary
from beneficiaries.validators import canonical_caf_number
from intake.enums import ImportStatus
from intake.imports import reading, services
from intake.imports.columns import guess_columns
from intake.imports.engine import Counts, ImportEngine, MemoryRecorder
from intake.models import ApplicantImport
from intake.people import beneficiary_create
from tests.beneficiaries.imports.files import HEADERS, csv_bytes, nir_for, person, xlsx_bytes
from tests.caseload.factories import DepartementFactory, StaffProfileFactory
from tests.workspace import person_followed_by

HTMX = {"HTTP_HX_REQUEST": "true"}


def _import(departement, data):
    fileobj = io.BytesIO(data)
    info = reading.detect(fileobj)
    sheet = info.sheet_names[0] if info.kind == "xlsx" else ""
    headers = reading.read_headers(fileobj, info, sheet)
    return ImportEngine(
        departement=departement,
        fileobj=fileobj,
        info=info,
        columns=guess_columns(headers),
        sheet_name=sheet,
        recorder=MemoryRecorder(),
    ).run()


def test_a_contact_form_opened_before_an_import_update_is_refused_as_a_conflict(login):
    staff = StaffProfileFactory()
    marie = person_followed_by(staff, caf_number="3000001", nir=nir_for(1))
    client = login(staff)
    url = reverse("workspace:contact_edit", args=[marie.pk])
    form = client.get(url, **HTMX).content.decode()
    version = re.search(r'name="version" value="(\d+)"', form).group(1)

    recorder = _import(
        staff.structure.departement,
        csv_bytes([person(1, **{"N° Téléphones": "07 11 22 33 44"})]),
    )
    assert recorder.counts.updated == 1
    response = client.post(
        url,
        {
            "phone": "0601020304",
            "email": "",
            "address_line": "",
            "postcode": "",
            "city": "",
            "version": version,
        },
        **HTMX,
    )

    assert response.status_code == 409
    assert "Quelqu&#x27;un d&#x27;autre a modifié cette fiche" in response.content.decode()
    marie.refresh_from_db()
    assert marie.phone == "07 11 22 33 44"


def test_an_import_update_bumps_the_version_of_each_changed_person_only():
    departement = DepartementFactory()
    _import(departement, csv_bytes([person(1), person(2)]))

    _import(departement, csv_bytes([person(1, **{"Nom bénéficiaire": "Durand"}), person(2)]))

    versions = dict(Beneficiary.objects.values_list("last_name", "version"))
    assert versions == {"Durand": 2, person(2)["Nom bénéficiaire"]: 1}


def test_a_caf_number_read_as_a_number_cell_then_as_text_keeps_the_same_person():
    departement = DepartementFactory()
    as_number = [HEADERS] + [[875213 if h == "N° CAF" else person(1)[h] for h in HEADERS]]

    first = _import(departement, xlsx_bytes({"Demandeurs": as_number}))
    second = _import(departement, csv_bytes([person(1, **{"N° CAF": "0875213"})]))

    assert first.counts.created == 1
    assert (second.counts.created, second.counts.updated, second.counts.unchanged) == (0, 0, 1)
    assert list(Beneficiary.objects.values_list("caf_number", flat=True)) == ["0875213"]


def test_a_caf_number_given_without_its_leading_zero_matches_by_the_number_not_the_nir():
    departement = DepartementFactory()
    _import(departement, csv_bytes([person(1, **{"N° CAF": "0875213"})]))

    recorder = _import(departement, csv_bytes([person(1, **{"N° CAF": "875213", "NIR": ""})]))

    assert (recorder.counts.created, recorder.counts.rejected) == (0, 0)
    assert list(Beneficiary.objects.values_list("caf_number", flat=True)) == ["0875213"]


def test_caf_numbers_have_one_canonical_form():
    assert canonical_caf_number("0875213") == "0875213"
    assert canonical_caf_number(875213) == "0875213"
    assert canonical_caf_number(875213.0) == "0875213"
    assert canonical_caf_number("875 213") == "0875213"
    assert canonical_caf_number("00875213") == "0875213"
    assert canonical_caf_number("12345678") == "12345678"
    assert canonical_caf_number("12AB") == "12AB"  # left for the validator to refuse


def test_a_person_typed_in_is_stored_with_the_canonical_caf_number():
    departement = DepartementFactory()
    created = beneficiary_create(
        acting_user=None,
        departement=departement,
        caf_number="875213",
        household_role="demandeur",
        first_name="Inès",
        last_name="Martin",
    )

    assert created.caf_number == "0875213"


def test_the_migration_canonicalises_stored_numbers_and_skips_those_that_would_collide(capsys):
    migration = importlib.import_module("intake.migrations.0002_canonical_caf_numbers")
    departement = DepartementFactory()
    _import(departement, csv_bytes([person(1), person(2), person(3)]))
    pks = list(Beneficiary.objects.order_by("caf_number").values_list("pk", flat=True))
    Beneficiary.objects.filter(pk=pks[0]).update(caf_number="875213")
    Beneficiary.objects.filter(pk=pks[1]).update(caf_number="0875213")  # already canonical
    Beneficiary.objects.filter(pk=pks[2]).update(caf_number="0000875214")

    migration.canonicalise(apps, types.SimpleNamespace(connection=connection))

    numbers = dict(Beneficiary.objects.values_list("pk", "caf_number"))
    assert numbers == {pks[0]: "875213", pks[1]: "0875213", pks[2]: "0875214"}
    assert f"875213 (personne n° {pks[0]}) laissé tel quel" in capsys.readouterr().out


class _Progress(MemoryRecorder):
    def __init__(self):
        super().__init__()
        self.steps = []

    def batch_done(self, counts, processed, issues, outcomes=()):
        super().batch_done(counts, processed, issues, outcomes)
        self.steps.append(processed)


def test_the_progress_is_saved_every_few_hundred_rows(settings):
    settings.IMPORT_BATCH_SIZE = 2000
    departement = DepartementFactory()
    data = csv_bytes([person(i) for i in range(600)])
    fileobj = io.BytesIO(data)
    info = reading.detect(fileobj)
    recorder = _Progress()

    ImportEngine(
        departement=departement,
        fileobj=fileobj,
        info=info,
        columns=guess_columns(reading.read_headers(fileobj, info)),
        dry_run=True,
        recorder=recorder,
    ).run()

    assert sum(recorder.steps) == 600
    assert max(recorder.steps) <= 300


def test_the_import_page_heading_says_import_en_cours_while_it_runs(login):
    admin = StaffProfileFactory(admin=True)
    applicant_import = services.import_upload(
        acting_user=admin.user,
        departement=admin.structure.departement,
        uploaded_file=SimpleUploadedFile("demandeurs.csv", csv_bytes([person(1)])),
    )
    ApplicantImport.objects.filter(pk=applicant_import.pk).update(status=ImportStatus.RUNNING)

    page = login(admin).get(reverse("imports:detail", args=[applicant_import.pk]))

    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page.content.decode(), re.S).group(1)
    assert heading.split()[:3] == ["Import", "en", "cours"]


def test_the_command_summary_is_in_french():
    assert Counts(created=2, rejected=1).summary() == (
        "créées : 2, mises à jour : 0, inchangées : 0, rejetées : 1"
    )


def test_a_malformed_csv_is_explained_in_french():
    data = ("N° CAF;Nom\r\n" + '"' + "x" * (1024 * 1024 + 10) + "\r\n").encode()
    fileobj = io.BytesIO(data)
    info = reading.detect(fileobj)

    with pytest.raises(reading.UnreadableFile) as error:
        list(reading.iter_rows(fileobj, info)[1])

    assert "une cellule est trop longue" in str(error.value)
    assert "field larger" not in str(error.value)
