"""The referent's workspace: the portfolio, a person's record and what is
written from it (contact, outreach, interviews, stage, contract,
prescriptions), and the service catalogue."""

from django.urls import path

from web.workspace import catalogue_views, person_views, portfolio_views, record_views

app_name = "workspace"

urlpatterns = [
    path("portefeuille/", portfolio_views.portfolio, name="portfolio"),
    path("portefeuille/personnes/<int:pk>/", record_views.detail, name="detail"),
    path(
        "portefeuille/personnes/<int:pk>/coordonnees/",
        record_views.contact_edit,
        name="contact_edit",
    ),
    path(
        "portefeuille/personnes/<int:pk>/contacts/nouveau/",
        record_views.outreach_create,
        name="outreach_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/nouveau/",
        record_views.interview_create_view,
        name="interview_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/",
        record_views.interview_list_view,
        name="interview_list",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/<int:interview_pk>/modifier/",
        record_views.interview_edit_view,
        name="interview_edit",
    ),
    path(
        "portefeuille/personnes/<int:pk>/etape/",
        record_views.pathway_advance_view,
        name="advance",
    ),
    path(
        "portefeuille/personnes/<int:pk>/contrat/nouveau/",
        record_views.contract_create_view,
        name="contract_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/prescrire/<int:offer_pk>/",
        record_views.prescribe_view,
        name="prescribe",
    ),
    path(
        "portefeuille/personnes/<int:pk>/prescriptions/<int:prescription_pk>/statut/",
        record_views.prescription_status_view,
        name="prescription_status",
    ),
    path(
        "portefeuille/personnes/<int:pk>/sante/nouvelle/",
        person_views.health_note_create_view,
        name="health_note_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/consentement/",
        person_views.consent_view,
        name="consent",
    ),
    path("offre-de-service/", catalogue_views.catalogue, name="catalogue"),
]
