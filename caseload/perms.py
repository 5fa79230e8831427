"""Who may see what: small predicates on a user's scope.

Every view starts from a `visible_to(user)` queryset built on `scope_of`; the
scope is computed once per request (two queries) and cached on the user.
`scope_of` and `forget_scope` live in `caseload.models`, beside the querysets
that need them, and are named here too, where most callers import them from.
"""

from caseload.enums import StaffRole
from caseload.models import Assignment, StaffProfile, forget_scope, scope_of

__all__ = [
    "can_administer_user",
    "can_manage_territories",
    "can_see_nir",
    "can_view_health_notes",
    "forget_scope",
    "scope_of",
]


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
        return (
            Assignment.objects.active()
            .filter(beneficiary_id=beneficiary.pk, staff_id=scope.staff_id)
            .exists()
        )
    return scope.staff_id in current_referent_ids


def can_administer_user(acting_user, user):
    """A platform operator administers every account; a Département admin
    the accounts of their Département's staff, never a superuser's."""
    if acting_user is None or not acting_user.is_active:
        return False
    if acting_user.is_superuser:
        return True
    scope = scope_of(acting_user)
    if not scope.is_admin or scope.departement_id is None or user.is_superuser:
        return False
    return StaffProfile.objects.filter(
        user_id=user.pk, structure__departement_id=scope.departement_id
    ).exists()
