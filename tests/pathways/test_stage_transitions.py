"""The table of stage moves (`pathways.stages`) and its one writer
(`pathways.services.transitions`): refused moves, each kind of effect, and
every transition row of the services written through the writer."""

import datetime
import itertools
import sys

import pytest
from django.core.exceptions import ValidationError
from django.db.models.signals import post_save

from beneficiaries.models import Beneficiary
from caseload.enums import ChangeRequestStatus, Programme, StaffRole
from caseload.models import ReferentChangeRequest
from pathways.enums import DeadlineKind, ExitOutcome, Orientation, Stage
from pathways.models import Deadline, StageTransition
from pathways.policies import policy_for
from pathways.services.opening import pathway_opening_deadlines
from pathways.services.orientation import orientation_decide
from pathways.services.transitions import (
    pathway_advance,
    transition_apply,
    transitions_record_many,
)
from pathways.stages import FOLLOWED_STAGES, MOVES, STAGE_ORDER, Mover, Way, move_for
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory
from tests.pathways.factories import DeadlineFactory, PathwayFactory

TODAY = datetime.date.today()


@pytest.fixture
def referent():
    return StaffProfileFactory()


@pytest.fixture
def manager():
    return StaffProfileFactory(manager=True)


def _pathway_at(stage, *, managed_by=None, **kwargs):
    """A pathway at `stage`; with `managed_by`, of a person of that manager's
    territory (a manager orients the people of their territories only)."""
    if managed_by is not None:
        territory = managed_by.territories.first()
        kwargs.update(
            beneficiary__departement=territory.departement, beneficiary__territory=territory
        )
    if stage == Stage.EXIT:
        return PathwayFactory(closed=True, **kwargs)
    return PathwayFactory(stage=stage, **kwargs)


def _open_deadline(pathway, kind, days_ago=0):
    reference = TODAY - datetime.timedelta(days=days_ago)
    return DeadlineFactory(pathway=pathway, kind=kind, reference_date=reference)


# --- The table ------------------------------------------------------------------


def test_the_table_declares_each_move_once():
    keys = [(m.from_stage, m.to_stage, m.by) for m in MOVES]
    assert len(keys) == len(set(keys))


def test_a_move_is_back_exactly_when_it_goes_to_an_earlier_stage():
    for move in MOVES:
        if move.from_stage == "":
            assert move.way == Way.FORWARD
            continue
        before, after = STAGE_ORDER.index(move.from_stage), STAGE_ORDER.index(move.to_stage)
        expected = Way.STAY if before == after else Way.BACK if after < before else Way.FORWARD
        assert move.way == expected, move


def test_only_an_orientation_may_keep_the_stage():
    assert {m.by for m in MOVES if m.way == Way.STAY} == {Mover.MANAGER}


def test_the_referent_goes_anywhere_but_pending_and_the_manager_orients_to_followed_stages():
    open_stages = [Stage.PENDING, *FOLLOWED_STAGES]
    referent_moves = {(f, t) for f in open_stages for t in Stage if t not in (f, Stage.PENDING)}
    manager_moves = {(f, t) for f in open_stages for t in FOLLOWED_STAGES}

    def declared(by):
        return {(m.from_stage, m.to_stage) for m in MOVES if m.by == by}

    assert declared(Mover.REFERENT) == referent_moves
    assert declared(Mover.MANAGER) == manager_moves
    assert declared(Mover.INTAKE) == {("", Stage.PENDING)}


def test_the_opening_move_declares_the_deadlines_the_opening_writes():
    opening = move_for("", Stage.PENDING, Mover.INTAKE)
    planned = pathway_opening_deadlines(opened_on=TODAY, policy=policy_for(None))
    assert {d.kind for d in planned} == set(opening.effects.opens)


# --- Refused moves --------------------------------------------------------------


def test_a_move_the_table_does_not_allow_is_refused_in_french_and_writes_nothing(manager):
    pathway = _pathway_at(Stage.SOCIOPRO)
    _open_deadline(pathway, DeadlineKind.CONTRACT)

    with pytest.raises(ValidationError) as error:
        transition_apply(
            pathway=pathway, to_stage=Stage.EXIT, by=Mover.MANAGER, acting_user=manager.user
        )

    assert error.value.message_dict["to_stage"] == [
        "Le passage de l'étape « Accompagnement socio-professionnel » à l'étape « Sortie » "
        "n'est pas permis."
    ]
    pathway.refresh_from_db()
    assert pathway.stage == Stage.SOCIOPRO
    assert pathway.closed_at is None
    assert not StageTransition.objects.exists()
    assert Deadline.objects.open().filter(pathway=pathway).count() == 1


def test_the_referent_cannot_send_a_person_back_to_pending_orientation(referent):
    pathway = _pathway_at(Stage.SOCIAL)

    with pytest.raises(ValidationError, match="attente d'orientation"):
        pathway_advance(acting_user=referent.user, pathway=pathway, to_stage=Stage.PENDING)

    assert not StageTransition.objects.exists()


def test_a_move_back_without_its_reason_writes_nothing(referent):
    pathway = _pathway_at(Stage.EMPLOYMENT)

    with pytest.raises(ValidationError) as error:
        pathway_advance(acting_user=referent.user, pathway=pathway, to_stage=Stage.SOCIOPRO)

    assert error.value.message_dict["reason"] == [
        "Indiquez le motif du retour à une étape antérieure."
    ]
    pathway.refresh_from_db()
    assert pathway.stage == Stage.EMPLOYMENT
    assert not StageTransition.objects.exists()


def test_rows_written_in_bulk_refuse_a_move_the_table_does_not_allow():
    pathway = _pathway_at(Stage.PENDING)

    with pytest.raises(ValidationError, match="non permis : pending → exit"):
        transitions_record_many(
            [
                (pathway.pk, "", Stage.PENDING, "Ouverture", None),
                (pathway.pk, Stage.PENDING, Stage.EXIT, "", None),
            ]
        )

    assert not StageTransition.objects.exists()


def test_opening_rows_written_in_bulk_land_in_the_transition_log(referent):
    pathways = [_pathway_at(Stage.PENDING) for _ in range(3)]

    written = transitions_record_many(
        [(p.pk, "", Stage.PENDING, "Ouverture", referent.user.pk) for p in pathways]
    )

    assert written == 3
    rows = StageTransition.objects.filter(pathway__in=pathways)
    assert sorted(rows.values_list("pathway_id", flat=True)) == sorted(p.pk for p in pathways)
    assert {(r.from_stage, r.to_stage, r.reason, r.by_id) for r in rows} == {
        ("", Stage.PENDING, "Ouverture", referent.user.pk)
    }
    assert all(r.occurred_at is not None for r in rows)


# --- One test per kind of effect ------------------------------------------------


def test_an_orientation_meets_the_orientation_deadline(manager):
    pathway = _pathway_at(Stage.PENDING, managed_by=manager)
    orientation = _open_deadline(pathway, DeadlineKind.ORIENTATION, days_ago=10)

    orientation_decide(
        pathway=pathway,
        orientation=Orientation.SOCIALE,
        programme=Programme.DROIT_COMMUN,
        starting_stage=Stage.SOCIAL,
        acting_user=manager.user,
    )

    orientation.refresh_from_db()
    assert orientation.met_on == TODAY


def test_a_reorientation_keeping_the_stage_restarts_the_contract_delay_without_a_log_row(manager):
    pathway = _pathway_at(Stage.SOCIOPRO, managed_by=manager)
    old_contract = _open_deadline(pathway, DeadlineKind.CONTRACT, days_ago=20)
    decided_on = TODAY - datetime.timedelta(days=2)

    orientation_decide(
        pathway=pathway,
        orientation=Orientation.SOCIO_PROFESSIONNELLE,
        programme=Programme.DROIT_COMMUN,
        starting_stage=Stage.SOCIOPRO,
        acting_user=manager.user,
        decided_on=decided_on,
    )

    old_contract.refresh_from_db()
    assert old_contract.cancelled_on == decided_on
    new_contract = Deadline.objects.open().get(pathway=pathway, kind=DeadlineKind.CONTRACT)
    assert new_contract.reference_date == decided_on
    assert not StageTransition.objects.exists()


def test_entering_the_social_stage_opens_the_social_review_unless_one_runs(referent):
    fresh = _pathway_at(Stage.PENDING)
    pathway_advance(acting_user=referent.user, pathway=fresh, to_stage=Stage.SOCIAL)
    review = Deadline.objects.open().get(pathway=fresh, kind=DeadlineKind.SOCIAL_REVIEW)
    assert review.reference_date == TODAY

    back = _pathway_at(Stage.SOCIOPRO)
    running = _open_deadline(back, DeadlineKind.SOCIAL_REVIEW, days_ago=30)
    pathway_advance(acting_user=referent.user, pathway=back, to_stage=Stage.SOCIAL, reason="Santé")
    assert list(Deadline.objects.filter(pathway=back, kind=DeadlineKind.SOCIAL_REVIEW)) == [running]


def test_moving_beyond_the_social_stage_cancels_the_social_review(referent):
    pathway = _pathway_at(Stage.SOCIAL)
    review = _open_deadline(pathway, DeadlineKind.SOCIAL_REVIEW, days_ago=100)

    pathway_advance(acting_user=referent.user, pathway=pathway, to_stage=Stage.EMPLOYMENT)

    review.refresh_from_db()
    assert review.cancelled_on == TODAY


def test_the_exit_closes_the_pathway_and_cancels_every_open_deadline(referent):
    pathway = _pathway_at(Stage.SOCIOPRO)
    for kind in DeadlineKind:
        _open_deadline(pathway, kind)
    person = pathway.beneficiary
    Beneficiary.objects.filter(pk=person.pk).update(next_deadline_on=TODAY)

    pathway, _ = pathway_advance(
        acting_user=referent.user, pathway=pathway, to_stage=Stage.EXIT, outcome=ExitOutcome.CDD
    )

    pathway.refresh_from_db()
    assert pathway.closed_at is not None
    assert pathway.outcome == ExitOutcome.CDD
    assert not Deadline.objects.open().filter(pathway=pathway).exists()
    assert Deadline.objects.filter(pathway=pathway, cancelled_on=TODAY).count() == len(DeadlineKind)
    person.refresh_from_db()
    assert person.next_deadline_on is None


def test_a_stage_none_of_the_referents_covers_asks_the_manager_for_its_first_role(referent):
    pathway = _pathway_at(Stage.SOCIOPRO)
    AssignmentFactory(beneficiary=pathway.beneficiary, staff=referent)

    _pathway, request = pathway_advance(
        acting_user=referent.user, pathway=pathway, to_stage=Stage.EMPLOYMENT
    )

    assert request.status == ChangeRequestStatus.PENDING
    assert request.requested_role == StaffRole.PE_ADVISOR
    assert request.pathway == pathway


def test_an_orientation_asks_for_no_referent(manager):
    pathway = _pathway_at(Stage.PENDING, managed_by=manager)

    orientation_decide(
        pathway=pathway,
        orientation=Orientation.PROFESSIONNELLE,
        programme=Programme.DROIT_COMMUN,
        starting_stage=Stage.EMPLOYMENT,
        acting_user=manager.user,
    )

    assert not ReferentChangeRequest.objects.exists()


# --- Every row the services write goes through the writer -----------------------


@pytest.fixture
def rows_written():
    """Each transition row saved, with whether `transition_apply` wrote it."""
    writer_code = transition_apply.__wrapped__.__code__
    rows = []

    def through_the_writer():
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code is writer_code:
                return True
            frame = frame.f_back
        return False

    def record(sender, instance, created, **kwargs):
        if created:
            rows.append((instance.from_stage, instance.to_stage, through_the_writer()))

    post_save.connect(record, sender=StageTransition, dispatch_uid="rows_written")
    yield rows
    post_save.disconnect(sender=StageTransition, dispatch_uid="rows_written")


STAGE_PAIRS = list(itertools.product(Stage, Stage))


@pytest.mark.parametrize(("from_stage", "to_stage"), STAGE_PAIRS)
def test_the_referent_makes_exactly_the_moves_of_the_table_through_the_writer(
    referent, rows_written, from_stage, to_stage
):
    pathway = _pathway_at(from_stage)
    declared = move_for(from_stage, to_stage, Mover.REFERENT)

    try:
        pathway_advance(
            acting_user=referent.user,
            pathway=pathway,
            to_stage=to_stage,
            reason="Motif",
            outcome=ExitOutcome.OTHER if to_stage == Stage.EXIT else "",
        )
    except ValidationError:
        assert declared is None
        assert rows_written == []
    else:
        assert declared is not None
        assert rows_written == [(from_stage, to_stage, True)]


@pytest.mark.parametrize(("from_stage", "to_stage"), STAGE_PAIRS)
def test_an_orientation_makes_exactly_the_moves_of_the_table_through_the_writer(
    manager, rows_written, from_stage, to_stage
):
    pathway = _pathway_at(from_stage, managed_by=manager)
    declared = move_for(from_stage, to_stage, Mover.MANAGER)

    try:
        orientation_decide(
            pathway=pathway,
            orientation=Orientation.SOCIALE,
            programme=Programme.DROIT_COMMUN,
            starting_stage=to_stage,
            acting_user=manager.user,
        )
    except ValidationError:
        assert declared is None
        assert rows_written == []
    else:
        assert declared is not None
        expected = [(from_stage, to_stage, True)] if declared.writes_row else []
        assert rows_written == expected
