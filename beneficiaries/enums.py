from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdRole(models.TextChoices):
    DEMANDEUR = "demandeur", _("Demandeur")
    CONJOINT = "conjoint", _("Conjoint")


class Civility(models.TextChoices):
    MADAME = "mme", _("Madame")
    MONSIEUR = "m", _("Monsieur")


class BarrierKind(models.TextChoices):
    CHILDCARE = "childcare", _("Garde d'enfants")
    HOUSING = "housing", _("Logement")
    MOBILITY = "mobility", _("Mobilité")
    FRENCH_LANGUAGE = "french_language", _("Maîtrise du français")
    HEALTH = "health", _("Santé")
    TRAINING = "training", _("Formation")
    SELF_CONFIDENCE = "self_confidence", _("Confiance en soi")
    DIGITAL_SKILLS = "digital_skills", _("Compétences numériques")
    ADMINISTRATIVE = "administrative", _("Démarches administratives")


class BarrierState(models.TextChoices):
    IDENTIFIED = "identified", _("Identifié")
    BEING_LIFTED = "being_lifted", _("En cours de levée")
    LIFTED = "lifted", _("Levé")


class OutreachChannel(models.TextChoices):
    LETTER = "letter", _("Courrier")
    PHONE = "phone", _("Téléphone")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("Visite")
    EMAIL = "email", _("Courriel")


class OutreachResult(models.TextChoices):
    NO_ANSWER = "no_answer", _("Sans réponse")
    REACHED = "reached", _("Personne jointe")
    APPOINTMENT_SET = "appointment_set", _("Rendez-vous fixé")
    REFUSED = "refused", _("Refus")
    WRONG_CONTACT = "wrong_contact", _("Coordonnées erronées")


class AccessAction(models.TextChoices):
    READ = "read", _("Consultation")
    CHANGE = "change", _("Modification")
    EXPORT = "export", _("Export")
    LIST = "list", _("Liste")


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Consentement donné")
    REFUSED = "refused", _("Refus")
    WITHDRAWN = "withdrawn", _("Retrait du consentement")


class ConsentChannel(models.TextChoices):
    WRITTEN = "written", _("Écrit (document signé)")
    INTERVIEW = "interview", _("Oral, en entretien")
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("Courriel")
    LETTER = "letter", _("Courrier")


class ReferenceDateSource(models.TextChoices):
    """Where the deadlines of a new applicant's pathway start from."""

    APPLICATION = "application", _("date de la demande de RSA")
    RIGHTS = "rights", _("date de début des droits et devoirs")
    IMPORT = "import", _("date d’enregistrement (ni date de demande ni date de droits connue)")
