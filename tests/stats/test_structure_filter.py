"""The structure filter: the people followed in the period by a professional
of one structure (world.py: R1 and R2 of "Service insertion" follow A from
5 March and G from 18 March; nobody else is assigned)."""

from stats import figures
from tests.caseload.factories import DepartementFactory, StaffProfileFactory, StructureFactory

URL = "/statistiques/"
MARCH = {"debut": "2026-03-01", "fin": "2026-04-01"}


def insertion(stat_world):
    return stat_world.r1.structure_id


def test_a_structure_narrows_the_people_to_those_its_staff_follow(stat_world, nord_filters):
    head = figures.headline(nord_filters(structure=insertion(stat_world)))
    assert (head["people_followed"], head["entries"]) == (2, 2)


def test_a_structure_without_staff_has_nobody(stat_world, nord_filters):
    empty = StructureFactory(departement=stat_world.departement, name="Association Relais")
    assert figures.headline(nord_filters(structure=empty.pk))["people_followed"] == 0


def test_a_structure_narrows_the_interviews_to_its_staff(stat_world, nord_filters):
    empty = StructureFactory(departement=stat_world.departement, name="Association Relais")
    assert figures.interviews_per_referent(nord_filters(structure=empty.pk)) == []


def test_a_structure_narrows_the_loads_to_its_staff(stat_world, nord_filters):
    other = StructureFactory(departement=stat_world.departement, name="Association Relais")
    StaffProfileFactory(structure=other, territories=[stat_world.nord])
    loads = figures.loads(nord_filters(structure=other.pk))
    # Only the new referent counts, holding nobody; R1 (half time, A) is left out.
    (by_programme,) = loads.values()
    assert {row["staff"] for row in by_programme.values()} == {1}
    assert sum(row["people"] for row in by_programme.values()) == 0


def test_the_dashboard_offers_the_structures_of_the_territories(stat_world, login):
    html = login(stat_world.manager).get(URL, MARCH).content.decode()
    assert 'name="structure"' in html
    assert "Service insertion" in html


def test_the_dashboard_filters_by_structure(stat_world, login):
    response = login(stat_world.manager).get(URL, {**MARCH, "structure": insertion(stat_world)})
    assert response.status_code == 200
    html = response.content.decode()
    entries = html[html.index("Entrées (parcours ouverts)") :].split("<td>", 1)[1]
    assert entries.split("</td>", 1)[0].strip() == "2"


def test_a_structure_of_another_departement_is_refused(stat_world, login):
    elsewhere = StructureFactory(departement=DepartementFactory(code="91"), name="Ailleurs")
    response = login(stat_world.manager).get(URL, {**MARCH, "structure": elsewhere.pk})
    assert response.status_code == 422


def test_a_structure_narrows_the_forecast_to_its_staff(stat_world, login):
    other = StructureFactory(departement=stat_world.departement, name="Association Relais")
    StaffProfileFactory(structure=other, social_worker=True, territories=[stat_world.nord])
    response = login(stat_world.manager).get(URL, {**MARCH, "structure": other.pk})
    assert response.status_code == 200
    html = response.content.decode()
    forecast = html[html.index('id="tableau-prevision"') :].split("</section>")[0]
    assert "Référent socio-professionnel" not in forecast
