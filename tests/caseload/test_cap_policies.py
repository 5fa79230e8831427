from decimal import Decimal

import pytest

from caseload.enums import Programme, StaffRole
from caseload.models import CapPolicy
from caseload.selectors import ProgrammeLoad, effective_cap, staff_load
from caseload.services import cap_policies_initialise, departement_create
from tests.caseload.factories import AssignmentFactory, DepartementFactory, StaffProfileFactory

SOCIOPRO = StaffRole.SOCIOPRO_REFERENT
SOCIAL = StaffRole.SOCIAL_WORKER
PE = StaffRole.PE_ADVISOR
DC = Programme.DROIT_COMMUN
FTR = Programme.FRANCE_TRAVAIL_RENFORCE
AG = Programme.ACCOMPAGNEMENT_GLOBAL

# DESIGN.md, "Portfolio cap": None where the sources give no figure.
CAPS_FROM_THE_SOURCES = {
    (SOCIOPRO, DC): 130,
    (SOCIOPRO, FTR): 70,
    (SOCIOPRO, AG): None,
    (SOCIAL, DC): 80,
    (SOCIAL, FTR): 30,
    (SOCIAL, AG): None,
    (PE, DC): None,
    (PE, FTR): 50,
    (PE, AG): 100,
}


def caps_of(departement):
    return {
        (row.role, row.programme): row.cap
        for row in CapPolicy.objects.filter(departement=departement)
    }


def set_cap(departement, role, programme, cap):
    CapPolicy.objects.filter(departement=departement, role=role, programme=programme).update(
        cap=cap
    )


def test_departement_create_sets_the_nine_caps_of_the_sources():
    departement = departement_create(code="45", name="Loiret")

    assert caps_of(departement) == CAPS_FROM_THE_SOURCES


def test_departement_create_leaves_caps_without_a_source_figure_not_set():
    departement = departement_create(code="10", name="Aube")

    not_set = CapPolicy.objects.filter(departement=departement, cap__isnull=True)
    assert {(row.role, row.programme) for row in not_set} == {
        (SOCIOPRO, AG),
        (SOCIAL, AG),
        (PE, DC),
    }


def test_cap_policies_initialise_keeps_a_cap_an_admin_edited():
    departement = departement_create(code="35", name="Ille-et-Vilaine")
    set_cap(departement, SOCIOPRO, DC, 110)
    set_cap(departement, PE, DC, 60)

    cap_policies_initialise(departement=departement)

    caps = caps_of(departement)
    assert (caps[(SOCIOPRO, DC)], caps[(PE, DC)]) == (110, 60)


def test_cap_policies_initialise_restores_a_missing_policy_with_its_default():
    departement = departement_create(code="45", name="Loiret")
    CapPolicy.objects.filter(departement=departement, role=SOCIAL, programme=FTR).delete()

    cap_policies_initialise(departement=departement)

    assert caps_of(departement) == CAPS_FROM_THE_SOURCES


@pytest.mark.parametrize(
    ("cap", "ratio", "expected"),
    [
        (130, Decimal("1.00"), 130),
        (130, Decimal("0.80"), 104),
        (70, Decimal("0.75"), 52),  # 52.5
        (50, Decimal("0.33"), 16),  # 16.5
        (80, Decimal("0.99"), 79),  # 79.2
        (130, Decimal("0.59"), 76),  # 76.7
        (80, Decimal("0.10"), 8),
    ],
    ids=str,
)
def test_effective_cap_scales_by_working_time_rounding_down(cap, ratio, expected):
    assert effective_cap(cap, ratio) == expected


def test_effective_cap_of_a_cap_not_set_stays_not_set():
    assert effective_cap(None, Decimal("0.50")) is None


def test_staff_load_counts_active_assignments_against_the_scaled_cap():
    referent = StaffProfileFactory(part_time_ratio=Decimal("0.50"))
    AssignmentFactory.create_batch(3, staff=referent)
    AssignmentFactory(staff=referent, ended=True)
    AssignmentFactory(staff=referent, programme=FTR)

    assert staff_load(referent, DC) == (3, 65)


def test_staff_load_cap_is_none_when_the_cap_is_not_set():
    advisor = StaffProfileFactory(pe_advisor=True)
    AssignmentFactory.create_batch(2, staff=advisor, programme=DC)

    assert staff_load(advisor, DC) == (2, None)


def test_staff_load_uses_the_caps_of_the_staff_members_departement():
    referent = StaffProfileFactory()
    other = DepartementFactory()
    assert other != referent.structure.departement
    CapPolicy.objects.filter(departement=other).update(cap=5)
    AssignmentFactory(staff=referent)

    assert staff_load(referent, DC) == (1, 130)


def test_staff_load_of_all_programmes_adds_up_the_programmes_held_and_their_caps():
    social_worker = StaffProfileFactory(social_worker=True)
    AssignmentFactory(staff=social_worker, programme=DC)
    AssignmentFactory(staff=social_worker, programme=FTR)

    assert staff_load(social_worker) == (2, 80 + 30)


def test_staff_load_of_all_programmes_is_not_set_when_a_programme_held_has_no_cap():
    social_worker = StaffProfileFactory(social_worker=True)
    AssignmentFactory(staff=social_worker, programme=DC)
    AssignmentFactory(staff=social_worker, programme=AG)

    assert staff_load(social_worker) == (2, None)


def test_staff_load_of_all_programmes_is_not_set_when_no_programme_has_a_cap():
    nurse = StaffProfileFactory(nurse=True)
    AssignmentFactory(staff=nurse)

    assert staff_load(nurse) == (1, None)


def test_staff_load_of_all_programmes_scales_the_cap_by_working_time():
    social_worker = StaffProfileFactory(social_worker=True, part_time_ratio=Decimal("0.75"))
    AssignmentFactory(staff=social_worker)

    assert staff_load(social_worker) == (1, 60)


def test_staff_load_of_all_programmes_uses_only_the_caps_of_programmes_held():
    social_worker = StaffProfileFactory(social_worker=True)
    AssignmentFactory.create_batch(2, staff=social_worker, programme=FTR)

    assert staff_load(social_worker) == (2, 30)


def test_staff_load_of_all_programmes_does_not_invent_a_cap_from_another_programme():
    advisor = StaffProfileFactory(pe_advisor=True)
    AssignmentFactory.create_batch(2, staff=advisor, programme=DC)

    assert staff_load(advisor) == (2, None)


def test_a_cap_scaled_down_to_zero_shows_a_full_bar_and_anyone_is_over_it():
    load = ProgrammeLoad(programme="droit_commun", label="Droit commun", active=1, cap=0)

    assert load.percent == 100
    assert load.over_cap
