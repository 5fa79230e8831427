from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Now

from caseload.enums import (
    AssignmentEndReason,
    ChangeRequestStatus,
    Programme,
    StaffRole,
    StructureKind,
)
from caseload.scope import NOTHING, Scope

# Defaults from the sources (DESIGN.md). None means the sources give no figure:
# the admin sets it, and until then the app says "plafond non défini".
DEFAULT_CAPS = {
    (StaffRole.SOCIOPRO_REFERENT, Programme.DROIT_COMMUN): 130,
    (StaffRole.SOCIOPRO_REFERENT, Programme.FRANCE_TRAVAIL_RENFORCE): 70,
    (StaffRole.SOCIOPRO_REFERENT, Programme.ACCOMPAGNEMENT_GLOBAL): None,
    (StaffRole.SOCIAL_WORKER, Programme.DROIT_COMMUN): 80,
    (StaffRole.SOCIAL_WORKER, Programme.FRANCE_TRAVAIL_RENFORCE): 30,
    (StaffRole.SOCIAL_WORKER, Programme.ACCOMPAGNEMENT_GLOBAL): None,
    (StaffRole.PE_ADVISOR, Programme.DROIT_COMMUN): None,
    (StaffRole.PE_ADVISOR, Programme.FRANCE_TRAVAIL_RENFORCE): 50,
    (StaffRole.PE_ADVISOR, Programme.ACCOMPAGNEMENT_GLOBAL): 100,
}


# --- Scope ------------------------------------------------------------------------


def scope_of(user):
    """What a user may see (`caseload.scope.Scope`), computed once (one
    query) and cached on the user.

    Defined here, beside the `visible_to` querysets that filter on it, because
    computing it reads `StaffProfile`: in `caseload.perms` it would make models
    and perms import each other. `caseload.perms` names it too.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_parcours_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._parcours_scope = scope
    return scope


def _compute_scope(user):
    """One query: the active profile joined to its structure and to its
    territories, one row per territory (a single row with no territory when it
    has none). Plain values, portable to SQLite (`make run`): no array
    aggregate is needed for the handful of territories a profile holds."""
    if user.is_superuser:
        return Scope(everything=True)
    rows = list(
        StaffProfile.objects.filter(user_id=user.pk, is_active=True)
        .order_by()
        .values_list("pk", "role", "structure__departement_id", "territories__id")
    )
    if not rows:
        return NOTHING
    staff_id, role, departement_id, _territory = rows[0]
    return Scope(
        role=role,
        staff_id=staff_id,
        departement_id=departement_id,
        territory_ids=sorted(territory for *_profile, territory in rows if territory is not None),
    )


def forget_scope(user):
    """Drop the cached scope (after a change of role or territories)."""
    if hasattr(user, "_parcours_scope"):
        del user._parcours_scope


# --- QuerySets -------------------------------------------------------------------


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Territories a user works in: their own, their Département's for an admin."""
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.departement_id is None:
            return self.none()
        qs = self.filter(departement_id=scope.departement_id)
        if scope.is_admin:
            return qs
        return qs.filter(pk__in=scope.territory_ids)


class StaffProfileQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def referents(self):
        """Staff whose role holds a portfolio of people."""
        return self.filter(role__in=StaffRole.referent_roles())

    def visible_to(self, user):
        """Staff a user may see: a manager sees the staff of their territories,
        an admin their Département's, a referent only themselves."""
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.departement_id is None:
            return self.none()
        qs = self.filter(structure__departement_id=scope.departement_id)
        if scope.is_admin:
            return qs
        if scope.is_manager:
            return qs.filter(
                Exists(
                    StaffProfile.territories.through.objects.filter(
                        staffprofile_id=OuterRef("pk"), territory_id__in=scope.territory_ids
                    )
                )
            )
        return qs.filter(user_id=user.pk)

    def with_load_counts(self):
        """Active assignments per programme, one annotation each (no query per row)."""
        annotations = {
            f"load_{programme.value}": models.Count(
                "assignments",
                filter=Q(assignments__ended_at__isnull=True, assignments__programme=programme),
            )
            for programme in Programme
        }
        return self.annotate(**annotations)


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)

    def bulk_create(self, objs, *args, **kwargs):
        """Fill each new assignment's `role` from its staff member (one query
        for the rows that leave it empty), as `Assignment.save` does."""
        objs = list(objs)
        missing = {obj.staff_id for obj in objs if not obj.role}
        if missing:
            roles = dict(StaffProfile.objects.filter(pk__in=missing).values_list("pk", "role"))
            for obj in objs:
                if not obj.role:
                    obj.role = roles.get(obj.staff_id, "")
        return super().bulk_create(objs, *args, **kwargs)


# --- Reference data ----------------------------------------------------------------


class Departement(models.Model):
    """A French Département. Every scoping query keeps Départements apart."""

    code = models.CharField(
        "code",
        max_length=3,
        unique=True,
        help_text="Code INSEE du Département : 45, 2A, 971…",
    )
    name = models.CharField("nom", max_length=100)
    auto_assign_imports = models.BooleanField(
        "affecter automatiquement les nouveaux entrants par territoire", default=False
    )

    class Meta:
        verbose_name = "Département"
        verbose_name_plural = "Départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Territory(models.Model):
    """A secteur: the unit managers and referents work in."""

    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="territories",
        verbose_name="Département",
    )
    name = models.CharField("nom", max_length=150)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["departement__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "name"],
                name="territory_unique_name_per_departement",
                violation_error_message="Ce Département a déjà un territoire de ce nom.",
            )
        ]

    def __str__(self):
        return self.name


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=150)
    postcode = models.CharField("code postal", max_length=5, db_index=True)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="communes", verbose_name="territoire"
    )

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{5}$"),
                name="commune_postcode_five_digits",
                violation_error_message="Le code postal doit compter 5 chiffres.",
            ),
            models.CheckConstraint(
                condition=Q(insee_code__regex=r"^([0-9]{2}|2A|2B)[0-9]{3}$"),
                name="commune_insee_code_format",
                violation_error_message=(
                    "Le code INSEE doit compter 5 caractères (2A/2B pour la Corse)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.postcode})"


class Structure(models.Model):
    """The employer of a staff member: a Département service, a France Travail
    agency or a partner organisation."""

    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="structures", verbose_name="Département"
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=StructureKind.choices)

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "name"],
                name="structure_unique_name_per_departement",
                violation_error_message="Ce Département a déjà une structure de ce nom.",
            )
        ]

    def __str__(self):
        return self.name


class CapPolicy(models.Model):
    """Portfolio cap for a role in a programme, per Département. An empty cap
    means "not set": the sources give no figure and no admin has set one."""

    departement = models.ForeignKey(
        Departement,
        on_delete=models.CASCADE,
        related_name="cap_policies",
        verbose_name="Département",
    )
    role = models.CharField("rôle", max_length=30, choices=StaffRole.choices)
    programme = models.CharField("dispositif", max_length=30, choices=Programme.choices)
    cap = models.PositiveSmallIntegerField(
        "plafond",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Nombre maximal de personnes suivies à temps plein. Vide : non défini.",
    )

    class Meta:
        verbose_name = "plafond de portefeuille"
        verbose_name_plural = "plafonds de portefeuille"
        ordering = ["departement__code", "role", "programme"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "role", "programme"],
                name="cap_policy_unique_role_programme",
                violation_error_message="Un plafond existe déjà pour ce rôle et ce dispositif.",
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=1, cap__lte=1000),
                name="cap_policy_cap_range",
                violation_error_message="Le plafond doit être compris entre 1 et 1000.",
            ),
        ]

    def __str__(self):
        cap = self.cap if self.cap is not None else "non défini"
        return f"{self.get_role_display()} / {self.get_programme_display()} : {cap}"


@pghistory.track(model_name="StaffProfileHistory")
class StaffProfile(models.Model):
    """What a user does: role, employer, territories, working time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name="utilisateur",
    )
    role = models.CharField("rôle", max_length=30, choices=StaffRole.choices, db_index=True)
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="staff", verbose_name="structure"
    )
    territories = models.ManyToManyField(
        Territory, related_name="staff", verbose_name="territoires", blank=True
    )
    part_time_ratio = models.DecimalField(
        "quotité de travail",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
        help_text="1 pour un temps plein, 0,8 pour 80 %… Le plafond est réduit d'autant.",
    )
    is_active = models.BooleanField("en poste", default=True)

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "professionnel"
        verbose_name_plural = "professionnels"
        ordering = ["user__last_name", "user__first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    part_time_ratio__gte=Decimal("0.10"), part_time_ratio__lte=Decimal("1.00")
                ),
                name="staff_part_time_ratio_range",
                violation_error_message="La quotité de travail doit être comprise entre 0,10 et 1.",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.role_label})"

    @property
    def role_label(self):
        """The role's label: the enumeration's own, cheaper than
        `get_role_display()` (which hashes every choice's label at each call)
        on pages listing fifty people with their referent."""
        return StaffRole(self.role).label

    @property
    def departement_id(self):
        return self.structure.departement_id


class Binome(models.Model):
    """A France Travail advisor paired with a departmental social worker, who
    jointly follow people in accompagnement global."""

    pe_advisor = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="binomes_as_advisor",
        verbose_name="conseiller France Travail",
    )
    social_worker = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="binomes_as_social_worker",
        verbose_name="travailleur social",
    )
    created_at = models.DateTimeField("formé le", db_default=Now())
    dissolved_at = models.DateTimeField("dissous le", null=True, blank=True)

    class Meta:
        verbose_name = "binôme"
        verbose_name_plural = "binômes"
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pe_advisor", "social_worker"],
                condition=Q(dissolved_at__isnull=True),
                name="binome_unique_active_pair",
                violation_error_message="Ce binôme existe déjà.",
            ),
            models.CheckConstraint(
                condition=~Q(pe_advisor=models.F("social_worker")),
                name="binome_two_different_people",
                violation_error_message="Un binôme réunit deux professionnels différents.",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_at__isnull=True)
                | Q(dissolved_at__gte=models.F("created_at")),
                name="binome_dissolved_after_created",
                violation_error_message="La dissolution ne peut précéder la formation du binôme.",
            ),
        ]

    def __str__(self):
        return f"{self.pe_advisor.user} + {self.social_worker.user}"

    @property
    def is_active(self):
        return self.dissolved_at is None


@pghistory.track(model_name="AssignmentHistory")
class Assignment(models.Model):
    """A person followed by a staff member, from start to end. A person followed
    by a binôme has one assignment per member, both pointing at the binôme, so
    the person counts in both portfolios and both caps."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name="bénéficiaire",
    )
    staff = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="assignments", verbose_name="référent"
    )
    binome = models.ForeignKey(
        Binome,
        on_delete=models.PROTECT,
        related_name="assignments",
        null=True,
        blank=True,
        verbose_name="binôme",
        # Indexed by `assignment_by_binome` (Meta), for binôme assignments only.
        db_index=False,
    )
    # The staff member's role, copied when the assignment is created, so that
    # the database can refuse a second active referent of the same role in the
    # same programme (`assignment_unique_active_per_role`).
    role = models.CharField(
        "rôle du référent", max_length=30, choices=StaffRole.choices, blank=True
    )
    programme = models.CharField("dispositif", max_length=30, choices=Programme.choices)
    started_at = models.DateTimeField("début", db_default=Now())
    ended_at = models.DateTimeField("fin", null=True, blank=True)
    reason = models.CharField("motif", max_length=500, blank=True)
    end_reason = models.CharField(
        "motif de fin", max_length=30, choices=AssignmentEndReason.choices, blank=True
    )
    over_cap_reason = models.CharField(
        "motif du dépassement de plafond",
        max_length=500,
        blank=True,
        help_text="Renseigné seulement quand un chef de service a autorisé un dépassement.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="décidé par",
    )
    binome_agreement_at = models.DateTimeField(
        "accord du membre du binôme",
        null=True,
        blank=True,
        help_text="Accompagnement global : date de l'accord de ce membre du binôme.",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="terminée par",
    )
    end_detail = models.CharField("précision sur la fin", max_length=500, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "affectation"
        verbose_name_plural = "affectations"
        ordering = ["-started_at", "pk"]
        indexes = [
            models.Index(
                fields=["staff", "programme"],
                condition=Q(ended_at__isnull=True),
                name="assignment_active_by_staff",
            ),
            models.Index(fields=["beneficiary", "ended_at"], name="assignment_by_beneficiary"),
            # The statistics' structure filter: a structure's staff's
            # assignments of a period, read from the index alone.
            models.Index(
                fields=["staff", "started_at"],
                include=["beneficiary", "ended_at"],
                name="assignment_by_staff_period",
            ),
            # A binôme's assignments (most assignments have none): the people a
            # binôme follows now are counted from the index alone, on the
            # dashboard and the binômes page (a subquery per binôme).
            models.Index(
                fields=["binome", "ended_at", "beneficiary"],
                condition=Q(binome__isnull=False),
                name="assignment_by_binome",
            ),
            # The dashboard's cap overrides in force, latest first: a few
            # rows, not a scan of every active assignment.
            models.Index(
                fields=["-started_at", "-id"],
                condition=Q(ended_at__isnull=True) & ~Q(over_cap_reason=""),
                name="assignment_active_overrides",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "staff"],
                condition=Q(ended_at__isnull=True),
                name="assignment_unique_active_per_staff",
                violation_error_message="Cette personne est déjà suivie par ce référent.",
            ),
            # One referent per role and programme at a time; a binôme's two
            # members have two different roles.
            models.UniqueConstraint(
                fields=["beneficiary", "role", "programme"],
                condition=Q(ended_at__isnull=True),
                name="assignment_unique_active_per_role",
                violation_error_message=(
                    "Cette personne a déjà un référent de ce rôle dans ce dispositif."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(role=""),
                name="assignment_has_role",
                violation_error_message="Une affectation indique le rôle de son référent.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="assignment_end_after_start",
                violation_error_message="La fin d'une affectation ne peut précéder son début.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
                name="assignment_end_has_reason",
                violation_error_message="Une affectation terminée doit indiquer son motif de fin.",
            ),
            models.CheckConstraint(
                condition=Q(binome__isnull=True) | Q(binome_agreement_at__isnull=False),
                name="assignment_binome_has_agreement",
                violation_error_message=(
                    "Un suivi en binôme enregistre l'accord de chacun de ses membres."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary_id} → {self.staff}"

    def save(self, *args, **kwargs):
        self._fill_role()
        super().save(*args, **kwargs)

    def clean(self):
        self._fill_role()

    @property
    def is_active(self):
        return self.ended_at is None

    def _fill_role(self):
        """The staff member's role, when the creator left it empty."""
        if not self.role and self.staff_id is not None:
            self.role = self.staff.role


class StaffLoad(models.Model):
    """The active assignments of a staff member in a programme: the load the
    dashboard, the suggestions and the caps read, without counting the
    assignments each time.

    Kept exact by the database itself, in the transaction of every write to
    `Assignment` (insert, update, delete, COPY, whatever the writer): triggers
    installed by migration `caseload.0009_staff_load`, statement-level on
    PostgreSQL, row-level on SQLite. No code writes these rows; the drift
    check (`caseload.selectors.load_counter_drift`, the
    `check_caseload_counters` command) compares them with a recount.
    """

    # No index of its own: the unique (staff, programme) index serves the
    # lookups by staff.
    staff = models.ForeignKey(
        StaffProfile,
        on_delete=models.CASCADE,
        related_name="loads",
        verbose_name="professionnel",
        db_index=False,
    )
    programme = models.CharField("dispositif", max_length=30, choices=Programme.choices)
    active = models.IntegerField("personnes suivies", default=0)

    class Meta:
        verbose_name = "charge d'un professionnel"
        verbose_name_plural = "charges des professionnels"
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "programme"], name="staff_load_unique_programme"
            ),
            models.CheckConstraint(
                condition=Q(active__gte=0),
                name="staff_load_active_not_negative",
                violation_error_message="Une charge ne peut être négative.",
            ),
        ]

    def __str__(self):
        return f"{self.staff_id} / {self.programme} : {self.active}"


@pghistory.track(model_name="ReferentChangeRequestHistory")
class ReferentChangeRequest(models.Model):
    """A referent asks the manager for another referent, usually because the
    person moves to a stage that needs another role. The manager accepts it
    (naming the new referent) or refuses it (with a reason); the requester
    sees the decision."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="referent_change_requests",
        verbose_name="bénéficiaire",
    )
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.CASCADE,
        related_name="referent_change_requests",
        null=True,
        blank=True,
        verbose_name="parcours",
    )
    requested_role = models.CharField(
        "rôle demandé", max_length=30, choices=StaffRole.choices, blank=True
    )
    reason = models.CharField("motif de la demande", max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="demandée par",
    )
    requested_at = models.DateTimeField("demandée le", db_default=Now())
    status = models.CharField(
        "statut",
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
        db_index=True,
    )
    new_staff = models.ForeignKey(
        StaffProfile,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="nouveau référent",
    )
    decision_reason = models.CharField("motif de la décision", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="décidée par",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de changement de référent"
        verbose_name_plural = "demandes de changement de référent"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(status="pending"),
                name="change_request_one_pending_per_person",
                violation_error_message=(
                    "Une demande de changement de référent est déjà en attente pour cette personne."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_at__isnull=True))
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="change_request_decision_dated",
                violation_error_message="Une demande traitée porte la date de sa décision.",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(new_staff__isnull=False),
                name="change_request_accepted_names_referent",
                violation_error_message="Une demande acceptée désigne le nouveau référent.",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""),
                name="change_request_refusal_has_reason",
                violation_error_message="Un refus indique son motif.",
            ),
        ]

    def __str__(self):
        return f"Demande {self.pk} ({self.get_status_display()})"


class Unassigned(models.Model):
    """A person waiting for a referent, stored: one row per person (not
    anonymised) with an open pathway and no active assignment to a staff
    member in post, with what the manager's queue filters and sorts on.

    Written only by the database: PostgreSQL triggers on the people,
    pathways, deadlines, assignments and staff tables recompute the rows of
    the people a statement touched from one definition, the view
    `caseload_unassigned_expected` (migration 0009), and
    `caseload.unassigned.unassigned_drift()` lists any row that differs from
    it. On SQLite (the embedded demo) the table stays empty and the queue
    computes the same filter (`caseload.unassigned.is_stored()`)."""

    beneficiary = models.OneToOneField(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="unassigned",
        verbose_name="bénéficiaire",
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="territoire",
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="commune",
    )
    # The open pathway (pathways sit above this app: its id, not a key).
    pathway_id = models.BigIntegerField("parcours")
    programme = models.CharField("dispositif", max_length=30)
    stage = models.CharField("étape", max_length=20)
    # The most urgent open deadline of the open pathway.
    next_due_on = models.DateField("prochaine échéance", null=True)
    next_kind = models.CharField("délai de la prochaine échéance", max_length=20, blank=True)

    class Meta:
        verbose_name = "personne sans référent"
        verbose_name_plural = "personnes sans référent"
        indexes = [
            # Ascending: people with no open deadline last, as the queue sorts.
            models.Index(fields=["territory", "next_due_on"], name="unassigned_by_territory_due"),
        ]

    def __str__(self):
        return f"Sans référent : {self.beneficiary_id}"
