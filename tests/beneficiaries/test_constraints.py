import datetime

import pytest

from beneficiaries.enums import BarrierKind, BarrierState
from beneficiaries.models import Barrier, Beneficiary
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.constraints import (
    constraint_refusing_save,
    validation_messages,
    violation_message,
)
from tests.caseload.factories import TerritoryFactory


def namesake_of(existing, **fields):
    """Another person of the same Département and territory."""
    return BeneficiaryFactory.build(
        departement=existing.departement, territory=existing.territory, **fields
    )


def a_second_person_with_the_same_caf_number_and_role():
    first = BeneficiaryFactory()
    return namesake_of(first, caf_number=first.caf_number, household_role=first.household_role)


def a_second_person_with_the_same_nir():
    first = BeneficiaryFactory()
    return namesake_of(first, nir=first.nir)


def a_lifted_barrier_without_a_date():
    return Barrier(
        beneficiary=BeneficiaryFactory(),
        kind=BarrierKind.HOUSING,
        state=BarrierState.LIFTED,
        identified_on=datetime.date(2025, 1, 6),
    )


def an_identified_barrier_with_a_lifting_date():
    return Barrier(
        beneficiary=BeneficiaryFactory(),
        kind=BarrierKind.HOUSING,
        state=BarrierState.IDENTIFIED,
        identified_on=datetime.date(2025, 1, 6),
        lifted_on=datetime.date(2025, 2, 6),
    )


CASES = [
    pytest.param(
        Beneficiary,
        "beneficiary_unique_caf_role",
        "Une personne avec ce numéro allocataire et ce rôle dans le foyer existe déjà.",
        a_second_person_with_the_same_caf_number_and_role,
        id="beneficiary_unique_caf_role",
    ),
    pytest.param(
        Beneficiary,
        "beneficiary_unique_nir",
        "Une personne avec ce NIR existe déjà.",
        a_second_person_with_the_same_nir,
        id="beneficiary_unique_nir",
    ),
    pytest.param(
        Barrier,
        "barrier_lifted_has_date",
        "Un frein levé a une date de levée, et seulement lui.",
        a_lifted_barrier_without_a_date,
        id="barrier_lifted_has_date-lifted",
    ),
    pytest.param(
        Barrier,
        "barrier_lifted_has_date",
        "Un frein levé a une date de levée, et seulement lui.",
        an_identified_barrier_with_a_lifting_date,
        id="barrier_lifted_has_date-identified",
    ),
]


@pytest.mark.parametrize(("model", "name", "message", "build"), CASES)
def test_validation_refuses_with_the_constraints_french_message(model, name, message, build):
    assert violation_message(model, name) == message

    assert validation_messages(build()) == [message]


@pytest.mark.parametrize(("model", "name", "message", "build"), CASES)
def test_the_database_refuses_the_row_when_validation_is_skipped(model, name, message, build):
    assert constraint_refusing_save(build()) == name


def test_the_same_caf_number_is_allowed_for_the_spouse():
    first = BeneficiaryFactory()

    namesake_of(first, caf_number=first.caf_number, household_role="conjoint").full_clean()


def test_the_same_caf_number_and_role_is_allowed_in_another_departement():
    first = BeneficiaryFactory()
    territory = TerritoryFactory()
    assert territory.departement != first.departement

    BeneficiaryFactory.build(
        departement=territory.departement,
        territory=territory,
        caf_number=first.caf_number,
        household_role=first.household_role,
    ).full_clean()


def test_several_people_without_nir_are_allowed():
    first = BeneficiaryFactory(nir="")

    namesake_of(first, nir="").full_clean()
