"""What a web process loads when it starts, in a fresh interpreter."""

import os
import subprocess
import sys

from django.conf import settings


def _loaded_after(statement, module):
    """Whether `module` is imported once `statement` has run in a new process."""
    code = f"import sys; {statement}; print({module!r} in sys.modules)"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
    )
    return result.stdout.strip().splitlines()[-1] == "True"


def test_the_wsgi_application_imports_every_view_when_it_starts():
    assert _loaded_after("import config.wsgi", "web.appointments.views")


def test_the_urls_load_without_the_pdf_library():
    assert not _loaded_after("import django; django.setup(); import config.urls", "fpdf")
