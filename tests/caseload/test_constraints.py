from decimal import Decimal

import pytest

from caseload.models import Assignment, Binome, StaffProfile
from tests.caseload.constraints import (
    constraint_refusing_save,
    validation_messages,
    violation_message,
)
from tests.caseload.factories import (
    AssignmentFactory,
    StaffProfileFactory,
    StructureFactory,
    UserFactory,
)


def a_second_active_assignment_to_the_same_referent():
    first = AssignmentFactory()
    return Assignment(beneficiary=first.beneficiary, staff=first.staff, programme=first.programme)


def a_binome_of_one_person():
    advisor = StaffProfileFactory(pe_advisor=True)
    return Binome(pe_advisor=advisor, social_worker=advisor)


def a_staff_member_working_five_percent():
    return StaffProfile(
        user=UserFactory(),
        role="sociopro_referent",
        structure=StructureFactory(),
        part_time_ratio=Decimal("0.05"),
    )


def a_staff_member_working_more_than_full_time():
    return StaffProfile(
        user=UserFactory(),
        role="sociopro_referent",
        structure=StructureFactory(),
        part_time_ratio=Decimal("1.50"),
    )


CASES = [
    pytest.param(
        Assignment,
        "assignment_unique_active_per_staff",
        "Cette personne est déjà suivie par ce référent.",
        a_second_active_assignment_to_the_same_referent,
        id="assignment_unique_active_per_staff",
    ),
    pytest.param(
        Binome,
        "binome_two_different_people",
        "Un binôme réunit deux professionnels différents.",
        a_binome_of_one_person,
        id="binome_two_different_people",
    ),
    pytest.param(
        StaffProfile,
        "staff_part_time_ratio_range",
        "La quotité de travail doit être comprise entre 0,10 et 1.",
        a_staff_member_working_five_percent,
        id="staff_part_time_ratio_range-low",
    ),
    pytest.param(
        StaffProfile,
        "staff_part_time_ratio_range",
        "La quotité de travail doit être comprise entre 0,10 et 1.",
        a_staff_member_working_more_than_full_time,
        id="staff_part_time_ratio_range-high",
    ),
]

# The field validators report an out-of-range ratio before the constraint.
FIELD_VALIDATED = {"staff_part_time_ratio_range"}


@pytest.mark.parametrize(("model", "name", "message", "build"), CASES)
def test_validation_refuses_with_the_constraints_french_message(model, name, message, build):
    assert violation_message(model, name) == message

    messages = validation_messages(build(), constraints_only=name in FIELD_VALIDATED)

    assert messages == [message]


@pytest.mark.parametrize(("model", "name", "message", "build"), CASES)
def test_the_database_refuses_the_row_when_validation_is_skipped(model, name, message, build):
    assert constraint_refusing_save(build()) == name


def test_an_ended_assignment_does_not_block_a_new_one_with_the_same_referent():
    ended = AssignmentFactory(ended=True)

    Assignment(
        beneficiary=ended.beneficiary, staff=ended.staff, programme=ended.programme
    ).full_clean()
