import datetime

import pytest
from django.urls import reverse

from caseload.enums import StaffRole
from caseload.models import Assignment
from caseload.services import assignment_reassign
from pathways.reminders import scan_deadlines
from tests.caseload.factories import StaffProfileFactory, TerritoryFactory
from tests.pathways.conftest import DAY0


def day(n):
    return DAY0 + datetime.timedelta(days=n)


@pytest.fixture
def on_day(time_machine):
    def _on(n):
        time_machine.move_to(
            datetime.datetime.combine(day(n), datetime.time(9), datetime.UTC), tick=False
        )

    return _on


def test_the_manager_sees_overdue_deadlines_with_age_and_who_was_reminded(
    login, on_day, new_applicant, referent, manager
):
    on_day(0)
    late = new_applicant(followed_by=referent, first_name="Inès")
    on_day(8)
    scan_deadlines()
    on_day(16)
    scan_deadlines()
    on_day(20)

    response = login(manager).get(reverse("console:overdue"))

    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["deadline"].pathway.beneficiary == late
    assert row["age"] == 5
    steps = [
        (r.step, [n.recipient_id for n in r.notifications.all()])
        for r in row["deadline"].sent_reminders
    ]
    assert steps == [("before_7", [referent.user_id]), ("escalation", [manager.user_id])]
    html = response.content.decode()
    assert "5 jours" in html and "Rappel J-7" in html
    assert referent.user.get_full_name() in html


def test_the_overdue_list_is_scoped_to_the_managers_territories(
    login, on_day, new_applicant, manager, territory
):
    elsewhere = TerritoryFactory(departement=territory.departement)
    on_day(0)
    mine = new_applicant()
    new_applicant(person_territory=elsewhere)
    on_day(20)
    client = login(manager)

    rows = client.get(reverse("console:overdue")).context["rows"]
    assert {r["deadline"].pathway.beneficiary for r in rows} == {mine}
    filtered = client.get(reverse("console:overdue"), {"territoire": territory.pk})
    assert filtered.context["territory"] == territory
    assert client.get(reverse("console:overdue"), {"territoire": elsewhere.pk}).status_code == 404
    assert client.get(reverse("console:overdue"), {"territoire": "x"}).status_code == 404


def test_the_overdue_list_says_whose_portfolio_each_late_person_is_in(
    login, on_day, new_applicant, referent, manager
):
    on_day(0)
    new_applicant(followed_by=referent, last_name="Suivie")
    new_applicant(last_name="Orpheline")
    on_day(20)

    response = login(manager).get(reverse("console:overdue"))

    by_name = {
        row["deadline"].pathway.beneficiary.last_name: [
            a.staff for a in row["deadline"].pathway.beneficiary.current_assignments
        ]
        for row in response.context["rows"]
    }
    assert by_name == {"Suivie": [referent], "Orpheline": []}
    html = response.content.decode()
    assert referent.user.get_full_name() in html
    assert "sans référent" in html


def test_referents_may_not_see_the_overdue_list(login, referent):
    assert login(referent).get(reverse("console:overdue")).status_code == 403


def test_the_admin_sees_every_territory_of_their_departement(
    login, on_day, new_applicant, territory
):
    admin = StaffProfileFactory(role=StaffRole.ADMIN, structure__departement=territory.departement)
    on_day(0)
    new_applicant()
    on_day(20)

    assert len(login(admin).get(reverse("console:overdue")).context["rows"]) == 1


@pytest.mark.parametrize("count", [2, 25])
def test_the_overdue_list_keeps_a_constant_number_of_queries(
    login, on_day, new_applicant, referent, manager, count, django_assert_num_queries
):
    on_day(0)
    for n in range(count):
        new_applicant(followed_by=referent if n % 2 else None)
    on_day(8)
    scan_deadlines()
    on_day(17)
    scan_deadlines()
    client = login(manager)
    client.get(reverse("console:overdue"))

    # session, user, second factor, scope, territories, the first page's
    # people, deadlines, current referents, reminders, notifications, the
    # list's access row, people count
    with django_assert_num_queries(12):
        response = client.get(reverse("console:overdue"))
    assert len(response.context["rows"]) == count


def test_the_referent_sees_the_deadlines_due_this_week_on_the_portfolio(
    login, on_day, new_applicant, referent, django_assert_num_queries
):
    on_day(0)
    soon = new_applicant(followed_by=referent, first_name="Awa")
    on_day(5)
    later = new_applicant(followed_by=referent, first_name="Zoé", applied_on=day(5))
    on_day(10)  # entry due on day 15 for the first, day 20 for the second

    response = login(referent).get(reverse("workspace:portfolio"))

    due = response.context["due_this_week"]
    assert [(d.pathway.beneficiary, state) for d, state in due] == [(soon, "open")]
    assert later not in [d.pathway.beneficiary for d, _ in due]
    assert "Échéances de la semaine" in response.content.decode()


def test_a_previous_referent_s_week_leaves_out_the_people_they_no_longer_follow(
    login, on_day, new_applicant, referent, manager
):
    on_day(0)
    kept = new_applicant(followed_by=referent, first_name="Awa")
    handed_over = new_applicant(followed_by=referent, first_name="Zoé")
    successor = StaffProfileFactory(
        structure=referent.structure, territories=list(referent.territories.all())
    )
    assignment_reassign(
        assignment=Assignment.objects.get(beneficiary=handed_over, staff=referent),
        new_staff=successor,
        acting_user=manager.user,
        reason="Changement de secteur",
    )
    on_day(10)

    mine = login(referent).get(reverse("workspace:portfolio")).context["due_this_week"]
    theirs = login(successor).get(reverse("workspace:portfolio")).context["due_this_week"]

    assert [d.pathway.beneficiary for d, _state in mine] == [kept]
    assert [d.pathway.beneficiary for d, _state in theirs] == [handed_over]


@pytest.mark.parametrize("count", [2, 30])
def test_the_portfolio_with_its_week_block_keeps_a_constant_number_of_queries(
    login, on_day, new_applicant, referent, count, django_assert_num_queries
):
    on_day(0)
    for _ in range(count):
        new_applicant(followed_by=referent)
    on_day(10)
    client = login(referent)
    client.get(reverse("workspace:portfolio"))

    # session, user, scope, the tags of the filter, count, people, deadlines
    # due this week, access row
    with django_assert_num_queries(8):
        response = client.get(reverse("workspace:portfolio"))
    assert len(response.context["due_this_week"]) == min(count, 20)


def test_the_overdue_lists_next_page_keeps_the_chosen_territory(
    login, on_day, new_applicant, manager, territory, settings
):
    settings.PORTFOLIO_PAGE_SIZE = 1
    on_day(0)
    new_applicant()
    new_applicant()
    on_day(20)

    response = login(manager).get(reverse("console:overdue"), {"territoire": territory.pk})

    cursor = response.context["next_cursor"]
    assert f"?territoire={territory.pk}&amp;apres={cursor}" in response.content.decode()


def test_the_overdue_list_pages_oldest_first_without_repeating_a_deadline(
    login, on_day, new_applicant, manager, settings
):
    settings.PORTFOLIO_PAGE_SIZE = 2
    on_day(0)
    first = new_applicant()
    on_day(1)
    second = new_applicant(applied_on=day(1))
    third = new_applicant(applied_on=day(1))
    on_day(2)
    last = new_applicant(applied_on=day(2))
    on_day(20)
    client = login(manager)

    seen, params = [], {}
    while True:
        response = client.get(reverse("console:overdue"), params)
        seen += [r["deadline"].pathway.beneficiary for r in response.context["rows"]]
        if not response.context["next_cursor"]:
            break
        params = {"apres": response.context["next_cursor"]}

    assert seen[0] == first and seen[-1] == last
    assert sorted(p.pk for p in seen) == sorted(p.pk for p in [first, second, third, last])


def test_the_overdue_header_counts_the_late_people_of_the_scope(
    login, on_day, new_applicant, manager, territory
):
    elsewhere = TerritoryFactory(departement=territory.departement)
    on_day(0)
    new_applicant()
    new_applicant()
    new_applicant(person_territory=elsewhere)
    on_day(20)

    response = login(manager).get(reverse("console:overdue"))

    assert response.context["people_count"] == 2
    assert "2 personnes ont au moins un délai dépassé" in response.content.decode()


def test_a_malformed_cursor_shows_the_first_page(login, on_day, new_applicant, manager):
    on_day(0)
    new_applicant()
    on_day(20)

    response = login(manager).get(reverse("console:overdue"), {"apres": "hier_x"})

    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def test_the_first_page_read_from_the_people_is_the_oldest_overdue_deadlines(
    login, on_day, new_applicant, manager, settings
):
    from pathways.models import Deadline

    settings.PORTFOLIO_PAGE_SIZE = 3
    for n in (0, 0, 1, 2, 2, 4):  # ties on a day, two overdue deadlines a person
        on_day(n)
        new_applicant(applied_on=day(n))
    on_day(40)
    oldest = list(
        Deadline.objects.open()
        .filter(due_on__lt=day(40))
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )

    response = login(manager).get(reverse("console:overdue"))

    assert [r["deadline"].pk for r in response.context["rows"]] == oldest[:3]
    assert response.context["next_cursor"]
