"""The migration that ends the follow-up of people who left before exits
ended it (`pathways.migrations.0005_end_assignments_of_exited_people`)."""

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from caseload.enums import AssignmentEndReason
from pathways.enums import ExitOutcome
from tests.caseload.factories import AssignmentFactory
from tests.pathways.factories import PathwayFactory

MIGRATION = importlib.import_module("pathways.migrations.0005_end_assignments_of_exited_people")


def test_the_migration_ends_the_follow_up_of_people_who_already_left():
    exited = PathwayFactory(closed=True, outcome=ExitOutcome.MOVED_AWAY)
    left = AssignmentFactory(
        beneficiary=exited.beneficiary,
        started_at=exited.closed_at - datetime.timedelta(days=200),
    )
    followed_on = AssignmentFactory(beneficiary=PathwayFactory().beneficiary)

    MIGRATION.end_assignments_of_exited_people(apps, None)

    left.refresh_from_db()
    assert left.ended_at == exited.closed_at
    assert left.end_reason == AssignmentEndReason.PATHWAY_EXIT
    assert left.end_detail == "Déménagement"
    followed_on.refresh_from_db()
    assert followed_on.is_active


def test_the_migration_spares_a_person_who_came_back_with_a_new_pathway():
    old = PathwayFactory(closed=True)
    PathwayFactory(beneficiary=old.beneficiary)
    assignment = AssignmentFactory(beneficiary=old.beneficiary)

    MIGRATION.end_assignments_of_exited_people(apps, None)

    assignment.refresh_from_db()
    assert assignment.is_active


def test_the_migration_ends_an_assignment_started_after_the_exit_now():
    exited = PathwayFactory(closed=True)
    late = AssignmentFactory(beneficiary=exited.beneficiary)

    MIGRATION.end_assignments_of_exited_people(apps, None)

    late.refresh_from_db()
    assert late.ended_at >= late.started_at
    assert late.ended_at > timezone.now() - datetime.timedelta(minutes=1)
