"""Writes of the caseload app."""

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.enums import AssignmentEndReason, ChangeRequestStatus, Programme, StaffRole
from caseload.models import (
    DEFAULT_CAPS,
    Assignment,
    Binome,
    CapPolicy,
    Departement,
    ReferentChangeRequest,
    StaffProfile,
)
from caseload.perms import scope_of
from caseload.selectors import cap_tables, effective_cap
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


# --- Assignments under hard caps ------------------------------------------------------
#
# The cap is a hard limit. Every assignment goes through `_reserve`, which locks
# the staff members' rows (SELECT … FOR UPDATE OF the staff table only, in
# primary-key order so that two transactions never wait on each other in a
# cycle), then counts their active assignments: a second manager assigning to
# the same person at the same instant waits for the first one's commit and
# then counts its assignment.


class CapReached(ValidationError):
    """An assignment would exceed a staff member's effective cap."""

    def __init__(self, *, staff, programme, active, cap, adding=1):
        self.staff = staff
        self.programme = programme
        self.active = active
        self.cap = cap
        self.adding = adding
        remaining = max(0, cap - active)
        message = _(
            "Plafond atteint pour %(name)s en %(programme)s : %(active)s personnes suivies "
            "pour un plafond de %(cap)s (%(remaining)s place(s) restante(s), %(adding)s demandée(s)). "
            "Aucune affectation n'a été enregistrée."
        ) % {
            "name": staff.user.get_full_name() or staff.user.username,
            "programme": Programme(programme).label,
            "active": active,
            "cap": cap,
            "remaining": remaining,
            "adding": adding,
        }
        super().__init__(message, code="cap_reached")


def _may_override_cap(user):
    scope = scope_of(user)
    return scope.is_manager or scope.everything


def _lock_staff(staff_ids):
    """Lock the staff rows, in primary-key order, and return them by id."""
    rows = (
        StaffProfile.objects.select_for_update(of=("self",))
        .select_related("user", "structure")
        .filter(pk__in=set(staff_ids))
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def _reserve(*, locked_staff, wanted, acting_user, over_cap_reason=""):
    """Check that each (staff, programme) can take `wanted[(staff_id, programme)]`
    more people. Call with the staff rows locked. Returns the set of
    (staff_id, programme) that go over the cap through a manager's override;
    raises CapReached otherwise."""
    over_cap_reason = (over_cap_reason or "").strip()
    counts = {
        (row["staff_id"], row["programme"]): row["n"]
        for row in Assignment.objects.active()
        .filter(staff_id__in=[staff_id for staff_id, _p in wanted])
        .order_by()
        .values("staff_id", "programme")
        .annotate(n=Count("pk"))
    }
    caps = cap_tables({staff.structure.departement_id for staff in locked_staff.values()})
    overridden = set()
    for (staff_id, programme), adding in sorted(wanted.items()):
        staff = locked_staff[staff_id]
        cap = effective_cap(
            caps.get(staff.structure.departement_id, {}).get((staff.role, programme)),
            staff.part_time_ratio,
        )
        active = counts.get((staff_id, programme), 0)
        if cap is None or active + adding <= cap:
            continue
        if over_cap_reason and _may_override_cap(acting_user):
            overridden.add((staff_id, programme))
            continue
        raise CapReached(staff=staff, programme=programme, active=active, cap=cap, adding=adding)
    return overridden


def _check_assignable(*, beneficiary, staff):
    if not staff.is_active:
        raise ValidationError(_("Ce professionnel n'est plus en poste."), code="inactive")
    if staff.role not in StaffRole.referent_roles():
        raise ValidationError(
            _("Ce professionnel ne suit pas de portefeuille de personnes."), code="role"
        )
    if staff.structure.departement_id != beneficiary.departement_id:
        raise ValidationError(
            _("Ce professionnel ne travaille pas dans le Département de la personne."),
            code="departement",
        )


def _programmes_of(beneficiary_ids):
    """The programme of each person's open pathway (droit commun by default)."""
    from pathways.models import Pathway

    found = dict(
        Pathway.objects.open()
        .filter(beneficiary_id__in=beneficiary_ids)
        .values_list("beneficiary_id", "programme")
    )
    return {pk: found.get(pk, Programme.DROIT_COMMUN) for pk in beneficiary_ids}


def _check_reason(reason):
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError(_("Le motif compte 500 caractères au plus."), code="too_long")
    return reason


@transaction.atomic
def assignment_create(
    *,
    beneficiary,
    staff,
    acting_user,
    reason="",
    programme=None,
    over_cap_reason="",
):
    """Assign a person to a staff member, under the staff member's cap.

    Raises CapReached (a ValidationError) when the effective cap would be
    exceeded, unless a manager gives an `over_cap_reason` (recorded on the
    assignment and listed on the dashboard).
    """
    created = assignments_create_many(
        pairs=[(beneficiary, staff)],
        acting_user=acting_user,
        reason=reason,
        programme=programme,
        over_cap_reason=over_cap_reason,
    )
    return created[0]


@transaction.atomic
def assignments_create_many(
    *, pairs, acting_user, reason="", programme=None, over_cap_reason="", programmes=None
):
    """Assign many people at once (bulk from the queue, a balancing plan).

    All or nothing: when one staff member's cap would be exceeded, CapReached
    is raised and no assignment of the batch is saved, so the manager never
    finds a batch half done. The caps are checked once for the whole batch,
    with every staff member involved locked.
    """
    pairs = list(pairs)
    if not pairs:
        raise ValidationError(_("Choisissez au moins une personne."), code="empty")
    reason = _check_reason(reason)
    over_cap_reason = _check_reason(over_cap_reason)
    if programme is not None and programme not in Programme.values:
        raise ValidationError(_("Dispositif inconnu."), code="programme")
    seen = set()
    for beneficiary, staff in pairs:
        if (beneficiary.pk, staff.pk) in seen:
            raise ValidationError(
                _("La même personne figure deux fois pour le même professionnel."), code="duplicate"
            )
        seen.add((beneficiary.pk, staff.pk))
    locked = _lock_staff(staff.pk for _b, staff in pairs)
    if programmes is None:
        programmes = (
            {b.pk: programme for b, _s in pairs}
            if programme is not None
            else _programmes_of([b.pk for b, _s in pairs])
        )
    wanted = {}
    for beneficiary, staff in pairs:
        _check_assignable(beneficiary=beneficiary, staff=locked[staff.pk])
        key = (staff.pk, programmes[beneficiary.pk])
        wanted[key] = wanted.get(key, 0) + 1
    already = set(
        Assignment.objects.active()
        .filter(beneficiary_id__in=[b.pk for b, _s in pairs], staff_id__in=list(locked))
        .values_list("beneficiary_id", "staff_id")
    )
    if already & seen:
        raise ValidationError(
            _("Une de ces personnes est déjà suivie par ce professionnel."), code="already"
        )
    overridden = _reserve(
        locked_staff=locked, wanted=wanted, acting_user=acting_user, over_cap_reason=over_cap_reason
    )
    # Follow-ups still open with a referent no longer in post end now: the
    # person has a new referent.
    Assignment.objects.active().filter(
        beneficiary_id__in=[b.pk for b, _s in pairs], staff__is_active=False
    ).update(ended_at=Now(), end_reason=AssignmentEndReason.REFERENT_LEFT, ended_by=acting_user)
    return Assignment.objects.bulk_create(
        [
            Assignment(
                beneficiary=beneficiary,
                staff=locked[staff.pk],
                programme=programmes[beneficiary.pk],
                reason=reason,
                over_cap_reason=(
                    over_cap_reason if (staff.pk, programmes[beneficiary.pk]) in overridden else ""
                ),
                created_by=acting_user,
            )
            for beneficiary, staff in pairs
        ]
    )


@transaction.atomic
def assignment_end(*, assignment, acting_user, end_reason, detail=""):
    """End an assignment (history kept). Ending one member's follow-up of a
    person followed by a binôme ends the other member's too."""
    return assignments_end_many(
        assignments=[assignment], acting_user=acting_user, end_reason=end_reason, detail=detail
    )


@transaction.atomic
def assignments_end_many(*, assignments, acting_user, end_reason, detail=""):
    if end_reason not in AssignmentEndReason.values:
        raise ValidationError(_("Indiquez le motif de fin de l'affectation."), code="end_reason")
    detail = _check_reason(detail)
    ids = [a.pk for a in assignments]
    if not ids:
        raise ValidationError(_("Choisissez au moins une affectation."), code="empty")
    rows = list(
        Assignment.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    )
    if len(rows) != len(set(ids)) or any(not row.is_active for row in rows):
        raise ValidationError(_("Cette affectation est déjà terminée."), code="ended")
    binome_pairs = [(row.beneficiary_id, row.binome_id) for row in rows if row.binome_id]
    query = Q(pk__in=ids)
    for beneficiary_id, binome_id in binome_pairs:
        query |= Q(beneficiary_id=beneficiary_id, binome_id=binome_id)
    return (
        Assignment.objects.active()
        .filter(query)
        .update(ended_at=Now(), end_reason=end_reason, end_detail=detail, ended_by=acting_user)
    )


@transaction.atomic
def assignment_reassign(
    *,
    assignment,
    new_staff,
    acting_user,
    reason="",
    end_reason=AssignmentEndReason.REBALANCING,
    over_cap_reason="",
):
    """End an assignment and give the person to another staff member, in the
    same programme, under the new staff member's cap (all or nothing)."""
    if new_staff.pk == assignment.staff_id:
        raise ValidationError(
            _("Choisissez un autre professionnel que le référent actuel."), code="same"
        )
    assignment_end(assignment=assignment, acting_user=acting_user, end_reason=end_reason)
    return assignment_create(
        beneficiary=assignment.beneficiary,
        staff=new_staff,
        acting_user=acting_user,
        reason=reason,
        programme=assignment.programme,
        over_cap_reason=over_cap_reason,
    )


@transaction.atomic
def assignments_reassign_many(
    *,
    assignments,
    new_staff,
    acting_user,
    reason="",
    end_reason=AssignmentEndReason.REBALANCING,
    over_cap_reason="",
):
    """Move many people to another staff member, each in the programme of
    their current assignment; all or nothing, under the new staff member's cap."""
    assignments = list(assignments)
    if any(a.staff_id == new_staff.pk for a in assignments):
        raise ValidationError(
            _("Choisissez un autre professionnel que le référent actuel."), code="same"
        )
    assignments_end_many(assignments=assignments, acting_user=acting_user, end_reason=end_reason)
    return assignments_create_many(
        pairs=[(a.beneficiary, new_staff) for a in assignments],
        programmes={a.beneficiary_id: a.programme for a in assignments},
        acting_user=acting_user,
        reason=reason,
        over_cap_reason=over_cap_reason,
    )


# --- Binômes -----------------------------------------------------------------------------


@transaction.atomic
def binome_create(*, pe_advisor, social_worker, acting_user=None):
    """Pair a France Travail advisor with a departmental social worker."""
    if pe_advisor.role != StaffRole.PE_ADVISOR:
        raise ValidationError(
            _("Le premier membre d'un binôme est un conseiller France Travail."), code="role"
        )
    if social_worker.role != StaffRole.SOCIAL_WORKER:
        raise ValidationError(
            _("Le second membre d'un binôme est un travailleur social."), code="role"
        )
    if not (pe_advisor.is_active and social_worker.is_active):
        raise ValidationError(_("Les deux membres doivent être en poste."), code="inactive")
    if pe_advisor.structure.departement_id != social_worker.structure.departement_id:
        raise ValidationError(
            _("Les deux membres d'un binôme travaillent dans le même Département."),
            code="departement",
        )
    if Binome.objects.filter(
        pe_advisor=pe_advisor, social_worker=social_worker, dissolved_at__isnull=True
    ).exists():
        raise ValidationError(_("Ce binôme existe déjà."), code="exists")
    return Binome.objects.create(pe_advisor=pe_advisor, social_worker=social_worker)


@transaction.atomic
def binome_dissolve(*, binome, acting_user, detail=""):
    """Dissolve a binôme: the people it followed go back to the queue (their
    assignments end with the reason "binôme dissous")."""
    binome = Binome.objects.select_for_update(of=("self",)).get(pk=binome.pk)
    if not binome.is_active:
        raise ValidationError(_("Ce binôme est déjà dissous."), code="dissolved")
    Assignment.objects.active().filter(binome=binome).update(
        ended_at=Now(),
        end_reason=AssignmentEndReason.BINOME_DISSOLVED,
        end_detail=_check_reason(detail),
        ended_by=acting_user,
    )
    binome.dissolved_at = timezone.now()
    binome.save(update_fields=["dissolved_at"])
    return binome


@transaction.atomic
def binome_enrol(
    *,
    beneficiary,
    binome,
    acting_user,
    advisor_agrees,
    social_worker_agrees,
    reason="",
    over_cap_reason="",
):
    """Enrol a person in accompagnement global with a binôme: both members'
    agreement recorded, one assignment per member (both pointing at the
    binôme), so the person counts in both portfolios and both caps. Both staff
    rows are locked (in primary-key order) before the caps are checked."""
    if not (advisor_agrees and social_worker_agrees):
        raise ValidationError(
            _("L'accompagnement global demande l'accord des deux membres du binôme."),
            code="agreement",
        )
    binome = Binome.objects.select_for_update(of=("self",)).get(pk=binome.pk)
    if not binome.is_active:
        raise ValidationError(_("Ce binôme est dissous."), code="dissolved")
    reason = _check_reason(reason)
    over_cap_reason = _check_reason(over_cap_reason)
    locked = _lock_staff([binome.pe_advisor_id, binome.social_worker_id])
    programme = Programme.ACCOMPAGNEMENT_GLOBAL
    for staff in locked.values():
        _check_assignable(beneficiary=beneficiary, staff=staff)
    if (
        Assignment.objects.active()
        .filter(beneficiary=beneficiary, staff_id__in=list(locked))
        .exists()
    ):
        raise ValidationError(
            _("Cette personne est déjà suivie par un membre de ce binôme."), code="already"
        )
    overridden = _reserve(
        locked_staff=locked,
        wanted={(staff_id, programme): 1 for staff_id in locked},
        acting_user=acting_user,
        over_cap_reason=over_cap_reason,
    )
    now = timezone.now()
    return Assignment.objects.bulk_create(
        [
            Assignment(
                beneficiary=beneficiary,
                staff=staff,
                binome=binome,
                programme=programme,
                reason=reason,
                binome_agreement_at=now,
                over_cap_reason=over_cap_reason if (staff.pk, programme) in overridden else "",
                created_by=acting_user,
            )
            for staff in locked.values()
        ]
    )


# --- Referent change requests ----------------------------------------------------------


def _lock_pending_request(change_request):
    locked = ReferentChangeRequest.objects.select_for_update(of=("self",)).get(pk=change_request.pk)
    if locked.status != ChangeRequestStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
    return locked


@transaction.atomic
def change_request_accept(*, change_request, new_staff, acting_user, reason="", over_cap_reason=""):
    """Accept a referent change request: the requester's follow-up of the
    person ends (change of stage) and the new referent is assigned under
    their cap; all or nothing."""
    change_request = _lock_pending_request(change_request)
    requester_staff_ids = list(
        StaffProfile.objects.filter(user_id=change_request.requested_by_id).values_list(
            "pk", flat=True
        )
    )
    if new_staff.pk in requester_staff_ids:
        raise ValidationError(
            _("Choisissez un autre professionnel que l'auteur de la demande."), code="same"
        )
    previous = list(
        Assignment.objects.active().filter(
            beneficiary_id=change_request.beneficiary_id, staff_id__in=requester_staff_ids
        )
    )
    if previous:
        assignments_end_many(
            assignments=previous,
            acting_user=acting_user,
            end_reason=AssignmentEndReason.STAGE_CHANGE,
            detail=_("Demande de changement de référent acceptée"),
        )
    assignment = assignment_create(
        beneficiary=change_request.beneficiary,
        staff=new_staff,
        acting_user=acting_user,
        reason=reason or change_request.reason,
        over_cap_reason=over_cap_reason,
    )
    change_request.status = ChangeRequestStatus.ACCEPTED
    change_request.new_staff = new_staff
    change_request.decision_reason = _check_reason(reason)
    change_request.decided_by = acting_user
    change_request.decided_at = timezone.now()
    change_request.save(
        update_fields=["status", "new_staff", "decision_reason", "decided_by", "decided_at"]
    )
    return assignment


@transaction.atomic
def change_request_refuse(*, change_request, acting_user, reason):
    """Refuse a referent change request, with a reason the requester sees."""
    reason = _check_reason(reason)
    if not reason:
        raise ValidationError(_("Indiquez le motif du refus."), code="reason")
    change_request = _lock_pending_request(change_request)
    change_request.status = ChangeRequestStatus.REFUSED
    change_request.decision_reason = reason
    change_request.decided_by = acting_user
    change_request.decided_at = timezone.now()
    change_request.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    return change_request
