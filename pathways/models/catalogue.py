"""The service offer catalogue (offre de service) of each Département."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from caseload.perms import scope_of
from pathways.enums import (
    Funding,
    OfferTheme,
)

MAX_WEEKLY_HOURS = Decimal("35")
MIN_WEEKLY_HOURS = Decimal("15")
hours_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_WEEKLY_HOURS)]


class ServiceOfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The catalogue of the user's Département."""
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.departement_id is None:
            return self.none()
        return self.filter(departement_id=scope.departement_id)


class ServiceOffer(models.Model):
    """An action of the service catalogue (offre de service)."""

    departement = models.ForeignKey(
        "caseload.Departement",
        on_delete=models.PROTECT,
        related_name="service_offers",
        verbose_name="Département",
    )
    title = models.CharField("intitulé", max_length=200)
    theme = models.CharField("thème", max_length=30, choices=OfferTheme.choices)
    provider = models.CharField("porteur", max_length=200)
    funding = models.CharField(
        "financement", max_length=20, choices=Funding.choices, default=Funding.NONE
    )
    territory = models.ForeignKey(
        "caseload.Territory",
        on_delete=models.PROTECT,
        related_name="service_offers",
        null=True,
        blank=True,
        verbose_name="territoire",
        help_text="Vide : proposée sur tout le Département.",
    )
    description = models.TextField("description", blank=True)
    default_hours_per_week = models.DecimalField(
        "heures par semaine",
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=hours_validators,
    )
    is_active = models.BooleanField("proposée", default=True)

    objects = ServiceOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "action de l'offre de service"
        verbose_name_plural = "offre de service"
        ordering = ["theme", "title", "pk"]
        indexes = [
            models.Index(fields=["departement", "theme"], name="offer_by_theme"),
            models.Index(fields=["territory"], name="offer_by_territory"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "title", "provider", "territory"],
                name="offer_unique_title_provider_territory",
                violation_error_message="Cette action existe déjà dans l'offre de service.",
            ),
            models.CheckConstraint(
                condition=Q(
                    default_hours_per_week__gte=0, default_hours_per_week__lte=MAX_WEEKLY_HOURS
                ),
                name="offer_hours_range",
                violation_error_message="Les heures par semaine sont comprises entre 0 et 35.",
            ),
        ]

    def __str__(self):
        return self.title
