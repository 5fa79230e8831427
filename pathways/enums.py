from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PENDING = "pending", _("En attente d'orientation")
    SOCIAL = "social", _("Accompagnement social")
    SOCIOPRO = "sociopro", _("Accompagnement socio-professionnel")
    EMPLOYMENT = "employment", _("Accompagnement vers l'emploi")
    EXIT = "exit", _("Sortie")


class Orientation(models.TextChoices):
    SOCIALE = "sociale", _("Sociale")
    SOCIO_PROFESSIONNELLE = "socio_professionnelle", _("Socio-professionnelle")
    PROFESSIONNELLE = "professionnelle", _("Professionnelle")


class ExitOutcome(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    TRAINING = "training", _("Formation")
    BUSINESS_CREATION = "business_creation", _("Création d'entreprise")
    MOVED_AWAY = "moved_away", _("Déménagement")
    END_OF_RIGHTS = "end_of_rights", _("Fin de droits")
    OTHER = "other", _("Autre sortie")

    @classmethod
    def return_to_activity(cls):
        """Outcomes the sources count as a return to activity."""
        return [cls.CDI, cls.CDD, cls.TRAINING, cls.BUSINESS_CREATION]


class DeadlineKind(models.TextChoices):
    ENTRY = "entry", _("Entrée en parcours (15 jours)")
    ORIENTATION = "orientation", _("Orientation (6 semaines)")
    CONTRACT = "contract", _("Contrat d'engagement (1 mois)")
    SOCIAL_REVIEW = "social_review", _("Réexamen du parcours social (12 mois)")


class DeadlineState(models.TextChoices):
    """The state of a deadline (un délai: masculine labels), one label per
    state on every page, badge and filter."""

    MET = "met", _("Respecté")
    MET_LATE = "met_late", _("Tenu en retard")
    CANCELLED = "cancelled", _("Annulé")
    OVERDUE = "overdue", _("Dépassé")
    DUE_SOON = "due_soon", _("Échéance proche")
    OPEN = "open", _("En cours")


class InterviewKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuel")
    COLLECTIVE = "collective", _("Collectif")
    PHONE = "phone", _("Téléphonique")
    HOME_VISIT = "home_visit", _("Visite à domicile")
    JOINT_BINOME = "joint_binome", _("Conjoint en binôme")


class InterviewStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    HELD = "held", _("Réalisé")
    MISSED = "missed", _("Non honoré")


class OfferTheme(models.TextChoices):
    CV_WORKSHOP = "cv_workshop", _("Atelier CV")
    INTERVIEW_WORKSHOP = "interview_workshop", _("Atelier entretien d'embauche")
    COMPANY_VISIT = "company_visit", _("Visite d'entreprise")
    IMMERSION = "immersion", _("Immersion en entreprise")
    FLE = "fle", _("Français langue étrangère")
    DIGITAL_SKILLS = "digital_skills", _("Compétences numériques")
    PRE_QUALIFYING = "pre_qualifying", _("Formation pré-qualifiante")
    QUALIFYING = "qualifying", _("Formation qualifiante")
    IAE = "iae", _("Insertion par l'activité économique")
    MOBILITY = "mobility", _("Mobilité")
    CHILDCARE = "childcare", _("Garde d'enfants")
    HEALTH = "health", _("Santé")
    OTHER = "other", _("Autre")


class Funding(models.TextChoices):
    NONE = "none", _("Sans financement")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    OPCO = "opco", _("OPCO")
    AIF = "aif", _("AIF (France Travail)")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")


class PrescriptionStatus(models.TextChoices):
    PRESCRIBED = "prescribed", _("Prescrite")
    IN_PROGRESS = "in_progress", _("En cours")
    COMPLETED = "completed", _("Terminée")
    ABANDONED = "abandoned", _("Abandonnée")

    @classmethod
    def active(cls):
        return [cls.PRESCRIBED, cls.IN_PROGRESS]


class ContractKind(models.TextChoices):
    CONTRAT_ENGAGEMENT = "contrat_engagement", _("Contrat d'engagement")
    CER = "cer", _("Contrat d'engagement réciproque (CER)")
    PPAE = "ppae", _("Projet personnalisé d'accès à l'emploi (PPAE)")


class HoursReductionReason(models.TextChoices):
    NONE = "", _("Aucune")
    HEALTH = "health", _("Santé")
    DISABILITY = "disability", _("Handicap")
    SINGLE_PARENT = "single_parent", _("Parent isolé sans solution de garde")


class ObjectiveState(models.TextChoices):
    OPEN = "open", _("En cours")
    ACHIEVED = "achieved", _("Atteint")
    DROPPED = "dropped", _("Abandonné")


class ReminderStep(models.TextChoices):
    """Steps of a deadline's reminders. Steps before the due date are named
    `before_<days>` from the policy's reminder days (7, 3 and 1 by default)."""

    UNASSIGNED = "unassigned", _("Personne sans référent")
    ESCALATION = "escalation", _("Délai dépassé")

    @staticmethod
    def before(days):
        return f"before_{days}"

    @staticmethod
    def days_before(step):
        """7 for "before_7"; None for the other steps."""
        if step.startswith("before_"):
            return int(step.removeprefix("before_"))
        return None


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyé")
    SKIPPED = "skipped", _("Non envoyé (remplacé ou sans objet)")
    CANCELLED = "cancelled", _("Annulé (délai respecté ou clos)")


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Rappel d'échéance")
    ESCALATION = "escalation", _("Délai dépassé")
    UNASSIGNED = "unassigned", _("Personne sans référent")


class EmailFrequency(models.TextChoices):
    """How a user receives the emails of their notifications."""

    IMMEDIATE = "immediate", _("Immédiat")
    DIGEST = "digest", _("Résumé quotidien")


class EmailKind(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    DIGEST = "digest", _("Résumé quotidien")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Abandonné après plusieurs échecs")
    CANCELLED = "cancelled", _("Annulé (destinataire sans adresse ou inactif)")
