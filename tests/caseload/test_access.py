"""Who reaches which page: logins, homes per role, the team page's scope."""

import pytest
from django.urls import get_resolver, reverse

from tests.caseload.html import text_of

PAGES = ["/", "/portefeuille/", "/portefeuille/personnes/1/", "/equipe/"]


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/connexion/?next={url}"


def test_the_login_page_is_open_to_anonymous_visitors(client):
    assert client.get("/connexion/").status_code == 200


def test_the_health_endpoint_is_open_to_anonymous_visitors(client):
    response = client.get("/healthz")

    assert response.status_code in {200, 503}
    assert "database" in response.json()


def test_only_login_health_language_switch_reset_links_and_the_persons_link_skip_the_login():
    def open_views(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.app_name != "admin":  # the admin has its own login
                    yield from open_views(pattern.url_patterns, prefix + str(pattern.pattern))
            elif not getattr(pattern.callback, "login_required", True):
                yield prefix + str(pattern.pattern)

    # The language switch (POST, no data) serves the login page; the person's
    # signed link and the SMS provider's receipts check their own token.
    assert sorted(open_views(get_resolver().url_patterns)) == [
        "connexion/",
        "healthz",
        "i18n/setlang/",
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        "mot-de-passe/nouveau/fait/",
        "rdv/<str:token>/",
        "rdv/sms/recus/<str:secret>/",
    ]


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("referent", "/portefeuille/"),
        ("social_worker", "/portefeuille/"),
        ("pe_advisor", "/portefeuille/"),
        ("nurse", "/portefeuille/"),
        ("job_consultant", "/portefeuille/"),
        ("manager", "/equipe/"),
        ("admin", "/imports/"),
    ],
)
def test_the_root_sends_each_role_to_its_home(login, world, who, home):
    response = login(getattr(world, who)).get("/")

    assert response.status_code == 302
    assert response.url == home


def test_the_root_sends_a_user_without_staff_profile_to_an_empty_portfolio(login, world):
    client = login(world.no_profile_user)

    response = client.get("/", follow=True)

    assert response.redirect_chain == [(reverse("workspace:portfolio"), 302)]
    assert "Aucune personne n'est suivie pour le moment." in text_of(response.content.decode())


@pytest.mark.parametrize("who", ["referent", "social_worker", "nurse", "no_profile_user"])
def test_the_team_page_is_forbidden_to_anyone_but_managers_and_admins(login, world, who):
    assert login(getattr(world, who)).get("/equipe/").status_code == 403


def test_a_manager_sees_the_staff_of_their_territories_only(login, world):
    page = text_of(login(world.manager).get("/equipe/").content.decode())

    listed = {profile for profile in _team_members(world) if profile.user.get_full_name() in page}
    assert listed == {
        world.referent,
        world.colleague,
        world.pe_advisor,
        world.social_worker,
        world.nurse,
        world.job_consultant,
    }


def test_an_admin_sees_the_staff_of_their_departement_only(login, world):
    page = text_of(login(world.admin).get("/equipe/").content.decode())

    listed = {profile for profile in _team_members(world) if profile.user.get_full_name() in page}
    assert listed == {
        world.referent,
        world.colleague,
        world.other_territory_referent,
        world.pe_advisor,
        world.social_worker,
        world.nurse,
        world.job_consultant,
    }


def test_a_manager_of_another_departement_sees_none_of_this_departements_staff(login, world):
    page = text_of(login(world.other_departement_manager).get("/equipe/").content.decode())

    listed = {profile for profile in _team_members(world) if profile.user.get_full_name() in page}
    assert listed == {world.other_departement_referent}


def _team_members(world):
    return [
        world.referent,
        world.colleague,
        world.other_territory_referent,
        world.pe_advisor,
        world.social_worker,
        world.nurse,
        world.job_consultant,
        world.other_departement_referent,
    ]
