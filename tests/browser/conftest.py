"""Browser tests: Playwright drives Debian's Chromium against a live server.

Playwright cannot download its own browser here; `make test` installs the
Debian package (scripts/ensure_chromium.sh) and these tests launch it.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

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
        page.add_style_tag(
            content="*, *::before, *::after { transition: none !important; "
            "animation: none !important; }"
        )
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
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()

    return _log_in
