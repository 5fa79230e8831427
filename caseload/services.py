"""Writes of the caseload app."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from caseload.enums import Programme, StaffRole
from caseload.models import DEFAULT_CAPS, Assignment, CapPolicy, Departement, StaffProfile
from core.models import User


@transaction.atomic
def departement_create(*, code, name, auto_assign_imports=False):
    """A Département with its cap policies set to the defaults of the sources."""
    departement = Departement.objects.create(
        code=code, name=name, auto_assign_imports=auto_assign_imports
    )
    cap_policies_initialise(departement=departement)
    return departement


def cap_policies_initialise(*, departement):
    """Create the missing cap policies of a Département with the defaults
    (an existing policy, possibly edited by an admin, is left as it is)."""
    CapPolicy.objects.bulk_create(
        [
            CapPolicy(departement=departement, role=role, programme=programme, cap=cap)
            for (role, programme), cap in DEFAULT_CAPS.items()
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def staff_create(
    *,
    username,
    password,
    first_name,
    last_name,
    email,
    role,
    structure,
    territories=(),
    part_time_ratio=Decimal("1.00"),
):
    """A user and their staff profile. Admins get access to the Django admin
    (reference data), through the "Administrateurs" group."""
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == StaffRole.ADMIN,
    )
    profile = StaffProfile(
        user=user, role=role, structure=structure, part_time_ratio=part_time_ratio
    )
    profile.full_clean(exclude=["user"])
    profile.save()
    profile.territories.set(territories)
    if role == StaffRole.ADMIN:
        user.groups.add(admin_group())
    return profile


ADMIN_GROUP_NAME = "Administrateurs"
ADMIN_MODELS = [
    ("caseload", "territory"),
    ("caseload", "commune"),
    ("caseload", "structure"),
    ("caseload", "cappolicy"),
    ("caseload", "staffprofile"),
    ("caseload", "binome"),
    ("pathways", "serviceoffer"),
    ("core", "user"),
]


def admin_group():
    """The group that gives admins the permissions on reference data."""
    group, created = Group.objects.get_or_create(name=ADMIN_GROUP_NAME)
    if created:
        perms = Permission.objects.filter(
            content_type__app_label__in={app for app, _ in ADMIN_MODELS},
            content_type__model__in={model for _, model in ADMIN_MODELS},
        )
        group.permissions.set(perms)
    return group


def assignment_auto_for_import(*, beneficiary, acting_user=None, programme=Programme.DROIT_COMMUN):
    """Give a newly imported person to the least loaded referent of their
    territory (role `IMPORT_AUTO_ASSIGN_ROLE`) who is under their cap, or to
    no one (the person stays in the unassigned queue). Returns the assignment
    or None.

    The candidates' staff rows are locked (`select_for_update(of=("self",))`,
    in pk order) so that two concurrent assignments cannot both take the last
    place under a cap. A referent whose cap is not set is never chosen: the
    cap is unknown, so it cannot be respected. The caller holds the
    transaction. (Kept small on purpose: to be reconciled with
    `assignment_create`.)
    """
    from caseload.selectors import staff_load

    if not beneficiary.territory_id:
        return None
    candidates = (
        StaffProfile.objects.active()
        .filter(
            role=settings.IMPORT_AUTO_ASSIGN_ROLE,
            territories=beneficiary.territory_id,
            structure__departement_id=beneficiary.departement_id,
        )
        .select_related("structure")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    best, best_ratio = None, None
    for staff in candidates:
        active, cap = staff_load(staff, programme)
        if cap is None or active >= cap:
            continue
        ratio = active / cap
        if best is None or ratio < best_ratio:
            best, best_ratio = staff, ratio
    if best is None:
        return None
    return Assignment.objects.create(
        beneficiary=beneficiary,
        staff=best,
        programme=programme,
        reason="Affectation automatique à l'import, par territoire",
        created_by=acting_user,
    )
