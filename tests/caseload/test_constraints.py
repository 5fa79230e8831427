from decimal import Decimal

import pytest

from caseload.enums import Programme
from caseload.models import Assignment, Binome, StaffProfile
from tests.caseload.constraints import (
    constraint_refusing_save,
    validation_messages,
    violation_message,
)
from tests.caseload.factories import (
    AssignmentFactory,
    BinomeFactory,
    StaffProfileFactory,
    StructureFactory,
    UserFactory,
)


def a_second_active_assignment_to_the_same_referent():
    first = AssignmentFactory()
    # In another programme, so that only this constraint is broken.
    return Assignment(
        beneficiary=first.beneficiary,
        staff=first.staff,
        programme=Programme.FRANCE_TRAVAIL_RENFORCE,
    )


def a_second_active_referent_of_the_same_role_and_programme():
    first = AssignmentFactory()
    colleague = StaffProfileFactory(
        role=first.staff.role, structure__departement=first.staff.structure.departement
    )
    return Assignment(beneficiary=first.beneficiary, staff=colleague, programme=first.programme)


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
        Assignment,
        "assignment_unique_active_per_role",
        "Cette personne a déjà un référent de ce rôle dans ce dispositif.",
        a_second_active_referent_of_the_same_role_and_programme,
        id="assignment_unique_active_per_role",
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


def test_an_ended_follow_up_does_not_block_a_new_referent_of_the_same_role():
    ended = AssignmentFactory(ended=True)
    colleague = StaffProfileFactory(
        role=ended.staff.role, structure__departement=ended.staff.structure.departement
    )

    AssignmentFactory(beneficiary=ended.beneficiary, staff=colleague, programme=ended.programme)

    assert Assignment.objects.active().filter(beneficiary=ended.beneficiary).count() == 1


def test_a_binome_follows_one_person_with_its_two_roles_in_one_programme():
    binome = BinomeFactory()
    person = AssignmentFactory(
        staff=binome.pe_advisor, binome=binome, programme=Programme.ACCOMPAGNEMENT_GLOBAL
    ).beneficiary

    AssignmentFactory(
        beneficiary=person,
        staff=binome.social_worker,
        binome=binome,
        programme=Programme.ACCOMPAGNEMENT_GLOBAL,
    )

    assert set(
        Assignment.objects.active().filter(beneficiary=person).values_list("role", flat=True)
    ) == {
        binome.pe_advisor.role,
        binome.social_worker.role,
    }


def test_an_assignment_takes_the_role_of_its_referent():
    assignment = AssignmentFactory(staff=StaffProfileFactory(nurse=True))

    assignment.refresh_from_db()
    assert assignment.role == "nurse"
