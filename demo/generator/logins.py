"""The demo logins: one account per role, their common password and the
table the `seed_demo` command prints."""

from dataclasses import dataclass

from caseload.enums import StaffRole
from caseload.models import Departement
from caseload.models import Territory as TerritoryModel
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
    if any(name is None for _, _, name, _ in rows):
        out.append("Comptes absents : lancez « python manage.py seed_demo » pour les créer.")
    return "\n".join(out)
