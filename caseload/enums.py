from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Travailleur social")
    SOCIOPRO_REFERENT = "sociopro_referent", _("Référent socio-professionnel")
    PE_ADVISOR = "pe_advisor", _("Conseiller France Travail")
    JOB_CONSULTANT = "job_consultant", _("Consultant emploi")
    NURSE = "nurse", _("Infirmier")
    MANAGER = "manager", _("Chef de service")
    ADMIN = "admin", _("Administrateur")

    @classmethod
    def referent_roles(cls):
        """Roles that hold a portfolio of people."""
        return [
            cls.SOCIAL_WORKER,
            cls.SOCIOPRO_REFERENT,
            cls.PE_ADVISOR,
            cls.JOB_CONSULTANT,
            cls.NURSE,
        ]


class Programme(models.TextChoices):
    DROIT_COMMUN = "droit_commun", _("Droit commun")
    FRANCE_TRAVAIL_RENFORCE = "france_travail_renforce", _("France Travail renforcé")
    ACCOMPAGNEMENT_GLOBAL = "accompagnement_global", _("Accompagnement global")


class StructureKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Service du Département")
    FRANCE_TRAVAIL = "france_travail", _("Agence France Travail")
    PARTNER = "partner", _("Organisme partenaire")


class AssignmentEndReason(models.TextChoices):
    STAGE_CHANGE = "stage_change", _("Changement d'étape")
    REFERENT_LEFT = "referent_left", _("Départ du référent")
    REBALANCING = "rebalancing", _("Rééquilibrage des portefeuilles")
    PATHWAY_EXIT = "pathway_exit", _("Sortie du parcours")
    BINOME_DISSOLVED = "binome_dissolved", _("Binôme dissous")
    OTHER = "other", _("Autre")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")
