"""Settings of Parcours RSA, read from the environment.

Defaults are safe for production (DEBUG off, secure cookies, HSTS) and use the
embedded stack: a SQLite file and no Redis. `DATABASE_URL` and `REDIS_URL`
switch to PostgreSQL and Redis. A `.env` file at the project root, created by
the Makefile with a random secret key, is read when present; real environment
variables always win.
"""

import os
from pathlib import Path

import environ
import jinja2
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "La variable d'environnement SECRET_KEY est absente : définissez-la "
        "(ou lancez « make run », qui crée un fichier .env avec une clé aléatoire)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_apps.ParcoursAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "pgtrigger",
    "pghistory",
    "core",
    "caseload",
    "beneficiaries",
    "pathways",
    "appointments",
    "intake",
    "stats",
    "privacy",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files are WhiteNoise's, answered above). BREACH:
    # Django masks the CSRF token anew in every response and adds 0–99 random
    # bytes to every gzip body; session cookies are SameSite=Lax; see
    # docs/security.md "Compression".
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "web.middleware.HtmxVaryMiddleware",
    "axes.middleware.AxesMiddleware",
    # After htmx's (they answer htmx requests with a client-side redirect).
    "web.middleware.SessionIdleTimeoutMiddleware",
    "web.middleware.SecondFactorMiddleware",
    "web.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Widgets rendered by Jinja2, the admin's by Django templates (core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # The cached loader over loaders that drop the templates'
            # indentation once, when a template is first read
            # (web/template_loaders.py).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "web.template_loaders.FilesystemLoader",
                        "web.template_loaders.AppDirectoriesLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.context_processors.navigation",
            ],
            # Tests turn this into an exception (tests/conftest.py): an undefined
            # variable in a template is a bug, not an empty string.
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", default=""),
        },
    },
    # The rows of the long lists (web/jinja_env.py says why), included by the
    # Django templates with `{% include_rows %}`.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "web" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "web.jinja_env.environment",
            "extensions": ["jinja2.ext.i18n"],
            "autoescape": True,
            # An undefined value prints nothing, as in the Django templates;
            # tests make it an error (config/settings_test.py).
            "undefined": jinja2.Undefined,
        },
    },
]

# Database: embedded SQLite file by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'parcours_rsa.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL lets the web server and the task worker share the file.
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# The migration role (PostgreSQL): `migrate` connects with DATABASE_OWNER_URL
# when it is set (core/management/commands/migrate.py), the application with
# DATABASE_URL; `setup_db_roles` creates both roles (README, docs/security.md).
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")


def _with_trigger_session_default(database):
    """Give PostgreSQL sessions a value for `pgtrigger.ignore` from the start.

    django-pgtrigger's triggers (the history, the append-only guards) read
    that setting in a PL/pgSQL block that catches the error raised when it
    is not set; each catch rolls back a subtransaction, and PostgreSQL then
    walks every deferred constraint event of the transaction (Django's
    foreign keys are deferred). In a bulk write (an import, the demo seed)
    every history row paid for all the rows before it: 100,000 people took
    quadratic time. Set, the setting is read without an error: the block
    costs nothing. A startup option, so no query is added to any request;
    libpq's PGOPTIONS, which `options` would hide, is kept in front.
    """
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        startup = options.get("options", os.environ.get("PGOPTIONS", ""))
        options["options"] = f"{startup} -c pgtrigger.ignore={{}}".strip()
    return database


_with_trigger_session_default(DATABASES["default"])
# The retention job rewrites and purges the audit tables, which the
# application role may only append to: with an owner role, it does so through
# this second connection, as the owner (privacy.purges.audit_database).
if DATABASE_OWNER_URL and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["audit_owner"] = _with_trigger_session_default(
        {**env.db_url_config(DATABASE_OWNER_URL), "CONN_MAX_AGE": 0}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id with OWASP's parameters (core/hashers.py) for new and changed
# passwords; older hashes (Django's Argon2 defaults too) are still read, and
# upgraded at the next login.
PASSWORD_HASHERS = [
    "core.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes), counted two ways: per
# account whatever the address (one account guessed from many machines), and
# per address whatever the account (one password tried over many accounts).
# The message never says whether the account exists.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "core.lockout.AccountAndAddressHandler"

# Two-factor authentication (django-otp, TOTP): required for managers,
# administrators and staff users of the Django admin, offered to referents.
OTP_TOTP_ISSUER = "Parcours RSA"
# Recovery codes given at once, each usable one time.
TWO_FACTOR_RECOVERY_CODES = 10

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates written day first (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files: Bootstrap comes from the npm package (node_modules, installed by
# `make`), htmx from django-htmx; both are collected and served locally.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache and broker: Redis when REDIS_URL is set, otherwise the embedded mode.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery. Embedded mode uses kombu's filesystem transport: a real worker and a
# real beat, in separate processes, exchanging messages through files under
# var/celery, with no server to install. Production uses Redis.
CELERY_BROKER_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task not acknowledged within this delay is delivered again: longer than
    # any task's time limit (scan 10 min, recompute 30 min), so that a running
    # task is never duplicated (email retries wait in the outbox, in the
    # database, not in Redis); short enough that a task of a killed worker
    # comes back within the hour (and the next scan finds its rows anyway).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # How often a worker looks for messages of dead workers to deliver again.
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Safety: a task is acknowledged after it ran, and given back to the queue when
# its worker process dies; one message at a time per process; a hard time
# limit so that a stuck task cannot outlive the visibility timeout.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=60)
DEADLINE_SCAN_INTERVAL_SECONDS = env.int("DEADLINE_SCAN_INTERVAL_SECONDS", default=300)
EMAIL_OUTBOX_INTERVAL_SECONDS = env.int("EMAIL_OUTBOX_INTERVAL_SECONDS", default=60)
# Hour (local time) of the daily digest of notifications.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "core.tasks.record_worker_heartbeat",
        "schedule": WORKER_HEARTBEAT_SECONDS,
    },
    # The deadline scan: every due reminder is found again by the next run,
    # so a run lost with Redis costs one interval, never a reminder.
    "deadline-scan": {
        "task": "pathways.tasks.scan_deadlines",
        "schedule": DEADLINE_SCAN_INTERVAL_SECONDS,
        "options": {"expires": DEADLINE_SCAN_INTERVAL_SECONDS},
    },
    # The email outbox: emails not sent yet (broker down when they were
    # written, SMTP failures waiting for their backoff) go out on this run.
    "email-outbox": {
        "task": "pathways.send_emails",
        "schedule": EMAIL_OUTBOX_INTERVAL_SECONDS,
        "options": {"expires": EMAIL_OUTBOX_INTERVAL_SECONDS},
    },
    # The daily digest of the notifications of users who chose it.
    "notification-digest": {
        "task": "pathways.tasks.send_digests",
        "schedule": crontab(minute=0, hour=NOTIFICATION_DIGEST_HOUR),
    },
}

# Email.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Absolute links in emails (the path to the person's record is appended).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Parcours RSA <ne-pas-repondre@localhost>"
)

# Security: production-safe unless DEBUG is on.
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request from the
# user (the notification bell's polling does not count), and at the latest
# SESSION_COOKIE_AGE seconds after the login.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_FAILURE_VIEW = "web.errors.csrf_failure"
# Content Security Policy (django-csp): scripts, styles, images and requests
# from this site only; no inline script, no inline <style>, no plugin, no framing.
# Style attributes stay allowed (progress bars' widths); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page uses the browser's sensors, camera, microphone, location or payment.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": [],
    "clipboard-read": [],
}
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = (
    ["security.W021"] if not env.bool("SECURE_HSTS_PRELOAD", default=False) else []
)

# Logging: to the console, without personal data (messages name ids, never people).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Searches are GET forms: access logs keep the path, never the query string.
    "filters": {"no_query_string": {"()": "core.logs.NoQueryString"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.server": {
            "handlers": ["console"],
            "filters": ["no_query_string"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# Product rules kept as settings (DESIGN.md: each delay a setting, not a literal).
PATHWAY_ENTRY_DELAY_DAYS = env.int("PATHWAY_ENTRY_DELAY_DAYS", default=15)
ORIENTATION_DELAY_DAYS = env.int("ORIENTATION_DELAY_DAYS", default=42)
CONTRACT_DELAY_MONTHS = env.int("CONTRACT_DELAY_MONTHS", default=1)
SOCIAL_REVIEW_DELAY_MONTHS = env.int("SOCIAL_REVIEW_DELAY_MONTHS", default=12)
DEADLINE_DUE_SOON_DAYS = env.int("DEADLINE_DUE_SOON_DAYS", default=3)
# RGPD delays (privacy/, docs/retention.md): a person's record is anonymised
# this long after their last contact (no open pathway, no legal hold); the
# access log and the change history are purged after AUDIT_RETENTION_DAYS;
# rejected import rows and uploaded import files after IMPORT_FILE_RETENTION_DAYS;
# notifications after NOTIFICATION_RETENTION_DAYS. Managers see the people due
# within RETENTION_NOTICE_DAYS.
RECORD_RETENTION_DAYS = env.int("RECORD_RETENTION_DAYS", default=730)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=365)
RETENTION_NOTICE_DAYS = env.int("RETENTION_NOTICE_DAYS", default=31)
# Hour (local time) of the nightly retention job (apply_retention).
RETENTION_JOB_HOUR = env.int("RETENTION_JOB_HOUR", default=3)
CELERY_BEAT_SCHEDULE["retention"] = {
    "task": "privacy.apply_retention",
    "schedule": crontab(minute=30, hour=RETENTION_JOB_HOUR),
}
PORTFOLIO_PAGE_SIZE = 50
DEADLINE_REMINDER_DAYS_BEFORE = env.str("DEADLINE_REMINDER_DAYS_BEFORE", default="7,3,1")
DEADLINE_ESCALATION_DAYS_AFTER = env.int("DEADLINE_ESCALATION_DAYS_AFTER", default=1)
DEADLINE_WORKING_DAYS = env.bool("DEADLINE_WORKING_DAYS", default=False)
# Reminders claimed per transaction by the deadline scan.
DEADLINE_SCAN_BATCH_SIZE = env.int("DEADLINE_SCAN_BATCH_SIZE", default=500)
# Test-only: hold each scan batch open this long (worker-kill test); 0 in use.
DEADLINE_SCAN_TEST_PAUSE_SECONDS = env.float("DEADLINE_SCAN_TEST_PAUSE_SECONDS", default=0)
DEADLINE_SCAN_TEST_PAUSE_MARKER = env.str("DEADLINE_SCAN_TEST_PAUSE_MARKER", default="")
# A referent keeps read access to a person's record this long after the end of
# their assignment (a change of referent), then loses it.
PREVIOUS_REFERENT_ACCESS_DAYS = env.int("PREVIOUS_REFERENT_ACCESS_DAYS", default=30)
# Share of the cap from which a load is flagged "proche du plafond".
NEAR_CAP_RATIO = 0.9
QUEUE_PAGE_SIZE = 50

# Applicant imports (intake/imports). Uploaded files wait in their own
# storage between the upload and the end of the import, then are deleted. With
# several hosts, point it at storage every web process and worker shares.
STORAGES["imports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": env.str("IMPORT_UPLOAD_DIR", default=str(VAR_DIR / "imports"))},
}
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# XLSX files are zip archives: refuse before opening one that would inflate
# beyond these limits (zip bombs).
IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = env.int(
    "IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES", default=400 * 1024 * 1024
)
IMPORT_XLSX_MAX_RATIO = env.int("IMPORT_XLSX_MAX_RATIO", default=150)
IMPORT_XLSX_MAX_MEMBERS = env.int("IMPORT_XLSX_MAX_MEMBERS", default=500)
IMPORT_BATCH_SIZE = env.int("IMPORT_BATCH_SIZE", default=2000)
# Rows written per transaction, the progress bar moving with each.
IMPORT_WRITE_BATCH_SIZE = env.int("IMPORT_WRITE_BATCH_SIZE", default=250)
# A file with more columns is refused at upload (no real export has them).
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)
# An upload never confirmed is cancelled (and its file deleted) after this delay.
IMPORT_PENDING_MAX_HOURS = env.int("IMPORT_PENDING_MAX_HOURS", default=24)
CELERY_BEAT_SCHEDULE["cancel-stale-imports"] = {
    "task": "intake.cancel_stale_imports",
    "schedule": 3600,
}
# Role of the referents new people are given to when a Département turns on
# automatic assignment by territory.
IMPORT_AUTO_ASSIGN_ROLE = env.str("IMPORT_AUTO_ASSIGN_ROLE", default="sociopro_referent")

# Appointments and convocations (appointments/). SMS through a pluggable
# backend: "appointments.sms.FileSmsBackend" (default: one JSON line per SMS
# under var/sms, nothing leaves the machine), "appointments.sms.ConsoleSmsBackend",
# "appointments.sms.BrevoSmsBackend" (Brevo's transactional SMS API).
SMS_BACKEND = env.str("SMS_BACKEND", default="appointments.sms.FileSmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
SMS_SENDER = env.str("SMS_SENDER", default="Departement")
SMS_BREVO_API_URL = env.str("SMS_BREVO_API_URL", default="https://api.brevo.com/v3")
SMS_BREVO_API_KEY = env.str("SMS_BREVO_API_KEY", default="")
# Secret part of the delivery-receipt webhook's URL given to the provider.
SMS_WEBHOOK_TOKEN = env.str("SMS_WEBHOOK_TOKEN", default="")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10)
APPOINTMENT_REMINDER_DAYS_BEFORE = env.int("APPOINTMENT_REMINDER_DAYS_BEFORE", default=2)
INVITATION_VALIDITY_DAYS = env.int("INVITATION_VALIDITY_DAYS", default=10)
INVITATION_REMINDER_AFTER_DAYS = env.int("INVITATION_REMINDER_AFTER_DAYS", default=3)
# The person's link: requests per address and link in RATE_WINDOW seconds.
APPOINTMENT_LINK_RATE_LIMIT = env.int("APPOINTMENT_LINK_RATE_LIMIT", default=30)
APPOINTMENT_LINK_RATE_WINDOW = env.int("APPOINTMENT_LINK_RATE_WINDOW", default=600)
# The letters: the Département's letterhead and signature.
LETTER_LETTERHEAD = env.str(
    "LETTER_LETTERHEAD",
    default="Conseil départemental\nDirection de l'insertion\nService RSA",
)
LETTER_SIGNATURE = env.str(
    "LETTER_SIGNATURE", default="Pour le Président du Conseil départemental,\nLe service RSA"
)
LETTER_WHAT_TO_BRING = env.str(
    "LETTER_WHAT_TO_BRING",
    default="une pièce d'identité, votre attestation CAF et, si vous en avez un, votre CV",
)
MESSAGE_OUTBOX_INTERVAL_SECONDS = env.int("MESSAGE_OUTBOX_INTERVAL_SECONDS", default=60)
APPOINTMENT_SCAN_INTERVAL_SECONDS = env.int("APPOINTMENT_SCAN_INTERVAL_SECONDS", default=900)
CELERY_BEAT_SCHEDULE["message-outbox"] = {
    "task": "appointments.send_messages",
    "schedule": MESSAGE_OUTBOX_INTERVAL_SECONDS,
    "options": {"expires": MESSAGE_OUTBOX_INTERVAL_SECONDS},
}
CELERY_BEAT_SCHEDULE["appointment-reminders"] = {
    "task": "appointments.scan_reminders",
    "schedule": APPOINTMENT_SCAN_INTERVAL_SECONDS,
    "options": {"expires": APPOINTMENT_SCAN_INTERVAL_SECONDS},
}
# The statistics dashboard's heavy figures (forecast back-test, cohorts),
# precomputed every night at this hour (local time); the page computes them
# live when the night's run is missing.
STATS_PRECOMPUTE_HOUR = env.int("STATS_PRECOMPUTE_HOUR", default=3)
CELERY_BEAT_SCHEDULE["stats-precompute"] = {
    "task": "stats.precompute_snapshots",
    "schedule": crontab(minute=30, hour=STATS_PRECOMPUTE_HOUR),
}
# Change history (django-pghistory): PostgreSQL triggers copy every insert,
# update and delete of the tables holding personal data into event tables,
# with the context (user, request id, IP address, or command) stored on each
# event row, so the application role only ever INSERTs there.
import pghistory  # noqa: E402

PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_DEFAULT_TRACKERS = (
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(related_name="pgh_history")
PGHISTORY_APPEND_ONLY = True
# Files made with personal data for one user (a person's access export):
# private storage, served to their owner only through an opaque link for
# EXPORT_LINK_VALIDITY_HOURS, then deleted with their row by the beat.
STORAGES["exports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": env.str("EXPORT_DIR", default=str(VAR_DIR / "exports"))},
}
EXPORT_LINK_VALIDITY_HOURS = env.int("EXPORT_LINK_VALIDITY_HOURS", default=48)
CELERY_BEAT_SCHEDULE["purge-expired-exports"] = {
    "task": "privacy.purge_expired_exports",
    "schedule": 3600,
}
# Rows per page of a person's access and change history (admin screen).
AUDIT_HISTORY_PAGE_SIZE = 50
# Readers shown on a record ("Qui a consulté ce dossier").
AUDIT_RECENT_READERS = 10
