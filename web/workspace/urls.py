"""The referent's workspace: the portfolio, a person's record and what is
written from it (contact, outreach, interviews, stage, contract,
prescriptions), and the service catalogue."""

from django.urls import path

from web.workspace import followup_views, views

app_name = "workspace"

urlpatterns = [
    path("portefeuille/", views.portfolio, name="portfolio"),
    path("portefeuille/personnes/<int:pk>/", views.detail, name="detail"),
    path("portefeuille/personnes/<int:pk>/coordonnees/", views.contact_edit, name="contact_edit"),
    path(
        "portefeuille/personnes/<int:pk>/contacts/nouveau/",
        views.outreach_create,
        name="outreach_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/nouveau/",
        followup_views.interview_create_view,
        name="interview_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/",
        followup_views.interview_list_view,
        name="interview_list",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/<int:interview_pk>/modifier/",
        followup_views.interview_edit_view,
        name="interview_edit",
    ),
    path(
        "portefeuille/personnes/<int:pk>/etape/",
        followup_views.pathway_advance_view,
        name="advance",
    ),
    path(
        "portefeuille/personnes/<int:pk>/contrat/nouveau/",
        followup_views.contract_create_view,
        name="contract_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/prescrire/<int:offer_pk>/",
        followup_views.prescribe_view,
        name="prescribe",
    ),
    path(
        "portefeuille/personnes/<int:pk>/prescriptions/<int:prescription_pk>/statut/",
        followup_views.prescription_status_view,
        name="prescription_status",
    ),
    path("offre-de-service/", followup_views.catalogue, name="catalogue"),
]
