import time

from playwright.sync_api import expect

from tests.stats.world import build_stat_world


def wait_until(page, expression, timeout=10):
    """Poll `expression` from the test (Playwright's `wait_for_function`
    polls by evaluating a string inside the page, which the Content Security
    Policy refuses when the first check is not already true)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"toujours faux après {timeout} s : {expression}"
        page.wait_for_timeout(50)


def cell(page, table, label):
    row = page.locator(f"#tableau-{table}").get_by_role("row").filter(has_text=label)
    return row.locator("td").first


def test_manager_changes_period_territory_and_a_what_if(
    page, live_server, log_in, assert_accessible
):
    world = build_stat_world()
    world.manager.territories.add(world.sud)
    world.manager.user.username = "chef"
    world.manager.user.save()

    log_in(page, "chef")
    page.get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", name="Statistiques", exact=True)).to_be_visible()
    page.get_by_label("Du", exact=True).fill("2026-03-01")
    page.get_by_label("Au (exclu)", exact=True).fill("2026-04-01")
    page.get_by_role("button", name="Afficher").click()
    expect(cell(page, "synthese", "Entrées (parcours ouverts)")).to_have_text("5")
    wait_until(page, "Chart.getChart(document.querySelector('canvas.stats-chart')) !== undefined")
    assert_accessible(page)

    page.get_by_label("Territoire", exact=True).select_option(label="Nord")
    expect(cell(page, "synthese", "Entrées (parcours ouverts)")).to_have_text("4")
    assert "territoire=" in page.url
    # The structure filter: A and G, followed by "Service insertion", entered in March.
    page.get_by_label("Structure", exact=True).select_option(label="Service insertion")
    expect(cell(page, "synthese", "Entrées (parcours ouverts)")).to_have_text("2")
    assert "structure=" in page.url
    page.get_by_label("Structure", exact=True).select_option(label="Toutes les structures")
    expect(cell(page, "synthese", "Entrées (parcours ouverts)")).to_have_text("4")
    # The chart is redrawn from the new figures: Nord's two exits of March.
    wait_until(
        page,
        "(Chart.getChart(document.querySelector('#tableau-sorties canvas')) || {data: "
        "{datasets: [{data: []}]}}).data.datasets[0].data.reduce((a, b) => a + b, 0) === 2",
    )

    page.get_by_label("Au (exclu)", exact=True).fill("2026-05-01")
    page.get_by_label("Du", exact=True).fill("2026-04-01")
    page.get_by_label("Du", exact=True).press("Enter")
    expect(cell(page, "sorties", "CDD")).to_have_text("1")
    expect(cell(page, "synthese", "Entrées (parcours ouverts)")).to_have_text("0")

    pool = "Nord — Référent socio-professionnel — Droit commun"
    expect(
        page.locator("#tableau-prevision")
        .get_by_role("row")
        .filter(has_text=pool)
        .locator("td")
        .nth(1)
    ).to_have_text("65,0")
    page.get_by_label("Simulation : plafond").fill("260")
    page.get_by_label("Simulation : plafond").press("Enter")
    expect(
        page.locator("#tableau-prevision")
        .get_by_role("row")
        .filter(has_text=pool)
        .locator("td")
        .nth(1)
    ).to_have_text("130,0")
    assert_accessible(page)
