"""Who may see what: small predicates on a user's scope.

Every view starts from a `visible_to(user)` queryset built on `scope_of`; the
scope is computed once per request (two queries) and cached on the user.
`scope_of` and `forget_scope` live in `caseload.models`, beside the querysets
that need them, and are named here too, where most callers import them from.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from caseload.enums import StaffRole
from caseload.models import Assignment, StaffProfile, forget_scope, scope_of

__all__ = [
    "OutOfScope",
    "can_administer_user",
    "can_read_audit_trail",
    "can_manage_territories",
    "check_may_manage_people",
    "managed_people_q",
    "may_manage_person",
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


# --- Acting on people from the console ------------------------------------------------
#
# A manager acts on the people of *their* territories, an admin on those of
# their Département. What counts is the person's territory, never the
# territories of the referent who follows them: a referent shared between two
# territories follows people of both, and the manager of one of them may only
# see and act on their own territory's people.


class OutOfScope(ValidationError):
    """One of the people an action would touch is outside the acting user's
    territories (or Département): the whole action is refused."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Une des personnes choisies n'est pas dans vos territoires (ou n'existe "
                "plus) : rien n'a été modifié."
            ),
            code="out_of_scope",
        )


def managed_people_q(user, prefix=""):
    """A Q on `Beneficiary` (or, with `prefix` such as "beneficiary__", on a
    model pointing to it) keeping the people the user may act on from the
    console: a manager's territories, an admin's Département, everyone for a
    superuser, no one otherwise."""
    scope = scope_of(user)
    if scope.everything:
        return Q()
    if scope.departement_id is None or not (scope.is_manager or scope.is_admin):
        return Q(pk__in=[])
    q = Q(**{f"{prefix}departement_id": scope.departement_id})
    if scope.is_manager:
        q &= Q(**{f"{prefix}territory_id__in": scope.territory_ids})
    return q


def may_manage_person(user, *, departement_id, territory_id):
    """Whether the user may act on a person of this Département and territory
    from the console (the same rule as `managed_people_q`)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.departement_id is None or departement_id != scope.departement_id:
        return False
    if scope.is_admin:
        return True
    return scope.is_manager and territory_id in scope.territory_ids


def check_may_manage_people(user, places):
    """Refuse (OutOfScope) when a manager or an admin would act on a person
    outside their scope. `places` are (departement_id, territory_id) pairs,
    one per person. The services that assign, end, reassign, enrol and orient
    call it, whatever view or command calls them; a system action (no user:
    imports, scheduled tasks) and a referent's own actions (checked by
    `writable_by` where they start) pass."""
    scope = scope_of(user)
    if user is None or scope.everything or not (scope.is_manager or scope.is_admin):
        return
    for departement_id, territory_id in places:
        if not may_manage_person(user, departement_id=departement_id, territory_id=territory_id):
            raise OutOfScope()


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


def can_read_audit_trail(user):
    """A person's full access and change history is for the Département's
    admins (within their Département) and the platform operator."""
    scope = scope_of(user)
    return scope.everything or scope.is_admin
