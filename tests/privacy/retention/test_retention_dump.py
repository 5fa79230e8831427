"""An anonymised record leaves nothing of the person anywhere in the
database, history tables and access log included: the whole test database is
dumped and searched for the person's original values."""

import os
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from beneficiaries.models import Beneficiary
from pathways.enums import ExitOutcome, Stage
from pathways.models import Pathway
from pathways.services.followup import contract_create
from pathways.services.transitions import pathway_advance
from privacy.enums import RestrictionKind
from privacy.models import Restriction
from tests.pathways.factories import PathwayFactory
from tests.privacy.retention.conftest import CONTACT_DAY, after_contact, travel

ORIGINAL_VALUES = [
    "Vasseur",
    "Ophélie",
    "1979-10-23",
    "279104523400178",
    "7421963",
    "17 rue des Glycines",
    "0612345678",
    "ophelie.vasseur@example.org",
    "Séparation difficile",
    "Messagerie pleine",
    "dépression sévère",
    "garde de Léonie",
    "Boulangerie Ménard",
    "harcelée par les relances",
    "reprise de contact souhaitée",
]


def dump_database():
    settings = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    command = [
        "pg_dump",
        "--data-only",
        "--no-owner",
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"] or "postgres",
        settings["NAME"],
    ]
    return subprocess.run(
        command, env=environment, capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def full_record(seen_person, referent):
    """The person with a closed pathway, a contract with its objectives and a
    free-text reduction detail, an exit with a detail, an objection lifted."""
    pathway = PathwayFactory(beneficiary=seen_person, opened_on=CONTACT_DAY, stage=Stage.SOCIOPRO)
    with travel(CONTACT_DAY):
        contract_create(
            acting_user=referent.user,
            beneficiary=seen_person,
            signed_on=CONTACT_DAY,
            review_on=after_contact(180),
            weekly_hours=10,
            hours_reduction_reason="single_parent",
            hours_reduction_detail="Pas de solution de garde de Léonie",
            objectives=[("Stage à la Boulangerie Ménard", "open")],
        )
        pathway_advance(
            acting_user=referent.user,
            pathway=Pathway.objects.get(pk=pathway.pk),
            to_stage=Stage.EXIT,
            outcome=ExitOutcome.CDI,
            outcome_detail="Embauchée par la Boulangerie Ménard",
        )
    Restriction.objects.create(
        beneficiary=seen_person,
        kind=RestrictionKind.OBJECTION,
        reason="Dit être harcelée par les relances",
        requested_on=CONTACT_DAY,
        recorded_by=referent.user,
        lifted_on=CONTACT_DAY,
        lifted_by=referent.user,
        lift_reason="Une reprise de contact souhaitée",
    )
    return seen_person


@pytest.mark.django_db(transaction=True)
def test_the_dump_holds_none_of_the_anonymised_persons_original_values(full_record, settings):
    # The history is kept longer than the record here, so that what empties
    # it is the anonymisation, not the purge of old history.
    settings.AUDIT_RETENTION_DAYS = 5000
    before = dump_database()
    assert all(value.lower() in before.lower() for value in ORIGINAL_VALUES)
    with travel(after_contact(731)):
        call_command("apply_retention", stdout=StringIO())
    after = dump_database().lower()
    found = [value for value in ORIGINAL_VALUES if value.lower() in after]
    assert found == []
    # The history rows are still there, anonymised.
    history = Beneficiary.pgh_event_models.values()
    assert sum(model.objects.filter(pgh_obj_id=full_record.pk).count() for model in history) >= 2
