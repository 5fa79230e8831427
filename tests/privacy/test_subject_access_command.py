"""`export_person`: an operator's access export, written into a folder, with
French errors and a non-zero exit code on bad input."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from beneficiaries.enums import AccessAction
from beneficiaries.models import RecordAccessLog


def _run(tmp_path, person, **overrides):
    options = {
        "caf": person.caf_number,
        "role": "demandeur",
        "departement": "45",
        "output": str(tmp_path),
    }
    options.update(overrides)
    out = io.StringIO()
    call_command("export_person", *[f"--{k}={v}" for k, v in options.items()], stdout=out)
    return out.getvalue()


def test_it_writes_the_pdf_and_the_json_of_the_person(tmp_path, person, other_person):
    printed = _run(tmp_path, person).split()
    assert sorted(p.rsplit(".", 1)[1] for p in printed) == ["json", "pdf"]
    pdf = next(tmp_path.glob("*.pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Souhaite une formation d'aide-soignante." in text
    assert "cariste" not in text
    document = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    assert len(document["entretiens"]["elements"]) == 2


def test_the_files_name_no_one(tmp_path, person):
    _run(tmp_path, person)
    names = " ".join(path.name for path in tmp_path.iterdir())
    assert person.last_name not in names
    assert person.caf_number not in names


def test_the_command_export_is_traced(tmp_path, person):
    _run(tmp_path, person)
    row = RecordAccessLog.objects.filter(beneficiary=person, action=AccessAction.EXPORT).get()
    assert row.user_id is None
    assert row.command


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"departement": "99"}, "Aucun Département de code « 99 »"),
        ({"caf": "0000001"}, "Aucune personne avec ce numéro allocataire"),
        ({"role": "enfant"}, "Rôle dans le foyer « enfant » inconnu"),
        ({"role": "conjoint"}, "Aucune personne avec ce numéro allocataire"),
    ],
)
def test_bad_input_fails_in_french(tmp_path, person, overrides, message):
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, person, **overrides)
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_fails_in_french(tmp_path, person):
    with pytest.raises(CommandError, match="n'existe pas"):
        _run(tmp_path, person, output=str(tmp_path / "absent"))


def test_a_folder_that_cannot_be_written_fails_in_french(tmp_path, person, monkeypatch):
    # The tests may run as root, who writes anywhere: the folder's refusal is
    # what the operating system would answer another account.
    def refused(self, content):
        raise PermissionError(13, "Permission non accordée")

    monkeypatch.setattr("pathlib.Path.write_bytes", refused)
    with pytest.raises(CommandError, match="Impossible d'écrire dans le dossier"):
        _run(tmp_path, person)


def test_a_failure_exits_with_a_non_zero_code(tmp_path, person):
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(
            [
                "manage.py",
                "export_person",
                "--caf=1",
                "--role=demandeur",
                "--departement=99",
                f"--output={tmp_path}",
            ]
        ).execute()
    assert exit_info.value.code == 1
