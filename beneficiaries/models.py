import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from beneficiaries.enums import (
    AccessAction,
    BarrierKind,
    BarrierState,
    Civility,
    ConsentChannel,
    ConsentDecision,
    HouseholdRole,
    OutreachChannel,
    OutreachResult,
    ReferenceDateSource,
)
from beneficiaries.validators import (
    validate_caf_number,
    validate_nir,
    validate_phone,
    validate_postcode,
)
from caseload.models import Assignment, Commune
from caseload.perms import scope_of
from core.date_ranges import date_range_constraint

# --- QuerySets -------------------------------------------------------------------


class BeneficiaryQuerySet(models.QuerySet):
    """People filtered by who may see or change them, who follows them, a
    search or an open barrier. Filters on their pathways (stage, deadlines,
    interviews) and the portfolio's sort live in `pathways.portfolio`."""

    def visible_to(self, user):
        """The people a user may see. Every view that shows a person starts here.

        - a referent: the people they follow now, directly or through a binôme,
          and, read-only, the people they followed until less than
          `PREVIOUS_REFERENT_ACCESS_DAYS` ago (a change of referent);
        - a manager: the people of their territories;
        - an admin: the people of their Département;
        - a superuser: everyone; anyone else: no one.

        Pages that change a record start from `writable_by(user)`, which leaves
        out the previous referents' read-only access.
        """
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.departement_id is None:
            return self.none()
        qs = self.filter(departement_id=scope.departement_id)
        if scope.is_admin:
            return qs
        if scope.is_manager:
            return qs.filter(territory_id__in=scope.territory_ids)
        if scope.is_referent:
            since = timezone.now() - datetime.timedelta(days=settings.PREVIOUS_REFERENT_ACCESS_DAYS)
            return qs.filter(
                Exists(
                    Assignment.objects.filter(
                        Q(ended_at__isnull=True) | Q(ended_at__gte=since),
                        beneficiary_id=OuterRef("pk"),
                        staff_id=scope.staff_id,
                    )
                )
            )
        return self.none()

    def writable_by(self, user):
        """The people whose record a user may change: `visible_to(user)` minus
        the read-only access a previous referent keeps for a while."""
        scope = scope_of(user)
        qs = self.visible_to(user)
        if scope.is_referent:
            return qs.filter(
                Exists(
                    Assignment.objects.filter(
                        beneficiary_id=OuterRef("pk"),
                        staff_id=scope.staff_id,
                        ended_at__isnull=True,
                    )
                )
            )
        return qs

    def followed_by(self, staff):
        """The people this staff member follows now (an open assignment)."""
        return self.filter(
            Exists(
                Assignment.objects.filter(
                    beneficiary_id=OuterRef("pk"), staff_id=staff.pk, ended_at__isnull=True
                )
            )
        )

    def search(self, text):
        """Portfolio search: a CAF number prefix (digits), otherwise each word a
        prefix of the last name, first name or commune name (case-insensitive;
        PostgreSQL indexes on UPPER(name))."""
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(caf_number__startswith=text)
        qs = self
        for word in text.split()[:4]:
            qs = qs.filter(
                Q(last_name__istartswith=word)
                | Q(first_name__istartswith=word)
                | Q(commune__in=Commune.objects.filter(name__istartswith=word).values("pk"))
            )
        return qs

    def with_open_barrier(self, kind):
        """People with this barrier not (yet) lifted."""
        return self.filter(
            Exists(
                Barrier.objects.filter(beneficiary_id=OuterRef("pk"), kind=kind).exclude(
                    state=BarrierState.LIFTED
                )
            )
        )

    def with_tag(self, tag_id):
        """People who carry this tag (on the tag's index)."""
        return self.filter(
            Exists(BeneficiaryTag.objects.filter(beneficiary_id=OuterRef("pk"), tag_id=tag_id))
        )


# --- People ------------------------------------------------------------------------


@pghistory.track(model_name="BeneficiaryHistory")
class Beneficiary(models.Model):
    """A person receiving (or applying for) the RSA.

    Identified by the CAF allocataire number and the role in the household
    (demandeur / conjoint), optionally by the NIR, and by the Département
    software's own id when a file carries one.
    """

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name="Département",
        # Indexed first by the Département's indexes below (names, keys, birth date).
        db_index=False,
    )
    territory = models.ForeignKey(
        "caseload.Territory",
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        null=True,
        blank=True,
        verbose_name="territoire",
        help_text="Vide quand la commune n'est rattachée à aucun territoire connu.",
        # Indexed first by `beneficiary_by_territory` and `beneficiary_by_next_deadline`.
        db_index=False,
    )
    commune = models.ForeignKey(
        "caseload.Commune",
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        null=True,
        blank=True,
        verbose_name="commune",
        # Indexed by `beneficiary_by_commune`.
        db_index=False,
    )

    caf_number = models.CharField(
        "numéro allocataire",
        max_length=20,
        blank=True,
        validators=[validate_caf_number],
        help_text="CAF : 7 chiffres au moins, zéros de tête compris ; autre régime (MSA…) : "
        "lettres et chiffres, tel quel.",
    )
    household_role = models.CharField(
        "rôle dans le foyer", max_length=10, choices=HouseholdRole.choices
    )
    nir = models.CharField(
        "NIR",
        max_length=15,
        blank=True,
        validators=[validate_nir],
        help_text="Numéro de sécurité sociale, 15 caractères avec la clé.",
    )
    external_id = models.CharField(
        "identifiant dans le logiciel du Département", max_length=50, blank=True
    )
    france_travail_id = models.CharField("identifiant France Travail", max_length=20, blank=True)
    structure = models.ForeignKey(
        "caseload.Structure",
        on_delete=models.PROTECT,
        related_name="people_followed",
        null=True,
        blank=True,
        verbose_name="structure qui suit la personne",
        help_text="Renseignée par l'import quand le fichier nomme une structure du Département.",
    )
    tags = models.ManyToManyField(
        "Tag",
        through="BeneficiaryTag",
        related_name="people",
        blank=True,
        verbose_name="étiquettes",
    )

    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField("nom d'usage", max_length=150)
    birth_name = models.CharField("nom de naissance", max_length=150, blank=True)
    first_name = models.CharField("prénom", max_length=150)
    birth_date = models.DateField("date de naissance", null=True, blank=True)

    address_line = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField(
        "code postal", max_length=5, blank=True, validators=[validate_postcode]
    )
    city = models.CharField("ville", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField("courriel", blank=True)

    rsa_application_date = models.DateField("date de la demande de RSA", null=True, blank=True)
    rights_opening_date = models.DateField("date d'ouverture des droits", null=True, blank=True)
    reference_date_source = models.CharField(
        "date de référence des délais",
        max_length=12,
        choices=ReferenceDateSource.choices,
        blank=True,
        help_text="D'où partent les délais du parcours ouvert à l'arrivée de la personne.",
    )
    known_to_departement = models.BooleanField(
        "déjà connu du Département",
        default=False,
        help_text="Faux pour une personne que le Département n'a jamais rencontrée.",
    )
    reinforced_consent = models.BooleanField(
        "accepte l'accompagnement renforcé", null=True, blank=True
    )
    reinforced_consent_on = models.DateField("date du consentement", null=True, blank=True)

    last_contact_at = models.DateTimeField("dernier contact", null=True, blank=True)
    next_deadline_on = models.DateField(
        "prochaine échéance",
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Échéance ouverte la plus proche du parcours en cours, tenue à jour par les "
            "services des délais (pathways.services) : le tri par urgence du portefeuille "
            "la lit sans sous-requête."
        ),
    )
    version = models.PositiveIntegerField(
        "version", default=1, help_text="Incrémentée à chaque modification (saisies concurrentes)."
    )
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", db_default=Now())
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(
                fields=["departement", "last_name", "first_name"], name="beneficiary_by_name"
            ),
            models.Index(fields=["territory", "created_at"], name="beneficiary_by_territory"),
            models.Index(fields=["commune"], name="beneficiary_by_commune"),
            models.Index(fields=["caf_number"], name="beneficiary_by_caf_number"),
            models.Index(fields=["last_contact_at"], name="beneficiary_by_last_contact"),
            # Imports: a new row's possible namesakes (same birth date), the
            # ones without a NIR looked up on their own small index.
            models.Index(fields=["departement", "birth_date"], name="beneficiary_by_birth_date"),
            models.Index(
                fields=["departement", "birth_date"],
                condition=Q(nir=""),
                name="beneficiary_no_nir_by_birth",
            ),
            models.Index(
                fields=["territory", "next_deadline_on"], name="beneficiary_by_next_deadline"
            ),
            # Portfolio search by name prefix, case-insensitive (UPPER(name) LIKE 'X%'):
            # PostgreSQL-only functional indexes, created by migration
            # 0003_portfolio_search_and_version (RunSQL, skipped on SQLite).
            models.Index(
                fields=["caf_number"],
                opclasses=["varchar_pattern_ops"],
                name="beneficiary_search_caf_number",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "caf_number", "household_role"],
                condition=~Q(caf_number=""),
                name="beneficiary_unique_caf_role",
                violation_error_message=(
                    "Une personne avec ce numéro allocataire et ce rôle dans le foyer existe déjà."
                ),
            ),
            models.UniqueConstraint(
                fields=["departement", "nir"],
                condition=~Q(nir=""),
                name="beneficiary_unique_nir",
                violation_error_message="Une personne avec ce NIR existe déjà.",
            ),
            models.UniqueConstraint(
                fields=["departement", "external_id"],
                condition=~Q(external_id=""),
                name="beneficiary_unique_external_id",
                violation_error_message=(
                    "Une personne avec cet identifiant du logiciel départemental existe déjà."
                ),
            ),
            models.CheckConstraint(
                condition=Q(nir="") | Q(nir__regex=r"^[12][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}$"),
                name="beneficiary_nir_format",
                violation_error_message=(
                    "Le NIR doit compter 15 caractères (13 chiffres, 2A ou 2B pour la Corse, "
                    "puis la clé)."
                ),
            ),
            models.UniqueConstraint(
                fields=["departement", "france_travail_id"],
                condition=~Q(france_travail_id=""),
                name="beneficiary_unique_france_travail_id",
                violation_error_message="Une personne avec cet identifiant France Travail existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(caf_number="")
                | Q(caf_number__regex=r"^[0-9]{1,10}$")
                | Q(caf_number__regex=r"^[0-9A-Z]{1,20}$"),
                name="beneficiary_caf_number_digits",
                violation_error_message=(
                    "Le numéro allocataire ne contient que des chiffres, ou des lettres "
                    "majuscules et des chiffres pour un autre régime."
                ),
            ),
            models.CheckConstraint(
                condition=Q(household_role__in=["demandeur", "conjoint"]),
                name="beneficiary_household_role_valid",
                violation_error_message="Le rôle dans le foyer est « demandeur » ou « conjoint ».",
            ),
            # Fixed bounds; "not after today" is the forms' and the import's rule.
            date_range_constraint(
                "beneficiary", "birth_date", label="Date de naissance", nullable=True
            ),
            date_range_constraint(
                "beneficiary",
                "rsa_application_date",
                label="Date de la demande de RSA",
                nullable=True,
            ),
            date_range_constraint(
                "beneficiary",
                "rights_opening_date",
                label="Date d'ouverture des droits",
                nullable=True,
            ),
            date_range_constraint(
                "beneficiary",
                "reinforced_consent_on",
                label="Date du consentement",
                nullable=True,
            ),
            date_range_constraint(
                "beneficiary",
                "last_contact_at",
                label="Dernier contact",
                datetime_field=True,
                nullable=True,
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("workspace:detail", kwargs={"pk": self.pk})

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class Tag(models.Model):
    """A label a Département gives its people ("Jeunes 18-25", "QPV"…), to
    filter the portfolio and the queue. Names are compared without accents
    or case (`key`), once per Département."""

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.PROTECT,
        related_name="tags",
        verbose_name="Département",
    )
    name = models.CharField("nom", max_length=60)
    key = models.CharField("clé de comparaison", max_length=60, editable=False)
    created_at = models.DateTimeField("créée le", db_default=Now())

    class Meta:
        verbose_name = "étiquette"
        verbose_name_plural = "étiquettes"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "key"],
                name="tag_unique_key_per_departement",
                violation_error_message="Ce Département a déjà une étiquette de ce nom.",
            )
        ]

    def __str__(self):
        return self.name


@pghistory.track(model_name="BeneficiaryTagHistory")
class BeneficiaryTag(models.Model):
    """A tag given to a person (by an import, for now)."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="tag_links",
        verbose_name="bénéficiaire",
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="links", verbose_name="étiquette"
    )
    created_at = models.DateTimeField("posée le", db_default=Now())

    class Meta:
        verbose_name = "étiquette d'une personne"
        verbose_name_plural = "étiquettes des personnes"
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "tag"],
                name="beneficiary_tag_unique",
                violation_error_message="Cette personne porte déjà cette étiquette.",
            )
        ]
        # The filter of the portfolio and the queue: the people of a tag.
        indexes = [models.Index(fields=["tag", "beneficiary"], name="beneficiary_tag_by_tag")]

    def __str__(self):
        return f"{self.tag_id} → {self.beneficiary_id}"


@pghistory.track(model_name="BarrierHistory")
class Barrier(models.Model):
    """A barrier to employment (frein) and its current state. Each change of
    state is kept in `BarrierEvent`."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="barriers", verbose_name="bénéficiaire"
    )
    kind = models.CharField("frein", max_length=20, choices=BarrierKind.choices)
    state = models.CharField(
        "état", max_length=20, choices=BarrierState.choices, default=BarrierState.IDENTIFIED
    )
    identified_on = models.DateField("identifié le")
    lifted_on = models.DateField("levé le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "frein"
        verbose_name_plural = "freins"
        ordering = ["kind"]
        indexes = [models.Index(fields=["kind", "state"], name="barrier_by_kind_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "kind"],
                name="barrier_unique_kind_per_person",
                violation_error_message="Ce frein est déjà suivi pour cette personne.",
            ),
            models.CheckConstraint(
                condition=(Q(state=BarrierState.LIFTED) & Q(lifted_on__isnull=False))
                | (~Q(state=BarrierState.LIFTED) & Q(lifted_on__isnull=True)),
                name="barrier_lifted_has_date",
                violation_error_message="Un frein levé a une date de levée, et seulement lui.",
            ),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=models.F("identified_on")),
                name="barrier_lifted_after_identified",
                violation_error_message="Un frein ne peut être levé avant d'avoir été identifié.",
            ),
            date_range_constraint("barrier", "identified_on", label="Identifié le"),
            date_range_constraint("barrier", "lifted_on", label="Levé le", nullable=True),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_state_display()})"


@pghistory.track(model_name="BarrierEventHistory")
class BarrierEvent(models.Model):
    """One change of state of a barrier: the barrier's history."""

    barrier = models.ForeignKey(
        Barrier, on_delete=models.CASCADE, related_name="events", verbose_name="frein"
    )
    state = models.CharField("état", max_length=20, choices=BarrierState.choices)
    occurred_on = models.DateField("date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="saisi par",
    )
    interview = models.ForeignKey(
        "pathways.Interview",
        on_delete=models.SET_NULL,
        related_name="barrier_events",
        null=True,
        blank=True,
        verbose_name="entretien",
    )
    created_at = models.DateTimeField("saisi le", db_default=Now())

    class Meta:
        verbose_name = "évolution d'un frein"
        verbose_name_plural = "évolutions des freins"
        ordering = ["-occurred_on", "-pk"]
        constraints = [date_range_constraint("barrier_event", "occurred_on", label="Date")]

    def __str__(self):
        return f"{self.barrier} → {self.get_state_display()}"


@pghistory.track(model_name="OutreachAttemptHistory")
class OutreachAttempt(models.Model):
    """A contact attempt with a person (often one never seen before)."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="outreach_attempts",
        verbose_name="bénéficiaire",
    )
    channel = models.CharField("moyen", max_length=10, choices=OutreachChannel.choices)
    result = models.CharField("résultat", max_length=20, choices=OutreachResult.choices)
    attempted_on = models.DateField("date")
    notes = models.TextField("remarques", max_length=2000, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="par",
    )
    created_at = models.DateTimeField("saisi le", db_default=Now())

    class Meta:
        verbose_name = "tentative de contact"
        verbose_name_plural = "tentatives de contact"
        ordering = ["-attempted_on", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "attempted_on"], name="outreach_by_person")]
        constraints = [
            date_range_constraint("outreach", "attempted_on", label="Date de la tentative")
        ]

    def __str__(self):
        return f"{self.get_channel_display()} — {self.get_result_display()}"


@pghistory.track(model_name="ConsentEventHistory")
class ConsentEvent(models.Model):
    """One statement of the person about reinforced accompaniment (given,
    refused, withdrawn): when, how they said it and who recorded it. The
    person's `reinforced_consent` holds the current answer, these rows the
    history."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="consent_events",
        verbose_name="bénéficiaire",
    )
    decision = models.CharField("décision", max_length=10, choices=ConsentDecision.choices)
    occurred_on = models.DateField("date")
    channel = models.CharField("exprimé par", max_length=10, choices=ConsentChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="saisi par",
    )
    created_at = models.DateTimeField("saisi le", db_default=Now())

    class Meta:
        verbose_name = "consentement à l'accompagnement renforcé"
        verbose_name_plural = "consentements à l'accompagnement renforcé"
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["beneficiary", "occurred_on"], name="consent_event_by_person")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ConsentDecision.values),
                name="consent_event_decision_valid",
                violation_error_message="Décision inconnue.",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ConsentChannel.values),
                name="consent_event_channel_valid",
                violation_error_message="Façon de l'exprimer inconnue.",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.occurred_on:%d/%m/%Y})"


@pghistory.track(model_name="HealthNoteHistory")
class HealthNote(models.Model):
    """Health information (RGPD art. 9): shown only to the nurse and the
    person's social worker (`caseload.perms.can_view_health_notes`)."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="health_notes",
        verbose_name="bénéficiaire",
    )
    text = models.TextField("note", max_length=5000)
    disability_recognised = models.BooleanField("handicap reconnu (RQTH)", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="auteur",
        help_text="Vide pour une reconnaissance lue dans un fichier importé en ligne de commande.",
    )
    created_at = models.DateTimeField("saisie le", db_default=Now())

    class Meta:
        verbose_name = "note de santé"
        verbose_name_plural = "notes de santé"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Note de santé {self.pk}"


class RecordAccessLog(models.Model):
    """Who read or changed a person's record, or listed people, and when.

    One row per page, fragment, export or command that shows a person; a list
    writes one row with its filters and row count (never names) and no person.
    Append-only: a PostgreSQL trigger refuses every UPDATE and DELETE, and the
    application's database role may only INSERT and SELECT here (see
    `setup_db_roles`), so the application itself cannot rewrite it.
    """

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bénéficiaire",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="utilisateur",
    )
    action = models.CharField("action", max_length=10, choices=AccessAction.choices)
    detail = models.CharField("détail", max_length=200, blank=True)
    row_count = models.PositiveIntegerField("lignes affichées", null=True, blank=True)
    command = models.CharField("commande ou tâche", max_length=100, blank=True)
    request_id = models.UUIDField("identifiant de requête", null=True, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    at = models.DateTimeField("date", db_default=Now(), db_index=True)

    # Rows the application role may only INSERT and SELECT (setup_db_roles).
    audit_append_only = True

    class Meta:
        verbose_name = "trace d'accès"
        verbose_name_plural = "traces d'accès"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["beneficiary", "at"], name="access_log_by_person"),
            models.Index(fields=["user", "at"], name="access_log_by_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=False) | Q(row_count__isnull=False),
                name="access_log_person_or_list",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(command=""),
                name="access_log_user_or_command",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.beneficiary_id} par {self.user_id}"
