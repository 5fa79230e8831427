"""The embedded mode (`make run`: SQLite, no Redis) imports a CAF file and
recognises its people when the same file comes again. The rest of the suite
runs on PostgreSQL, where the import takes paths SQLite does not have (COPY,
lateral lookups): this runs the command in a process of its own on SQLite."""

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.import_bench import generate

ROOT = Path(__file__).resolve().parents[2]


def _manage(tmp_path, *args):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "embedded-mode-test-secret-key-0123456789abcdefghij",
        "REDIS_URL": "",
        "PYTHONWARNINGS": "ignore",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_embedded_mode_imports_a_file_and_recognises_it_the_second_time(tmp_path):
    _manage(tmp_path, "migrate", "-v0")
    _manage(tmp_path, "seed_demo", "--beneficiaries", "200", "--seed", "1")
    departement = _manage(
        tmp_path,
        "shell",
        "-c",
        "from caseload.models import Departement; print(Departement.objects.order_by('pk')[0].code)",
    ).split()[-1]
    csv_path = tmp_path / "caf.csv"
    generate(csv_path, 100)

    first = _manage(tmp_path, "import_applicants", str(csv_path), "--departement", departement)
    second = _manage(tmp_path, "import_applicants", str(csv_path), "--departement", departement)

    assert "créées : 95, mises à jour : 0, inchangées : 0, rejetées : 5" in first
    assert "créées : 0, mises à jour : 0, inchangées : 95, rejetées : 5" in second


def test_the_embedded_mode_keeps_the_stored_loads_after_every_migration(tmp_path):
    # A migration that rebuilds the assignments' table on SQLite (an altered
    # column) drops the triggers that keep the loads: the dashboard would
    # show every referent at 0.
    _manage(tmp_path, "migrate", "-v0")
    _manage(tmp_path, "seed_demo", "--beneficiaries", "200", "--seed", "1")

    report = _manage(tmp_path, "check_caseload_counters")
    loads = _manage(
        tmp_path,
        "shell",
        "-c",
        "from caseload.models import StaffLoad; print(StaffLoad.objects.filter(active__gt=0).count())",
    ).split()[-1]

    assert "correspondent aux affectations en cours" in report
    assert int(loads) > 0
