"""`migrate` as the owner role.

With DATABASE_OWNER_URL set (PostgreSQL), the migrations run through that
role instead of the application's (DATABASE_URL): the owner creates and owns
the tables, then grants the application role its rights on them (only INSERT
and SELECT on the audit tables). Without it, Django's `migrate` unchanged
(the embedded SQLite mode, the tests).
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from core import db_roles


class Command(MigrateCommand):
    def handle(self, *args, **options):
        wrapper = connections[options["database"]]
        if not settings.DATABASE_OWNER_URL or wrapper.vendor != "postgresql":
            return super().handle(*args, **options)
        owner = db_roles.parse_url(settings.DATABASE_OWNER_URL)
        app_user = wrapper.settings_dict["USER"]
        saved = dict(wrapper.settings_dict)
        wrapper.close()
        wrapper.settings_dict.update(
            {
                key: owner[key]
                for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")
                if key in owner
            }
        )
        try:
            super().handle(*args, **options)
            if app_user and app_user != owner["USER"]:
                with wrapper.cursor() as cursor:
                    db_roles.grant_app_rights(cursor, app_user)
        finally:
            wrapper.close()
            wrapper.settings_dict.clear()
            wrapper.settings_dict.update(saved)
