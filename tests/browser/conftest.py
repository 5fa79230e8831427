"""Browser tests: Playwright drives Debian's Chromium against a live server.

Playwright cannot download its own browser here; `make test` installs the
Debian package (scripts/ensure_chromium.sh) and these tests launch it.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from core.models import User
from tests.two_factor import current_code, needs_second_factor, totp_device_for

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# that tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SERIOUS_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page; fail on any serious or critical violation."""
    axe = Axe()

    def _check(page):
        # Measure the page at rest: the pointer away from any control (a
        # button left hovered by the last click is mid-transition) and CSS
        # transitions off, so that colours are the ones users read.
        page.mouse.move(0, 0)
        # The site's CSS turns transitions off for users who ask for less motion
        # (an inline <style> would be refused by the Content Security Policy).
        page.emulate_media(reduced_motion="reduce")
        results = axe.run(page)
        violations = [
            v for v in results.response["violations"] if v.get("impact") in SERIOUS_IMPACTS
        ]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} → "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in violations
        )
        assert not violations, f"Violations d'accessibilité sur {page.url} :\n{details}"

    return _check


@pytest.fixture
def log_in(live_server):
    """Log in through the real login form."""

    def _log_in(page, username, password="mot-de-passe-de-test"):
        """Then, for a role that requires it, the code of the user's
        authentication application (a device created for the test)."""
        user = User.objects.filter(username=username).first()
        device = totp_device_for(user) if user and needs_second_factor(user) else None
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        if device is not None:
            expect(page.get_by_role("heading", name="Double authentification")).to_be_visible()
            page.get_by_label("Code de vérification").fill(current_code(device))
            page.get_by_role("button", name="Vérifier").click()
            expect(page.get_by_role("heading", name="Double authentification")).to_have_count(0)

    return _log_in


@pytest.fixture(autouse=True)
def no_content_security_policy_violation(page):
    """Every browser test fails if the page broke its Content Security Policy
    (an inline script or style, a resource from elsewhere)."""
    violations = []

    def _watch(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", _watch)
    yield
    assert not violations, "Violations de la politique de sécurité du contenu :\n" + "\n".join(
        violations
    )
