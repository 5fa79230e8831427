"""Create a platform operator: the superuser who manages Départements and
Département admins in the Django admin.

    python manage.py create_operator --email ops@example.org

The password is read from the environment variable OPERATOR_PASSWORD, or asked
twice on the terminal; it must pass the password validators.
"""

import getpass
import os
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from core.models import User

PASSWORD_ENV = "OPERATOR_PASSWORD"


class Command(BaseCommand):
    help = "Crée un opérateur de la plateforme (superutilisateur)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="Adresse électronique de l'opérateur.")
        parser.add_argument(
            "--username", help="Identifiant de connexion (par défaut : l'adresse électronique)."
        )
        parser.add_argument("--first-name", default="", help="Prénom.")
        parser.add_argument("--last-name", default="", help="Nom.")

    def handle(self, *args, email, username=None, first_name="", last_name="", **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Adresse électronique invalide : « {email} ».") from exc
        username = (username or email).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"Un compte existe déjà avec l'identifiant « {username} ».")
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"Un compte existe déjà avec l'adresse « {email} ».")
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_staff=True,
            is_superuser=True,
        )
        password = self._password()
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Mot de passe refusé : " + " ".join(exc.messages)) from exc
        user.set_password(password)
        with transaction.atomic():
            user.save()
        self.stdout.write(self.style.SUCCESS(f"Opérateur « {username} » créé."))

    def _password(self):
        password = os.environ.get(PASSWORD_ENV)
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                f"Aucun mot de passe : définissez la variable {PASSWORD_ENV} "
                "ou lancez la commande dans un terminal."
            )
        password = getpass.getpass("Mot de passe : ")
        if password != getpass.getpass("Mot de passe (confirmation) : "):
            raise CommandError("Les deux mots de passe ne correspondent pas.")
        return password
