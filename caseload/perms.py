"""Who may see what: the scope of a user, and small predicates on it.

Every view starts from a `visible_to(user)` queryset built on `scope_of`; the
scope is computed once per request (two queries) and cached on the user.
"""

from dataclasses import dataclass, field

from caseload.enums import StaffRole


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    role: str | None = None
    staff_id: int | None = None
    departement_id: int | None = None
    territory_ids: list[int] = field(default_factory=list)

    @property
    def is_admin(self):
        return self.role == StaffRole.ADMIN

    @property
    def is_manager(self):
        return self.role == StaffRole.MANAGER

    @property
    def is_referent(self):
        return self.role in StaffRole.referent_roles()


NOTHING = Scope()


def scope_of(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_parcours_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._parcours_scope = scope
    return scope


def _compute_scope(user):
    from caseload.models import StaffProfile

    if user.is_superuser:
        return Scope(everything=True)
    profile = (
        StaffProfile.objects.filter(user_id=user.pk, is_active=True)
        .select_related("structure")
        .first()
    )
    if profile is None:
        return NOTHING
    return Scope(
        role=profile.role,
        staff_id=profile.pk,
        departement_id=profile.structure.departement_id,
        territory_ids=list(profile.territories.values_list("pk", flat=True)),
    )


def forget_scope(user):
    """Drop the cached scope (after a change of role or territories)."""
    if hasattr(user, "_parcours_scope"):
        del user._parcours_scope


def can_see_nir(user):
    """The NIR is shown only to roles that match people with CAF files."""
    scope = scope_of(user)
    return scope.everything or scope.role in {StaffRole.ADMIN, StaffRole.MANAGER}


def can_manage_territories(user):
    scope = scope_of(user)
    return scope.everything or scope.role in {StaffRole.MANAGER, StaffRole.ADMIN}


def can_view_health_notes(user, beneficiary, *, current_referent_ids=None):
    """Health data (RGPD art. 9): the nurse and the person's social worker
    only, while they follow the person. A former referent keeps read access to
    the record for a while after a change, never to its health notes.

    `current_referent_ids` (staff ids of the person's active assignments) spares
    a query when the caller has them already.
    """
    scope = scope_of(user)
    if scope.role not in {StaffRole.NURSE, StaffRole.SOCIAL_WORKER}:
        return False
    if current_referent_ids is None:
        from caseload.models import Assignment

        return (
            Assignment.objects.active()
            .filter(beneficiary_id=beneficiary.pk, staff_id=scope.staff_id)
            .exists()
        )
    return scope.staff_id in current_referent_ids
