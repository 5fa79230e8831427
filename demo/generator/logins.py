"""The demo logins: one account per role, their common password and the
table the `seed_demo` command prints."""

import base64
import time
from dataclasses import dataclass

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseload.enums import StaffRole
from caseload.models import Departement
from caseload.models import Territory as TerritoryModel
from caseload.two_factor import TOTP_DEVICE_NAME
from core.models import User

DEMO_PASSWORD = "demo-parcours-rsa"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str


DEMO_LOGINS = [
    DemoLogin(StaffRole.SOCIAL_WORKER, "travailleur.social"),
    DemoLogin(StaffRole.SOCIOPRO_REFERENT, "referent.sociopro"),
    DemoLogin(StaffRole.PE_ADVISOR, "conseiller.ft"),
    DemoLogin(StaffRole.JOB_CONSULTANT, "consultant.emploi"),
    DemoLogin(StaffRole.NURSE, "infirmier"),
    DemoLogin(StaffRole.MANAGER, "chef.service"),
    DemoLogin(StaffRole.ADMIN, "admin"),
]
DEMO_USERNAME = {login.role: login.username for login in DEMO_LOGINS}

# Managers and admins must prove a second factor (caseload.two_factor). The demo
# accounts share one published TOTP key, so that whoever tries the demo can add
# it to an authenticator app, or read the current code with `make demo-code`.
# Demo data only: real accounts each get their own key at setup.
DEMO_TOTP_KEY = b"parcours-rsa-demo-2f"
DEMO_SECOND_FACTOR_ROLES = (StaffRole.MANAGER, StaffRole.ADMIN)
TOTP_STEP_SECONDS = 30


def demo_totp_secret():
    """The demo key as authenticator apps ask for it (base32)."""
    return base64.b32encode(DEMO_TOTP_KEY).decode()


def demo_totp_code(at=None):
    """(code, seconds it stays valid) of the demo key at `at` (a Unix time; now
    by default)."""
    clock = TOTP(DEMO_TOTP_KEY, step=TOTP_STEP_SECONDS)
    clock.time = time.time() if at is None else at
    return f"{clock.token():06d}", TOTP_STEP_SECONDS - int(clock.time) % TOTP_STEP_SECONDS


def ensure_demo_second_factor():
    """Give the demo manager and admin a confirmed TOTP device with the demo
    key (idempotent): they can log in through the second-factor page."""
    usernames = [DEMO_USERNAME[role] for role in DEMO_SECOND_FACTOR_ROLES]
    for user in User.objects.filter(username__in=usernames):
        TOTPDevice.objects.get_or_create(
            user=user,
            name=TOTP_DEVICE_NAME,
            defaults={"key": DEMO_TOTP_KEY.hex(), "confirmed": True},
        )


def has_data():
    """Whether the database already holds a Département (then the seed is skipped)."""
    return Departement.objects.exists()


def demo_login_rows():
    """(role label, username, full name or None, territory or None), one per role."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_USERNAME.values()).select_related(
            "staff_profile"
        )
    }
    territories = dict(
        TerritoryModel.objects.filter(staff__user__username__in=DEMO_USERNAME.values()).values_list(
            "staff__user__username", "name"
        )
    )
    rows = []
    for login in DEMO_LOGINS:
        user = users.get(login.username)
        rows.append(
            (
                StaffRole(login.role).label,
                login.username,
                user.get_full_name() if user else None,
                territories.get(login.username),
            )
        )
    return rows


def logins_table(rows):
    """The French table of the demo logins, printed at the end of the command."""
    header = ("Rôle", "Identifiant", "Nom", "Territoire")
    lines = [
        (role, username, name or "compte absent", territory or "—")
        for role, username, name, territory in rows
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(4)]

    def fmt(row):
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))

    out = [
        f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})",
        fmt(header),
        fmt(tuple("-" * width for width in widths)),
        *(fmt(row) for row in lines),
    ]
    out = [line.rstrip() for line in out]
    out.append(
        "Chef de service et administrateur : double authentification. Ajoutez la clé "
        f"{demo_totp_secret()} à une application d'authentification, ou affichez le code "
        "du moment avec « make demo-code »."
    )
    if any(name is None for _, _, name, _ in rows):
        out.append("Comptes absents : lancez « python manage.py seed_demo » pour les créer.")
    return "\n".join(out)
