"""The portfolio and the queue filtered by a tag of the Département: the
people carrying it, in a number of queries that does not grow with them,
and never a tag of another Département."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import Tag
from beneficiaries.services import tags_attach
from tests.beneficiaries.test_query_counts import MANAGER_PORTFOLIO_QUERIES, PORTFOLIO_QUERIES
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, territory_team
from tests.caseload.test_query_counts import QUEUE_QUERIES_FILTERED
from tests.workspace import person_followed_by


def _tag(departement, people, name="QPV"):
    tags_attach(departement=departement, names_by_person={p.pk: [name] for p in people})
    return Tag.objects.get(departement=departement, name=name)


def _count(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(queries)


def _referent_with_people(size):
    staff = StaffProfileFactory(social_worker=True)
    people = [person_followed_by(staff, last_name=f"Nom{i}") for i in range(size)]
    tag = _tag(staff.structure.departement, people[::2])
    return staff, tag


def test_the_portfolio_lists_only_the_people_of_the_tag(login):
    staff, tag = _referent_with_people(4)

    response = login(staff).get(reverse("workspace:portfolio"), {"tag": tag.pk})

    names = sorted(row["person"].last_name for row in response.context["rows"])
    assert names == ["Nom0", "Nom2"]


def test_the_portfolio_tag_filter_takes_the_same_queries_at_any_size(login):
    counts = []
    for size in (4, 120):
        staff, tag = _referent_with_people(size)
        _response, count = _count(login(staff), reverse("workspace:portfolio"), {"tag": tag.pk})
        counts.append(count)

    assert counts == [PORTFOLIO_QUERIES, PORTFOLIO_QUERIES]


def test_a_tag_of_another_departement_is_refused_by_the_portfolio_filter(login):
    staff, _tag_here = _referent_with_people(2)
    other = StaffProfileFactory(social_worker=True)
    foreign = _tag(other.structure.departement, [person_followed_by(other)])

    response = login(staff).get(reverse("workspace:portfolio"), {"tag": foreign.pk})

    assert response.context["form"].errors["tag"]
    assert len(response.context["rows"]) == 2


def test_the_portfolio_offers_the_tags_of_the_departement_only(login):
    staff, tag = _referent_with_people(2)
    other = StaffProfileFactory(social_worker=True)
    _tag(other.structure.departement, [person_followed_by(other)], name="Ailleurs")

    html = login(staff).get(reverse("workspace:portfolio")).content.decode()

    assert f'<option value="{tag.pk}">QPV</option>' in html
    assert "Ailleurs" not in html


def _queue_with_people(size):
    territory, manager, _referent = territory_team()
    people = [new_applicant(territory, last_name=f"Nom{i}") for i in range(size)]
    tag = _tag(territory.departement, people[::2])
    return manager, tag


def test_the_queue_lists_only_the_people_of_the_tag(login):
    manager, tag = _queue_with_people(4)

    response = login(manager).get(reverse("console:queue"), {"tag": tag.pk})

    names = sorted(row["person"].last_name for row in response.context["rows"])
    assert names == ["Nom0", "Nom2"]


def test_the_queue_tag_filter_takes_the_same_queries_at_any_size(login):
    counts = []
    for size in (4, 60):
        manager, tag = _queue_with_people(size)
        _response, count = _count(login(manager), reverse("console:queue"), {"tag": tag.pk})
        counts.append(count)

    assert counts[0] == counts[1]
    assert counts[0] == QUEUE_QUERIES_FILTERED


def test_a_tag_of_another_departement_finds_nobody_in_the_queue(login):
    manager, _tag_here = _queue_with_people(2)
    other_manager, foreign = _queue_with_people(2)

    response = login(manager).get(reverse("console:queue"), {"tag": foreign.pk})

    assert response.context["form"].errors["tag"]
    assert other_manager != manager


def test_a_managers_portfolio_filters_by_tag_too(login):
    territory, manager, _referent = territory_team()
    people = [new_applicant(territory, last_name=f"Nom{i}") for i in range(3)]
    tag = _tag(territory.departement, people[:1])

    response, count = _count(login(manager), reverse("workspace:portfolio"), {"tag": tag.pk})

    assert [row["person"].last_name for row in response.context["rows"]] == ["Nom0"]
    assert count == MANAGER_PORTFOLIO_QUERIES
