"""Production settings: Django's deployment checklist, Argon2."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

from config import settings as production

ROOT = Path(settings.BASE_DIR)


def test_the_deployment_checklist_passes_with_the_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_makefile_does_not_export_the_async_safety_switch():
    makefile = (ROOT / "Makefile").read_text()
    assert not re.search(r"^export DJANGO_ALLOW_ASYNC_UNSAFE", makefile, re.MULTILINE)


def test_passwords_are_hashed_with_argon2_in_production(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hashed = make_password("un mot de passe solide")
    assert hashed.startswith("argon2$")
    assert check_password("un mot de passe solide", hashed)
