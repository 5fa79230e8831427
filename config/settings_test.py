"""Settings for the test suite: the production settings, on PostgreSQL and
Redis (the real components), with what tests need over plain HTTP."""

import os
import tempfile

import jinja2

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_rsa")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault(
    "SECRET_KEY", "tests-only-secret-key-never-used-in-production-0123456789abcdef"
)

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES, TEMPLATES  # noqa: E402

# An undefined value in a Jinja2 row template is a bug (pytest-django's
# FAIL_INVALID_TEMPLATE_VARS does the same for the Django templates).
next(t for t in TEMPLATES if t.get("NAME") == "jinja2")["OPTIONS"]["undefined"] = (
    jinja2.StrictUndefined
)

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploaded import files go to a folder of this test process, removed by the OS.
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="parcours-imports-")},
    },
    # Exports made for a user (access requests): likewise.
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="parcours-exports-")},
    },
}
CELERY_TASK_ALWAYS_EAGER = False
# WhiteNoise serves from STATIC_ROOT; tests use the finders, the folder only has to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
