"""python manage.py setup_db_roles [--admin-url URL] [--owner-url URL] [--app-url URL]

Creates (or brings back in line) the two PostgreSQL roles of a deployment:
the owner role of DATABASE_OWNER_URL, which runs the migrations and owns every
table, and the application role of DATABASE_URL, which reads and writes the
application's tables but may only INSERT and SELECT the audit tables.
Idempotent: run it again after a restore or to change a password.

It connects with a superuser's URL (--admin-url, or DATABASE_ADMIN_URL, or
the default connection when it is a superuser's).
"""

import os

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import db_roles


class Command(BaseCommand):
    help = (
        "Crée ou met à jour le rôle propriétaire (migrations) et le rôle applicatif "
        "(journal d'audit en ajout seul) de la base PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin-url", default=os.environ.get("DATABASE_ADMIN_URL", ""))
        parser.add_argument("--owner-url", default=settings.DATABASE_OWNER_URL)
        parser.add_argument("--app-url", default=os.environ.get("DATABASE_URL", ""))

    def handle(self, *args, **options):
        if not options["owner_url"] or not options["app_url"]:
            raise CommandError(
                "Définissez DATABASE_URL (rôle applicatif) et DATABASE_OWNER_URL "
                "(rôle propriétaire) ou passez --app-url et --owner-url."
            )
        owner = db_roles.parse_url(options["owner_url"])
        app = db_roles.parse_url(options["app_url"])
        for parsed, label in ((owner, "DATABASE_OWNER_URL"), (app, "DATABASE_URL")):
            if "postgresql" not in parsed["ENGINE"]:
                raise CommandError(f"{label} doit désigner une base PostgreSQL.")
        if owner["NAME"] != app["NAME"]:
            raise CommandError("DATABASE_URL et DATABASE_OWNER_URL doivent désigner la même base.")
        if owner["USER"] == app["USER"]:
            raise CommandError(
                "Le rôle applicatif et le rôle propriétaire doivent être différents."
            )
        arguments = {
            "database": app["NAME"],
            "owner": owner["USER"],
            "owner_password": owner.get("PASSWORD") or "",
            "app": app["USER"],
            "app_password": app.get("PASSWORD") or "",
        }
        if options["admin_url"]:
            admin = db_roles.parse_url(options["admin_url"])
            with (
                psycopg.connect(
                    dbname=app["NAME"],
                    user=admin["USER"],
                    password=admin.get("PASSWORD") or None,
                    host=admin.get("HOST") or None,
                    port=admin.get("PORT") or None,
                    autocommit=True,
                ) as admin_connection,
                admin_connection.cursor() as cursor,
            ):
                self._setup(cursor, arguments)
        else:
            if connection.vendor != "postgresql":
                raise CommandError("La base par défaut n'est pas PostgreSQL.")
            with connection.cursor() as cursor:
                self._setup(cursor, arguments)
        self.stdout.write(
            f"Rôles prêts : propriétaire « {owner['USER']} », application « {app['USER']} »."
        )

    def _setup(self, cursor, arguments):
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            raise CommandError(
                "Cette commande doit se connecter avec un superutilisateur PostgreSQL "
                "(--admin-url ou DATABASE_ADMIN_URL)."
            )
        db_roles.setup(cursor, **arguments)
