"""Writes of assignments: a person given to a staff member, under the staff
member's cap per programme.

The programme an assignment counts in is data here. The rule "an assignment
counts in the programme of the person's open pathway" is read in one place,
`pathways.selectors.open_programmes` (caseload sits below pathways and does
not read them): every caller assigning people passes its answer
(`programmes=` or `programme=`). No programme given means droit commun, the
programme of a person with no open pathway. A reassignment keeps the
programme of the assignment it replaces; a binôme enrolment
(`caseload.services.binomes`) is in accompagnement global.

The cap is a hard limit. Every assignment goes through `reserve`, which locks
the staff members' rows (SELECT … FOR UPDATE OF the staff table only, in
primary-key order so that two transactions never wait on each other in a
cycle), then reads their loads, the stored counters (`caseload.StaffLoad`)
that the database keeps exact in the transaction of every assignment write: a
second manager assigning to the same person at the same instant waits for the
first one's commit and then reads a load that counts its assignment.

A person has at most one active referent per role and programme (the
database's `assignment_unique_active_per_role`; a binôme's two members have
two roles). Two managers giving one queued person to two referents of the
same role at the same instant lock different staff rows: the second insert
waits on the unique index for the first commit, then fails, and the loser
gets `RoleTaken`, a French ValidationError, with nothing of its batch saved.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from caseload.enums import AssignmentEndReason, Programme, StaffRole
from caseload.models import Assignment, StaffProfile
from caseload.perms import check_may_manage_people
from caseload.selectors import (
    cap_tables,
    effective_cap,
    may_exceed_caps,
    stored_loads,
)


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


class RoleTaken(ValidationError):
    """The person already has an active referent of this role in this programme."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Cette personne vient d'être confiée à un autre référent du même rôle dans ce "
                "dispositif (une autre affectation a été enregistrée au même moment). "
                "Aucune affectation n'a été enregistrée : rechargez la page."
            ),
            code="role_taken",
        )


def _role_taken(*, beneficiary, role, programme):
    return RoleTaken(
        _(
            "%(person)s a déjà un référent « %(role)s » en %(programme)s : terminez ce suivi "
            "avant d'en confier un autre. Aucune affectation n'a été enregistrée."
        )
        % {
            "person": beneficiary,
            "role": StaffRole(role).label,
            "programme": Programme(programme).label,
        }
    )


def check_roles_free(*, wanted, held=None):
    """Refuse (RoleTaken) when one of `wanted`, (person, role, programme)
    triples, is given twice or is already held by an active assignment
    (`held`: those triples when the caller has read them already)."""
    seen = set()
    for beneficiary, role, programme in wanted:
        key = (beneficiary.pk, role, programme)
        if key in seen:
            raise _role_taken(beneficiary=beneficiary, role=role, programme=programme)
        seen.add(key)
    people = {beneficiary.pk: beneficiary for beneficiary, _r, _p in wanted}
    if held is None:
        held = (
            Assignment.objects.active()
            .filter(beneficiary_id__in=list(people))
            .values_list("beneficiary_id", "role", "programme")
        )
    for beneficiary_id, role, programme in held:
        if (beneficiary_id, role, programme) in seen:
            raise _role_taken(beneficiary=people[beneficiary_id], role=role, programme=programme)


def insert_assignments(assignments):
    """Insert new assignments; the loser of a race on one person's referent
    of a role gets RoleTaken (the savepoint keeps the caller's transaction
    usable, and the caller's atomic block undoes the rest of its batch)."""
    _started_by_the_database_clock(assignments)
    try:
        with transaction.atomic():
            return Assignment.objects.bulk_create(assignments)
    except IntegrityError as error:
        message = str(error)
        # PostgreSQL names the index; SQLite names the table.
        if (
            "assignment_unique_active" in message
            or "UNIQUE constraint failed: caseload_assignment" in message
        ):
            raise RoleTaken() from error
        raise


def _started_by_the_database_clock(assignments):
    """Give a batch's assignments left to `started_at`'s database default the
    database's clock, read once (the default is that clock: never the web
    server's, which may run ahead of it and put a start after an end the
    database writes).

    Every value of the batch is then a literal, and Django writes it with
    UNNEST, one array a column, instead of a placeholder for each value of
    each row: for the 200 rows of a balancing plan, 2,800 placeholders built,
    parsed and planned (about 40 ms)."""
    pending = [a for a in assignments if isinstance(a.started_at, DatabaseDefault)]
    if len(pending) < 2 or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        (now,) = cursor.fetchone()
    for assignment in pending:
        assignment.started_at = now


def lock_staff(staff_ids):
    """Lock the staff rows, in primary-key order, and return them by id (with
    their structure: the Département the checks compare; a refusal's message
    reads the user's name, once)."""
    rows = (
        StaffProfile.objects.select_for_update(of=("self",))
        .select_related("structure")
        .filter(pk__in=set(staff_ids))
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def reserve(*, locked_staff, wanted, acting_user, over_cap_reason=""):
    """Check that each (staff, programme) can take `wanted[(staff_id, programme)]`
    more people. Call with the staff rows locked. Returns the set of
    (staff_id, programme) that go over the cap through a manager's override;
    raises CapReached otherwise."""
    over_cap_reason = (over_cap_reason or "").strip()
    # Read after the staff rows' lock: every assignment committed before it
    # is counted (the counters change in the transaction of the write).
    counts = stored_loads(staff_id for staff_id, _p in wanted)
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
        if over_cap_reason and may_exceed_caps(acting_user):
            overridden.add((staff_id, programme))
            continue
        raise CapReached(staff=staff, programme=programme, active=active, cap=cap, adding=adding)
    return overridden


def check_assignable(*, beneficiary, staff):
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


def check_reason(reason):
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
    programme=Programme.DROIT_COMMUN,
    over_cap_reason="",
):
    """Assign a person to a staff member, under the staff member's cap, in
    `programme` (the programme of the person's open pathway: see the module's
    docstring).

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


def _distinct_pairs(pairs):
    """{(person id, staff id)} of the pairs, refusing a pair given twice."""
    seen = set()
    for beneficiary, staff in pairs:
        if (beneficiary.pk, staff.pk) in seen:
            raise ValidationError(
                _("La même personne figure deux fois pour le même professionnel."), code="duplicate"
            )
        seen.add((beneficiary.pk, staff.pk))
    return seen


@transaction.atomic
def assignments_create_many(
    *,
    pairs,
    acting_user,
    reason="",
    programme=Programme.DROIT_COMMUN,
    over_cap_reason="",
    programmes=None,
):
    """Assign many people at once (bulk from the queue, a balancing plan),
    each in `programmes[person id]` when given, otherwise all in `programme`
    (see the module's docstring for where the programme comes from).

    All or nothing: when one staff member's cap would be exceeded, CapReached
    is raised and no assignment of the batch is saved, so the manager never
    finds a batch half done. The caps are checked once for the whole batch,
    with every staff member involved locked.
    """
    pairs = list(pairs)
    if not pairs:
        raise ValidationError(_("Choisissez au moins une personne."), code="empty")
    reason = check_reason(reason)
    over_cap_reason = check_reason(over_cap_reason)
    if programme not in Programme.values:
        raise ValidationError(_("Dispositif inconnu."), code="programme")
    seen = _distinct_pairs(pairs)
    check_may_manage_people(acting_user, ((b.departement_id, b.territory_id) for b, _s in pairs))
    locked = lock_staff(staff.pk for _b, staff in pairs)
    if programmes is None:
        programmes = {b.pk: programme for b, _s in pairs}
    wanted = {}
    for beneficiary, staff in pairs:
        check_assignable(beneficiary=beneficiary, staff=locked[staff.pk])
        key = (staff.pk, programmes[beneficiary.pk])
        wanted[key] = wanted.get(key, 0) + 1
    # The people's active follow-ups, read once (after the staff rows' lock)
    # for the three checks below; the unique index on an active role stays the
    # guard against a concurrent write (RoleTaken at the insert).
    held = list(
        Assignment.objects.active()
        .filter(beneficiary_id__in=[b.pk for b, _s in pairs])
        .values_list("beneficiary_id", "staff_id", "role", "programme", "staff__is_active")
    )
    if {(person_id, staff_id) for person_id, staff_id, *_rest in held} & seen:
        raise ValidationError(
            _("Une de ces personnes est déjà suivie par ce professionnel."), code="already"
        )
    overridden = reserve(
        locked_staff=locked, wanted=wanted, acting_user=acting_user, over_cap_reason=over_cap_reason
    )
    # Follow-ups still open with a referent no longer in post end now: the
    # person has a new referent.
    left = [person_id for person_id, _s, _r, _p, in_post in held if not in_post]
    if left:
        Assignment.objects.active().filter(beneficiary_id__in=left, staff__is_active=False).update(
            ended_at=Now(), end_reason=AssignmentEndReason.REFERENT_LEFT, ended_by=acting_user
        )
    check_roles_free(
        wanted=[(b, locked[s.pk].role, programmes[b.pk]) for b, s in pairs],
        held=[(person_id, role, p) for person_id, _s, role, p, in_post in held if in_post],
    )
    # The author by id, read once: `request.user` is a lazy proxy, and each
    # access through it costs (200 rows in a balancing plan).
    author_id = acting_user.pk if acting_user is not None else None
    return insert_assignments(
        [
            Assignment(
                beneficiary=beneficiary,
                staff=locked[staff.pk],
                role=locked[staff.pk].role,
                programme=programmes[beneficiary.pk],
                reason=reason,
                over_cap_reason=(
                    over_cap_reason if (staff.pk, programmes[beneficiary.pk]) in overridden else ""
                ),
                created_by_id=author_id,
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
    detail = check_reason(detail)
    ids = [a.pk for a in assignments]
    if not ids:
        raise ValidationError(_("Choisissez au moins une affectation."), code="empty")
    rows = list(
        Assignment.objects.select_for_update(of=("self",))
        .select_related("beneficiary")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    check_may_manage_people(
        acting_user,
        ((row.beneficiary.departement_id, row.beneficiary.territory_id) for row in rows),
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


def assignments_end_for_people(*, beneficiary_ids, acting_user, end_reason, detail=""):
    """End every active assignment of the people (binôme members included),
    e.g. when their pathway closes: they leave their referents' portfolios
    and caps at once. One guarded update; the caller holds the transaction
    (the exit's). Returns the number of assignments ended."""
    if end_reason not in AssignmentEndReason.values:
        raise ValidationError(_("Indiquez le motif de fin de l'affectation."), code="end_reason")
    return (
        Assignment.objects.active()
        .filter(beneficiary_id__in=list(beneficiary_ids))
        .update(
            ended_at=Now(),
            end_reason=end_reason,
            end_detail=(detail or "").strip()[:500],
            ended_by=acting_user,
        )
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


def assignment_auto_for_import(*, beneficiary, acting_user=None, programme=Programme.DROIT_COMMUN):
    """Give a newly imported person to the least loaded referent of their
    territory (role `IMPORT_AUTO_ASSIGN_ROLE`) who is under their cap, or to
    no one (the person stays in the unassigned queue). Returns the assignment
    or None. The person counts in `programme`: droit commun, the programme a
    new applicant's pathway opens in, unless the caller says otherwise.

    The candidates' staff rows are locked (`select_for_update(of=("self",))`,
    in pk order) so that two concurrent assignments cannot both take the last
    place under a cap. A referent whose cap is not set is never chosen: the
    cap is unknown, so it cannot be respected. The caller holds the
    transaction.
    """
    if not beneficiary.territory_id:
        return None
    candidates = list(
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
    if not candidates:
        return None
    # Read under the candidates' lock (three queries, whatever their number).
    caps = cap_tables([beneficiary.departement_id]).get(beneficiary.departement_id, {})
    loads = stored_loads((staff.pk for staff in candidates), programme)
    best, best_ratio = None, None
    for staff in candidates:
        active = loads.get((staff.pk, programme), 0)
        cap = effective_cap(caps.get((staff.role, programme)), staff.part_time_ratio)
        if cap is None or active >= cap:
            continue
        ratio = active / cap
        if best is None or ratio < best_ratio:
            best, best_ratio = staff, ratio
    if best is None:
        return None
    # The cap rule itself stays in one place: assignment_create re-checks it
    # under the lock this transaction already holds.
    return assignment_create(
        beneficiary=beneficiary,
        staff=best,
        acting_user=acting_user,
        reason="Affectation automatique à l'import, par territoire",
        programme=programme,
    )
