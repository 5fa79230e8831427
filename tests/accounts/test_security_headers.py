"""Security headers: Content Security Policy without inline script,
Permissions-Policy, and no browser cache of logged-in pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.caseload.factories import StaffProfileFactory

TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",
    *Path(settings.BASE_DIR).glob("*/templates"),
    # The rows of the long lists (Jinja2).
    Path(settings.BASE_DIR) / "web" / "jinja2",
]


def test_every_page_has_a_content_security_policy_without_inline_script(client):
    policy = client.get(reverse("login")).headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_every_page_turns_the_browser_s_sensors_off(client):
    policy = client.get(reverse("login")).headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.mark.parametrize("url_name", ["workspace:portfolio", "notifications:list"])
def test_pages_of_a_logged_in_user_are_never_stored(login, url_name):
    client = login(StaffProfileFactory())
    response = client.get(reverse(url_name))
    assert "no-store" in response.headers["Cache-Control"]


def test_a_manager_s_pages_are_never_stored(login):
    client = login(StaffProfileFactory(manager=True))
    response = client.get(reverse("console:team"))
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "template", sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html")), ids=str
)
def test_no_template_holds_an_inline_script_or_event_handler(template):
    html = template.read_text()
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    handlers = re.findall(r"\son[a-z]+\s*=", html)
    assert not inline_scripts and not handlers and "javascript:" not in html
