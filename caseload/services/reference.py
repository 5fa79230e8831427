"""Writes of reference data: Départements and their caps, staff, the admins' group."""

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from caseload.enums import StaffRole
from caseload.models import DEFAULT_CAPS, CapPolicy, Departement, StaffProfile
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


@transaction.atomic
def cap_policies_update(*, caps, acting_user=None):
    """Set caps, {CapPolicy: cap or None}; each cap between 1 and 1000 or None
    ("not set"). Validated by the model's own rules, saved together."""
    changed = []
    for policy, cap in caps.items():
        if cap == policy.cap:
            continue
        policy.cap = cap
        policy.full_clean(exclude=["departement"])
        changed.append(policy)
    CapPolicy.objects.bulk_update(changed, ["cap"])
    return changed


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
    ("appointments", "place"),
    ("appointments", "slot"),
    ("beneficiaries", "tag"),
]


def admin_group_permissions():
    """The permissions of the admins' group: every one on each model of
    `ADMIN_MODELS` (and on no other model of those apps)."""
    match = Q(pk__in=[])
    for app, model in ADMIN_MODELS:
        match |= Q(content_type__app_label=app, content_type__model=model)
    return Permission.objects.filter(match)


def admin_group():
    """The group that gives admins the permissions on reference data (the
    appointments' places and slots included). A group made before a model
    was added to `ADMIN_MODELS` gets it through a data migration."""
    group, created = Group.objects.get_or_create(name=ADMIN_GROUP_NAME)
    if created:
        group.permissions.set(admin_group_permissions())
    return group
