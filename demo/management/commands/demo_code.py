"""`python manage.py demo_code`: the current second-factor code of the demo
manager and admin accounts (their shared, published demo key)."""

from django.core.management.base import BaseCommand

from demo.generator.logins import demo_totp_code


class Command(BaseCommand):
    help = (
        "Affiche le code à 6 chiffres du moment pour la double authentification des "
        "comptes de démonstration chef de service et administrateur."
    )

    def handle(self, *args, **options):
        code, seconds = demo_totp_code()
        self.stdout.write(f"Code : {code} (valable encore {seconds} s)")
