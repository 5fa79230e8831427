from playwright.sync_api import expect

from caseload.enums import Programme
from caseload.models import Assignment
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, territory_team


def test_manager_assigns_from_the_queue_to_the_suggested_referent(
    page, live_server, log_in, assert_accessible
):
    territory, manager, referent = territory_team(
        user__username="referent.sp", user__first_name="Camille", user__last_name="Durand"
    )
    manager.user.username = "chef"
    manager.user.save()
    StaffProfileFactory(social_worker=True, structure=manager.structure, territories=[territory])
    person = new_applicant(territory, days_ago=20, last_name="Martin", first_name="Léa")

    log_in(page, "chef")
    expect(page.get_by_role("heading", name="Équipe et plafonds de portefeuille")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="File d'attente").click()
    expect(page.get_by_role("heading", name="Personnes sans référent")).to_be_visible()
    assert_accessible(page)
    bar = page.locator(f"#charge-{referent.pk}").get_by_role(
        "progressbar", name="Charge Droit commun de Camille Durand"
    )
    expect(bar).to_have_attribute("aria-valuenow", "0")

    row = page.get_by_role("row").filter(has_text="MARTIN Léa")
    row.get_by_role("button", name="Affecter à Camille Durand").click()

    expect(page.get_by_text("Camille Durand suit désormais Léa Martin.")).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "1")
    expect(page.get_by_role("row").filter(has_text="MARTIN Léa")).to_have_count(0)
    assert_accessible(page)
    assert Assignment.objects.active().get(beneficiary=person).staff == referent
    assert Assignment.objects.get(beneficiary=person).programme == Programme.DROIT_COMMUN

    page.get_by_role("link", name="Charges").click()
    expect(
        page.get_by_role("progressbar", name="Charge Droit commun de Camille Durand")
    ).to_have_attribute("aria-valuenow", "1")
    assert_accessible(page)
