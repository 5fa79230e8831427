import datetime
import re

from playwright.sync_api import expect

from intake.people import beneficiary_create
from tests.caseload.factories import AssignmentFactory, StaffProfileFactory


def _referent_with_people(count):
    staff = StaffProfileFactory(user__username="referente", user__first_name="Camille")
    departement = staff.structure.departement
    territory = staff.territories.first()
    people = []
    for index in range(count):
        person = beneficiary_create(
            acting_user=None,
            departement=departement,
            territory=territory,
            caf_number=f"{2000000 + index}",
            household_role="demandeur",
            first_name=f"Prénom{index}",
            last_name=f"Nom{index}",
            rsa_application_date=datetime.date.today() - datetime.timedelta(days=index * 10),
        )
        AssignmentFactory(beneficiary=person, staff=staff)
        people.append(person)
    return staff, people


def test_referent_logs_in_and_sees_their_portfolio(page, live_server, log_in, assert_accessible):
    staff, people = _referent_with_people(3)

    page.goto(f"{live_server.url}/connexion/")
    assert_accessible(page)
    log_in(page, staff.user.username)

    expect(page.get_by_role("heading", name="Mon portefeuille")).to_be_visible()
    table = page.get_by_role("table")
    for person in people:
        expect(
            table.get_by_role("link", name=f"{person.last_name.upper()} {person.first_name}")
        ).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Dépassé")).to_have_count(1)
    assert_accessible(page)

    table.get_by_role("link", name=f"{people[0].last_name.upper()} {people[0].first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(people[0].first_name)
    assert_accessible(page)


def test_wrong_password_shows_a_french_error(page, live_server, log_in, assert_accessible):
    staff = StaffProfileFactory(user__username="referent2")

    log_in(page, staff.user.username, password="pas-le-bon")

    expect(
        page.get_by_text("Saisissez un nom d’utilisateur et un mot de passe valides", exact=False)
    ).to_be_visible()
    assert_accessible(page)


def test_going_back_after_a_search_shows_the_whole_page_with_the_search_kept(
    page, live_server, log_in, assert_accessible
):
    staff, people = _referent_with_people(3)
    wanted = people[1]
    log_in(page, staff.user.username)
    expect(page.get_by_role("heading", name="Mon portefeuille")).to_be_visible()

    page.get_by_role("searchbox", name="Rechercher").fill(wanted.last_name)
    expect(page).to_have_url(re.compile(rf"/portefeuille/\?q={wanted.last_name}&"))
    table = page.get_by_role("table")
    expect(table.get_by_role("link")).to_have_count(1)
    table.get_by_role("link", name=f"{wanted.last_name.upper()} {wanted.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(wanted.first_name)

    page.go_back()

    expect(page.get_by_role("heading", name="Mon portefeuille")).to_be_visible()
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Rechercher")).to_have_value(wanted.last_name)
    expect(page.get_by_role("table").get_by_role("link")).to_have_count(1)
    assert_accessible(page)

    # A second search, then back: the first search's whole page again.
    page.get_by_role("searchbox", name="Rechercher").fill(people[2].last_name)
    expect(page.get_by_role("table").get_by_role("link")).to_have_text(
        f"{people[2].last_name.upper()} {people[2].first_name}"
    )
    page.go_back()
    expect(page.get_by_role("searchbox", name="Rechercher")).to_have_value(wanted.last_name)
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("link")).to_have_text(
        f"{wanted.last_name.upper()} {wanted.first_name}"
    )


def test_the_portfolio_fits_a_768_pixel_wide_screen_without_scrolling_sideways(
    page, live_server, log_in, assert_accessible
):
    staff, people = _referent_with_people(3)
    page.set_viewport_size({"width": 768, "height": 1024})
    log_in(page, staff.user.username)

    table = page.get_by_role("table")
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.evaluate(
        "(() => { const box = document.querySelector('#resultats .table-responsive');"
        " return box.scrollWidth <= box.clientWidth; })()"
    )
    # The columns left out on a narrow screen stay readable in the row.
    expect(table.get_by_role("row").filter(has_text=people[0].caf_number)).to_have_count(1)
    assert_accessible(page)


def test_every_page_shows_the_application_icon(page, live_server):
    page.goto(f"{live_server.url}/connexion/")

    icon_link = page.locator('link[rel="icon"]')
    expect(icon_link).to_have_count(1)
    href = icon_link.get_attribute("href")
    icon = page.request.get(f"{live_server.url}{href}")

    assert icon.status == 200
    assert icon.headers["content-type"].startswith("image/")
