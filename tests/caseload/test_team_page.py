from decimal import Decimal

import pytest

from caseload.enums import Programme, StaffRole
from caseload.models import CapPolicy
from tests.caseload.factories import (
    AssignmentFactory,
    DepartementFactory,
    StaffProfileFactory,
    StructureFactory,
    TerritoryFactory,
)
from tests.caseload.html import load_cells, text_of

DC = Programme.DROIT_COMMUN
FTR = Programme.FRANCE_TRAVAIL_RENFORCE
AG = Programme.ACCOMPAGNEMENT_GLOBAL


@pytest.fixture
def team(db):
    """A manager and the structure and territory of their team."""
    departement = DepartementFactory()
    structure = StructureFactory(departement=departement)
    territory = TerritoryFactory(departement=departement)
    manager = StaffProfileFactory(structure=structure, territories=[territory], manager=True)
    return structure, territory, manager


def member(team, last_name, **kwargs):
    structure, territory, _ = team
    return StaffProfileFactory(
        structure=structure,
        territories=[territory],
        user__first_name="Camille",
        user__last_name=last_name,
        **kwargs,
    )


def team_page(login, team):
    response = login(team[2]).get("/equipe/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_cap_not_set_reads_plafond_non_defini(login, team):
    advisor = member(team, "Conseil", pe_advisor=True)
    AssignmentFactory.create_batch(2, staff=advisor, programme=DC)

    cells = load_cells(team_page(login, team), "Camille Conseil")

    assert cells[0] == "2 / plafond non défini"


def test_a_cap_set_reads_active_over_cap(login, team):
    referent = member(team, "Dupont")
    AssignmentFactory.create_batch(3, staff=referent, programme=FTR)

    cells = load_cells(team_page(login, team), "Camille Dupont")

    assert cells == ["0 / 130", "3 / 70", "0 / plafond non défini"]


def test_the_cap_shown_is_scaled_by_working_time(login, team):
    member(team, "Partiel", role=StaffRole.SOCIAL_WORKER, part_time_ratio=Decimal("0.50"))

    cells = load_cells(team_page(login, team), "Camille Partiel")

    assert cells[:2] == ["0 / 40", "0 / 15"]


def test_a_load_over_the_cap_is_flagged(login, team):
    CapPolicy.objects.filter(role=StaffRole.SOCIOPRO_REFERENT, programme=DC).update(cap=4)
    referent = member(team, "Debordee")
    AssignmentFactory.create_batch(5, staff=referent)

    cells = load_cells(team_page(login, team), "Camille Debordee")

    assert cells[0] == "5 / 4 Au-delà du plafond"


def test_a_load_at_ninety_percent_of_the_cap_is_flagged_near(login, team):
    CapPolicy.objects.filter(role=StaffRole.SOCIOPRO_REFERENT, programme=DC).update(cap=10)
    referent = member(team, "Chargee")
    AssignmentFactory.create_batch(9, staff=referent)

    cells = load_cells(team_page(login, team), "Camille Chargee")

    assert cells[0] == "9 / 10 Proche du plafond"


def test_a_load_below_ninety_percent_is_not_flagged(login, team):
    CapPolicy.objects.filter(role=StaffRole.SOCIOPRO_REFERENT, programme=DC).update(cap=10)
    referent = member(team, "Sereine")
    AssignmentFactory.create_batch(8, staff=referent)

    cells = load_cells(team_page(login, team), "Camille Sereine")

    assert cells[0] == "8 / 10"


def test_a_load_exactly_at_the_cap_is_near_not_over(login, team):
    CapPolicy.objects.filter(role=StaffRole.SOCIOPRO_REFERENT, programme=DC).update(cap=3)
    referent = member(team, "Pleine")
    AssignmentFactory.create_batch(3, staff=referent)

    cells = load_cells(team_page(login, team), "Camille Pleine")

    assert cells[0] == "3 / 3 Proche du plafond"


def test_ended_assignments_do_not_count_in_the_load(login, team):
    referent = member(team, "Allegee")
    AssignmentFactory.create_batch(2, staff=referent)
    AssignmentFactory.create_batch(3, staff=referent, ended=True)

    cells = load_cells(team_page(login, team), "Camille Allegee")

    assert cells[0] == "2 / 130"


def test_managers_and_admins_are_not_listed_as_team_members(login, team):
    member(team, "Encadrante", manager=True)
    member(team, "Gestionnaire", admin=True)

    page = text_of(team_page(login, team))

    assert "Aucun professionnel sur vos territoires." in page


def test_a_staff_member_who_left_is_not_listed(login, team):
    member(team, "Partie", is_active=False)

    page = text_of(team_page(login, team))

    assert "Camille Partie" not in page
