"""French error pages in the site's layout, with a way back."""

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.caseload.factories import StaffProfileFactory


def test_a_missing_page_is_explained_in_french_with_a_way_back(login):
    client = login(StaffProfileFactory())
    response = client.get("/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html
    assert "Retour à l'accueil" in html
    assert 'aria-label="Navigation principale"' in html


def test_a_refused_page_is_explained_in_french_with_a_way_back(login):
    client = login(StaffProfileFactory())
    response = client.get(reverse("imports:list"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html
    assert f'href="{reverse("home")}"' in html


def test_a_server_error_is_explained_in_french_without_touching_the_database():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Une erreur est survenue" in html
    assert 'href="/"' in html


def test_a_form_sent_without_its_security_token_gets_a_french_page(db):
    profile = StaffProfileFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(profile.user)
    response = client.post(reverse("notifications:read_all"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Le formulaire a expiré" in html
    assert "Rien n'a été enregistré" in html
