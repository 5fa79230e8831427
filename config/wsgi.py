"""The WSGI application (gunicorn: `config.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# The URLs, and every view module with them, are imported now, when the
# process starts, rather than during the first request it serves (0.25 s
# added to someone's page after each start or restart of a worker).
get_resolver().url_patterns  # noqa: B018 - the import is the point
