import pytest
from django.core.management import CommandError, call_command

from beneficiaries.models import Beneficiary
from intake.enums import ImportStatus
from intake.models import ApplicantImport, ColumnMapping
from tests.beneficiaries.imports.files import csv_bytes, person, zip_bomb


def _call(*args):
    import io

    out = io.StringIO()
    call_command("import_applicants", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_prints_rejected_rows_and_ends_with_the_summary(tmp_path, territory):
    path = tmp_path / "caf.csv"
    path.write_bytes(csv_bytes([person(1), person(2, NIR="1234")], encoding="cp1252"))

    lines = _call(str(path))

    assert lines[-1] == "créées : 1, mises à jour : 0, inchangées : 0, rejetées : 1"
    assert lines[0].startswith("ligne 3 (rejetée) — NIR : ")
    assert _call(str(path))[-1] == "créées : 0, mises à jour : 0, inchangées : 1, rejetées : 1"
    assert ApplicantImport.objects.filter(status=ImportStatus.DONE, created_by=None).count() == 2


def test_dry_run_writes_nothing(tmp_path, territory):
    path = tmp_path / "caf.csv"
    path.write_bytes(csv_bytes([person(1)]))

    lines = _call(str(path), "--dry-run")

    assert lines[-1] == "créées : 1, mises à jour : 0, inchangées : 0, rejetées : 0"
    assert not Beneficiary.objects.exists()
    assert not ApplicantImport.objects.exists()


def test_a_saved_mapping_by_name(tmp_path, departement, territory):
    ColumnMapping.objects.create(
        departement=departement,
        name="logiciel",
        columns={"dossier": "caf_number", "qualite": "household_role"},
    )
    path = tmp_path / "dep.csv"
    path.write_bytes(
        "Dossier;Qualité;Nom;Prénom;Date de demande\n1234567;DEM;Martin;Paul;02/11/2026\n".encode()
    )

    assert _call(str(path), "--mapping", "logiciel")[-1].startswith("créées : 1,")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (zip_bomb(), "archives piégées"),
        (b"Ville;Code postal\nMontargis;45200\n", "Colonnes obligatoires absentes"),
    ],
)
def test_an_unreadable_file_exits_non_zero_with_a_french_message(
    tmp_path, territory, content, message
):
    path = tmp_path / "fichier.xlsx"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        _call(str(path))


def test_a_missing_file(tmp_path, territory):
    with pytest.raises(CommandError, match="introuvable"):
        _call(str(tmp_path / "absent.csv"))
