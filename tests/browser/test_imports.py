from pathlib import Path

from playwright.sync_api import expect

from tests.beneficiaries.imports.files import csv_bytes, person
from tests.caseload.factories import (
    CommuneFactory,
    DepartementFactory,
    StaffProfileFactory,
    TerritoryFactory,
)
from tests.core.conftest import celery_worker  # noqa: F401 - the real worker fixture


def test_admin_imports_a_file_from_upload_to_report(
    page,
    live_server,
    log_in,
    assert_accessible,
    celery_worker,  # noqa: F811
):
    departement = DepartementFactory(code="45", name="Loiret")
    territory = TerritoryFactory(departement=departement, name="Montargis")
    CommuneFactory(territory=territory, insee_code="45208", name="Montargis", postcode="45200")
    admin = StaffProfileFactory(
        admin=True,
        user__username="admin-import",
        structure__departement=departement,
        territories=[territory],
    )
    data = csv_bytes(
        [person(i) for i in range(1, 13)]
        + [person(20, NIR="1234", **{"Nom bénéficiaire": "=2+2"})],
        encoding="cp1252",
    )

    log_in(page, admin.user.username)
    expect(page.get_by_role("heading", name="Imports de demandeurs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Importer un fichier").click()
    assert_accessible(page)
    page.get_by_label("Fichier des demandeurs").set_input_files(
        {"name": "caf-novembre.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Déposer le fichier").click()

    expect(page.get_by_role("heading", name="Colonnes du fichier")).to_be_visible()
    expect(page.get_by_label("CP Ville")).to_have_value("postcode_city")
    assert_accessible(page)
    page.get_by_role("button", name="Analyser le fichier").click()

    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible(timeout=20_000)
    expect(page.locator('[data-count="created"]')).to_have_text("12")
    expect(page.locator('[data-count="rejected"]')).to_have_text("1")
    expect(page.get_by_text("contient des caractères qui ne peuvent pas figurer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.get_by_role("progressbar")).to_have_attribute(
        "aria-valuenow", "100", timeout=20_000
    )
    expect(page.get_by_text("Import terminé")).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("12")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "'=2+2" in content
    assert "Le NIR" in content

    page.get_by_role("link", name="Imports", exact=True).first.click()
    expect(page.get_by_role("link", name="caf-novembre.csv")).to_be_visible()
    assert_accessible(page)
