"""The stage transitions of a pathway, declared once (DESIGN.md, "Pathway").

`MOVES` is the table of allowed moves: from a stage, to a stage, made by whom
(`Mover`), forward or back (a move back needs a reason; a "stay" is an
orientation that keeps the stage and writes no log row), and what it does to
the deadlines and the pathway (`Effects`). `STAGE_ROLES` says which staff
roles follow a person at each stage. Plain data: the writer that reads it and
writes the transition rows is `pathways.services.transitions`.

A move not in the table is refused. Who the user is stays checked where the
request comes in: the record's stage form for the person's referents
(`can_edit_record` and `Beneficiary.objects.writable_by`), the console's
orientation for managers and admins (`manager_required`).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseload.enums import StaffRole
from pathways.enums import DeadlineKind, Stage

STAGE_ORDER = (Stage.PENDING, Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT, Stage.EXIT)
FOLLOWED_STAGES = (Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT)

# Who follows a person at each stage; the first role is the one asked for
# when none of the person's current referents has one of them.
STAGE_ROLES = {
    Stage.SOCIAL: (StaffRole.SOCIAL_WORKER,),
    Stage.SOCIOPRO: (StaffRole.SOCIOPRO_REFERENT,),
    Stage.EMPLOYMENT: (StaffRole.PE_ADVISOR, StaffRole.JOB_CONSULTANT),
}


class Mover(models.TextChoices):
    """Who makes a move, and through which service."""

    INTAKE = "intake", _("Ouverture du parcours (saisie, import)")  # services.opening
    MANAGER = "manager", _("Chef de service (orientation)")  # services.orientation
    REFERENT = "referent", _("Référent de la personne")  # transitions.pathway_advance


class Way(models.TextChoices):
    FORWARD = "forward", _("En avant")
    BACK = "back", _("Retour à une étape antérieure")  # needs a reason
    STAY = "stay", _("Même étape")  # an orientation keeping the stage: no log row


@dataclass(frozen=True)
class Effects:
    """What a move does, applied on the day of the move."""

    meets: tuple[DeadlineKind, ...] = ()  # the open deadline of the kind is met
    cancels: tuple[DeadlineKind, ...] = ()  # the open deadline of the kind is cancelled
    restarts: tuple[DeadlineKind, ...] = ()  # cancelled, and a new one opens from the day
    opens: tuple[DeadlineKind, ...] = ()  # opens from the day, unless one of the kind is open
    # The pathway closes (exit, with its outcome), and the person's active
    # assignments end with the exit as their reason: people who left no
    # longer fill their referents' portfolios nor count against their caps.
    closes: bool = False
    asks_referent: bool = False  # a referent change request when no referent has a STAGE_ROLES role


# The opening's deadlines have their own reference dates (the RSA application,
# the opening of the rights): `services.opening.pathway_opening_deadlines`.
OPENED = Effects(opens=(DeadlineKind.ENTRY, DeadlineKind.ORIENTATION))
ORIENTED = Effects(meets=(DeadlineKind.ORIENTATION,), restarts=(DeadlineKind.CONTRACT,))
INTO_SOCIAL = Effects(opens=(DeadlineKind.SOCIAL_REVIEW,), asks_referent=True)
BEYOND_SOCIAL = Effects(cancels=(DeadlineKind.SOCIAL_REVIEW,), asks_referent=True)
EXITED = Effects(cancels=tuple(DeadlineKind), closes=True)


@dataclass(frozen=True)
class Move:
    from_stage: str  # "" for the opening
    to_stage: str
    by: Mover
    way: Way
    effects: Effects

    @property
    def needs_reason(self):
        return self.way == Way.BACK

    @property
    def writes_row(self):
        return self.way != Way.STAY

    @property
    def roles(self):
        """The roles of which one referent must follow the person after the move."""
        return STAGE_ROLES.get(self.to_stage, ()) if self.effects.asks_referent else ()


MOVES = (
    # from, to, by, way, effects
    Move("", Stage.PENDING, Mover.INTAKE, Way.FORWARD, OPENED),
    # A manager's orientation: from any open stage to a followed one.
    Move(Stage.PENDING, Stage.SOCIAL, Mover.MANAGER, Way.FORWARD, ORIENTED),
    Move(Stage.PENDING, Stage.SOCIOPRO, Mover.MANAGER, Way.FORWARD, ORIENTED),
    Move(Stage.PENDING, Stage.EMPLOYMENT, Mover.MANAGER, Way.FORWARD, ORIENTED),
    Move(Stage.SOCIAL, Stage.SOCIAL, Mover.MANAGER, Way.STAY, ORIENTED),
    Move(Stage.SOCIAL, Stage.SOCIOPRO, Mover.MANAGER, Way.FORWARD, ORIENTED),
    Move(Stage.SOCIAL, Stage.EMPLOYMENT, Mover.MANAGER, Way.FORWARD, ORIENTED),
    Move(Stage.SOCIOPRO, Stage.SOCIAL, Mover.MANAGER, Way.BACK, ORIENTED),
    Move(Stage.SOCIOPRO, Stage.SOCIOPRO, Mover.MANAGER, Way.STAY, ORIENTED),
    Move(Stage.SOCIOPRO, Stage.EMPLOYMENT, Mover.MANAGER, Way.FORWARD, ORIENTED),
    Move(Stage.EMPLOYMENT, Stage.SOCIAL, Mover.MANAGER, Way.BACK, ORIENTED),
    Move(Stage.EMPLOYMENT, Stage.SOCIOPRO, Mover.MANAGER, Way.BACK, ORIENTED),
    Move(Stage.EMPLOYMENT, Stage.EMPLOYMENT, Mover.MANAGER, Way.STAY, ORIENTED),
    # The referent's stage changes: any other stage but "pending", exit included.
    Move(Stage.PENDING, Stage.SOCIAL, Mover.REFERENT, Way.FORWARD, INTO_SOCIAL),
    Move(Stage.PENDING, Stage.SOCIOPRO, Mover.REFERENT, Way.FORWARD, BEYOND_SOCIAL),
    Move(Stage.PENDING, Stage.EMPLOYMENT, Mover.REFERENT, Way.FORWARD, BEYOND_SOCIAL),
    Move(Stage.PENDING, Stage.EXIT, Mover.REFERENT, Way.FORWARD, EXITED),
    Move(Stage.SOCIAL, Stage.SOCIOPRO, Mover.REFERENT, Way.FORWARD, BEYOND_SOCIAL),
    Move(Stage.SOCIAL, Stage.EMPLOYMENT, Mover.REFERENT, Way.FORWARD, BEYOND_SOCIAL),
    Move(Stage.SOCIAL, Stage.EXIT, Mover.REFERENT, Way.FORWARD, EXITED),
    Move(Stage.SOCIOPRO, Stage.SOCIAL, Mover.REFERENT, Way.BACK, INTO_SOCIAL),
    Move(Stage.SOCIOPRO, Stage.EMPLOYMENT, Mover.REFERENT, Way.FORWARD, BEYOND_SOCIAL),
    Move(Stage.SOCIOPRO, Stage.EXIT, Mover.REFERENT, Way.FORWARD, EXITED),
    Move(Stage.EMPLOYMENT, Stage.SOCIAL, Mover.REFERENT, Way.BACK, INTO_SOCIAL),
    Move(Stage.EMPLOYMENT, Stage.SOCIOPRO, Mover.REFERENT, Way.BACK, BEYOND_SOCIAL),
    Move(Stage.EMPLOYMENT, Stage.EXIT, Mover.REFERENT, Way.FORWARD, EXITED),
)

MOVES_BY_KEY = {(m.from_stage, m.to_stage, m.by): m for m in MOVES}


def move_for(from_stage, to_stage, by):
    """The declared move, or None when the table does not allow it."""
    return MOVES_BY_KEY.get((from_stage, to_stage, by))
