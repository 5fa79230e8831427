import datetime

import pytest
from django.core.exceptions import ValidationError

from caseload.enums import Programme
from pathways.enums import DeadlineKind, Orientation, Stage
from pathways.models import Deadline, OrientationDecision, StageTransition
from pathways.services.orientation import orientation_decide, orientations_decide
from tests.caseload.helpers import new_applicant, territory_team


def _decide(pathway, manager, **kwargs):
    values = {
        "orientation": Orientation.PROFESSIONNELLE,
        "programme": Programme.FRANCE_TRAVAIL_RENFORCE,
        "starting_stage": Stage.EMPLOYMENT,
        "acting_user": manager.user,
    }
    values.update(kwargs)
    return orientation_decide(pathway=pathway, **values)


def test_orientation_meets_its_deadline_and_opens_the_contract_deadline():
    territory, manager, _referent = territory_team()
    person = new_applicant(territory, days_ago=10)
    pathway = person.pathways.get()

    decision = _decide(pathway, manager)

    pathway.refresh_from_db()
    assert pathway.stage == Stage.EMPLOYMENT
    assert pathway.programme == Programme.FRANCE_TRAVAIL_RENFORCE
    assert decision.decided_by == manager.user
    orientation = Deadline.objects.get(pathway=pathway, kind=DeadlineKind.ORIENTATION)
    assert orientation.met_on == datetime.date.today()
    contract = Deadline.objects.open().get(pathway=pathway, kind=DeadlineKind.CONTRACT)
    assert contract.reference_date == datetime.date.today()
    assert StageTransition.objects.filter(
        pathway=pathway, from_stage=Stage.PENDING, to_stage=Stage.EMPLOYMENT
    ).exists()


def test_reorientation_needs_a_reason_and_restarts_the_contract_delay():
    territory, manager, _referent = territory_team()
    pathway = new_applicant(territory).pathways.get()
    _decide(pathway, manager)

    with pytest.raises(ValidationError, match="motif"):
        _decide(pathway, manager, starting_stage=Stage.SOCIAL, orientation=Orientation.SOCIALE)

    _decide(
        pathway,
        manager,
        starting_stage=Stage.SOCIAL,
        orientation=Orientation.SOCIALE,
        programme=Programme.DROIT_COMMUN,
        reason="Freins de santé",
    )
    contracts = Deadline.objects.filter(pathway=pathway, kind=DeadlineKind.CONTRACT)
    assert contracts.count() == 2
    assert contracts.filter(cancelled_on__isnull=False).count() == 1
    assert contracts.filter(met_on__isnull=True, cancelled_on__isnull=True).count() == 1
    assert OrientationDecision.objects.filter(pathway=pathway).count() == 2


def test_bad_orientation_input_saves_nothing():
    territory, manager, _referent = territory_team()
    pathway = new_applicant(territory).pathways.get()

    with pytest.raises(ValidationError, match="étape de départ"):
        _decide(pathway, manager, starting_stage=Stage.EXIT)
    with pytest.raises(ValidationError, match="dispositif"):
        _decide(pathway, manager, programme="inconnu")

    assert not OrientationDecision.objects.exists()


def test_batch_orientation_is_all_or_nothing():
    territory, manager, _referent = territory_team()
    pathways = [new_applicant(territory).pathways.get() for _ in range(3)]
    _decide(pathways[2], manager)  # already oriented: a reorientation needs a reason

    with pytest.raises(ValidationError):
        orientations_decide(
            pathways=pathways,
            orientation=Orientation.SOCIALE,
            programme=Programme.DROIT_COMMUN,
            starting_stage=Stage.SOCIAL,
            acting_user=manager.user,
        )
    assert OrientationDecision.objects.count() == 1

    decisions = orientations_decide(
        pathways=pathways[:2],
        orientation=Orientation.SOCIALE,
        programme=Programme.DROIT_COMMUN,
        starting_stage=Stage.SOCIAL,
        acting_user=manager.user,
    )
    assert len(decisions) == 2
