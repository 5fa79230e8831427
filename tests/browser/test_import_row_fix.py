"""The dry run's rejected row fixed in the browser, then imported; axe on
every page."""

from playwright.sync_api import expect

from beneficiaries.models import Beneficiary
from intake.models import ImportRowFix
from tests.beneficiaries.imports.files import csv_bytes, person
from tests.caseload.factories import (
    CommuneFactory,
    DepartementFactory,
    StaffProfileFactory,
    TerritoryFactory,
)
from tests.core.conftest import celery_worker  # noqa: F401 - the real worker fixture


def test_admin_fixes_a_rejected_row_in_the_dry_run_and_imports_it(
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
        user__username="admin-correction",
        structure__departement=departement,
        territories=[territory],
    )
    data = csv_bytes([person(1), person(2), person(3, **{"Prénom": "L3a"})])

    log_in(page, admin.user.username)
    page.get_by_role("link", name="Importer un fichier").click()
    page.get_by_label("Fichier des demandeurs").set_input_files(
        {"name": "iodas.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Déposer le fichier").click()
    page.get_by_role("button", name="Analyser le fichier").click()
    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible(timeout=20_000)
    expect(page.locator('[data-count="rejected"]')).to_have_text("1")

    page.get_by_role("link", name="Corriger la ligne 4").click()
    expect(page.get_by_role("heading", name="Corriger la ligne 4")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Prénom", exact=True).fill("L4a")
    page.get_by_role("button", name="Vérifier de nouveau").click()
    expect(page.get_by_text("La ligne est toujours rejetée")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Prénom", exact=True).fill("Léa")
    page.get_by_role("button", name="Vérifier de nouveau").click()

    expect(page.get_by_text("Ligne 4 corrigée")).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("3")
    expect(page.locator('[data-count="rejected"]')).to_have_text("0")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("Import terminé")).to_be_visible(timeout=20_000)

    assert Beneficiary.objects.filter(first_name="Léa").exists()
    assert ImportRowFix.objects.get().fixed_by == admin.user


def test_admin_confirms_a_namesake_in_the_dry_run_and_the_import_updates_them(
    page,
    live_server,
    log_in,
    assert_accessible,
    celery_worker,  # noqa: F811
):
    import datetime

    from intake.models import ImportMatchDecision
    from tests.beneficiaries.factories import BeneficiaryFactory

    departement = DepartementFactory(code="45", name="Loiret")
    territory = TerritoryFactory(departement=departement, name="Montargis")
    CommuneFactory(territory=territory, insee_code="45208", name="Montargis", postcode="45200")
    admin = StaffProfileFactory(
        admin=True,
        user__username="admin-rapprochement",
        structure__departement=departement,
        territories=[territory],
    )
    row = person(1)
    namesake = BeneficiaryFactory(
        departement=departement,
        last_name=row["Nom bénéficiaire"],
        first_name=row["Prénom"],
        birth_date=datetime.date(1985, 4, 12),
        caf_number="",
        nir="",
    )

    log_in(page, admin.user.username)
    page.get_by_role("link", name="Importer un fichier").click()
    page.get_by_label("Fichier des demandeurs").set_input_files(
        {"name": "iodas.csv", "mimeType": "text/csv", "buffer": csv_bytes([row])}
    )
    page.get_by_role("button", name="Déposer le fichier").click()
    page.get_by_role("button", name="Analyser le fichier").click()
    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible(timeout=20_000)
    expect(page.locator('[data-count="rejected"]')).to_have_text("1")
    assert_accessible(page)

    page.get_by_role("button", name="Ligne 2 : c'est la même personne").click()

    expect(page.get_by_text("la personne déjà enregistrée sera mise à jour")).to_be_visible()
    expect(page.locator('[data-count="rejected"]')).to_have_text("0")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("Import terminé")).to_be_visible(timeout=20_000)

    namesake.refresh_from_db()
    assert namesake.caf_number == "3000001"
    assert Beneficiary.objects.count() == 1
    assert ImportMatchDecision.objects.get().decided_by == admin.user
