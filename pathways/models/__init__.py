"""The models of pathways, by topic; every model is named here for Django."""

from pathways.models.catalogue import (
    MAX_WEEKLY_HOURS,
    MIN_WEEKLY_HOURS,
    ServiceOffer,
    hours_validators,
)
from pathways.models.deadlines import (
    Deadline,
    DeadlinePolicy,
    DeadlineReminder,
    deadline_state,
    validate_reminder_days,
)
from pathways.models.followup import (
    CONTRAT_ENGAGEMENT_START,
    Contract,
    ContractObjective,
    Interview,
    InterviewRevision,
    Prescription,
)
from pathways.models.notifications import (
    Notification,
    NotificationPreference,
    NotificationReminder,
    OutgoingEmail,
)
from pathways.models.pathway import OrientationDecision, Pathway, StageTransition

__all__ = [
    "CONTRAT_ENGAGEMENT_START",
    "MAX_WEEKLY_HOURS",
    "MIN_WEEKLY_HOURS",
    "Contract",
    "ContractObjective",
    "Deadline",
    "DeadlinePolicy",
    "DeadlineReminder",
    "Interview",
    "InterviewRevision",
    "Notification",
    "NotificationPreference",
    "NotificationReminder",
    "OutgoingEmail",
    "OrientationDecision",
    "Pathway",
    "Prescription",
    "ServiceOffer",
    "StageTransition",
    "deadline_state",
    "hours_validators",
    "validate_reminder_days",
]
