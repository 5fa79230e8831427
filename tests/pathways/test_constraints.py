import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pathways.enums import ContractKind, DeadlineKind, ExitOutcome, Stage
from pathways.models import Contract, Deadline, Pathway, Prescription
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.constraints import (
    constraint_refusing_save,
    validation_messages,
    violation_message,
)
from tests.pathways.factories import (
    DeadlineFactory,
    PathwayFactory,
    ServiceOfferFactory,
)

MARCH_2025 = datetime.date(2025, 3, 3)


def a_second_open_pathway():
    first = PathwayFactory()
    return Pathway(beneficiary=first.beneficiary, opened_on=first.opened_on)


def an_exit_without_outcome():
    return Pathway(
        beneficiary=BeneficiaryFactory(),
        stage=Stage.EXIT,
        opened_on=MARCH_2025,
        closed_at=timezone.now(),
    )


def an_open_pathway_with_an_outcome():
    return Pathway(
        beneficiary=BeneficiaryFactory(),
        stage=Stage.SOCIOPRO,
        opened_on=MARCH_2025,
        outcome=ExitOutcome.CDI,
    )


def a_second_open_entry_deadline():
    first = DeadlineFactory(kind=DeadlineKind.ENTRY)
    return Deadline(
        pathway=first.pathway,
        kind=DeadlineKind.ENTRY,
        reference_date=first.reference_date,
        due_on=first.due_on,
    )


def a_contract_under_fifteen_hours_without_reason():
    return Contract(
        beneficiary=BeneficiaryFactory(),
        signed_on=MARCH_2025,
        review_on=MARCH_2025 + datetime.timedelta(days=180),
        weekly_hours=Decimal("10"),
    )


def a_cer_signed_in_2025():
    return Contract(
        beneficiary=BeneficiaryFactory(),
        kind=ContractKind.CER,
        signed_on=MARCH_2025,
        review_on=MARCH_2025 + datetime.timedelta(days=180),
    )


def a_contrat_dengagement_signed_in_2024():
    signed_on = datetime.date(2024, 6, 3)
    return Contract(
        beneficiary=BeneficiaryFactory(),
        kind=ContractKind.CONTRAT_ENGAGEMENT,
        signed_on=signed_on,
        review_on=signed_on + datetime.timedelta(days=180),
    )


def a_prescription_of_forty_hours():
    offer = ServiceOfferFactory()
    return Prescription(
        beneficiary=BeneficiaryFactory(departement=offer.departement),
        offer=offer,
        hours_per_week=Decimal("40"),
        prescribed_on=MARCH_2025,
    )


def param(model, name, message, build, case=""):
    return pytest.param(model, name, message, build, id=f"{name}-{case}" if case else name)


EXIT_MESSAGE = (
    "Une sortie de parcours indique son issue et sa date ; un parcours en cours n'en a pas."
)
KIND_MESSAGE = (
    "Depuis le 1er janvier 2025, seul le contrat d'engagement peut être signé ; "
    "CER et PPAE restent pour les contrats plus anciens."
)
CASES = [
    param(
        Pathway,
        "pathway_one_open_per_person",
        "Cette personne a déjà un parcours en cours.",
        a_second_open_pathway,
    ),
    param(Pathway, "pathway_exit_has_outcome", EXIT_MESSAGE, an_exit_without_outcome, "exit"),
    param(
        Pathway, "pathway_exit_has_outcome", EXIT_MESSAGE, an_open_pathway_with_an_outcome, "open"
    ),
    param(
        Deadline,
        "deadline_one_open_per_kind",
        "Ce délai est déjà ouvert pour ce parcours.",
        a_second_open_entry_deadline,
    ),
    param(
        Contract,
        "contract_reduced_hours_have_reason",
        "Moins de 15 heures d'activité par semaine : indiquez le motif "
        "(santé, handicap, parent isolé sans solution de garde).",
        a_contract_under_fifteen_hours_without_reason,
    ),
    param(Contract, "contract_kind_matches_date", KIND_MESSAGE, a_cer_signed_in_2025, "cer"),
    param(
        Contract,
        "contract_kind_matches_date",
        KIND_MESSAGE,
        a_contrat_dengagement_signed_in_2024,
        "engagement",
    ),
    param(
        Prescription,
        "prescription_hours_range",
        "Les heures par semaine sont comprises entre 0 et 35.",
        a_prescription_of_forty_hours,
    ),
]

# The field validators report out-of-range hours before the constraint.
FIELD_VALIDATED = {"prescription_hours_range"}


@pytest.mark.parametrize(("model", "name", "message", "build"), CASES)
def test_validation_refuses_with_the_constraints_french_message(model, name, message, build):
    assert violation_message(model, name) == message

    messages = validation_messages(build(), constraints_only=name in FIELD_VALIDATED)

    assert messages == [message]


@pytest.mark.parametrize(("model", "name", "message", "build"), CASES)
def test_the_database_refuses_the_row_when_validation_is_skipped(model, name, message, build):
    assert constraint_refusing_save(build()) == name


def test_a_closed_pathway_does_not_block_opening_a_new_one():
    closed = PathwayFactory(closed=True)

    Pathway(beneficiary=closed.beneficiary, opened_on=MARCH_2025).full_clean()


def test_a_met_deadline_does_not_block_opening_another_of_its_kind():
    met = DeadlineFactory(met=True)

    Deadline(
        pathway=met.pathway,
        kind=met.kind,
        reference_date=met.reference_date,
        due_on=met.due_on,
    ).full_clean()


def test_a_contract_under_fifteen_hours_with_a_reason_is_valid():
    Contract(
        beneficiary=BeneficiaryFactory(),
        signed_on=MARCH_2025,
        review_on=MARCH_2025 + datetime.timedelta(days=180),
        weekly_hours=Decimal("8"),
        hours_reduction_reason="single_parent",
    ).full_clean()
