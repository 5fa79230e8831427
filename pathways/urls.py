from django.urls import path

from pathways import views

app_name = "pathways"

urlpatterns = [
    path(
        "portefeuille/personnes/<int:pk>/entretiens/nouveau/",
        views.interview_create_view,
        name="interview_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/",
        views.interview_list_view,
        name="interview_list",
    ),
    path(
        "portefeuille/personnes/<int:pk>/entretiens/<int:interview_pk>/modifier/",
        views.interview_edit_view,
        name="interview_edit",
    ),
    path("portefeuille/personnes/<int:pk>/etape/", views.pathway_advance_view, name="advance"),
    path(
        "portefeuille/personnes/<int:pk>/contrat/nouveau/",
        views.contract_create_view,
        name="contract_create",
    ),
    path(
        "portefeuille/personnes/<int:pk>/prescrire/<int:offer_pk>/",
        views.prescribe_view,
        name="prescribe",
    ),
    path(
        "portefeuille/personnes/<int:pk>/prescriptions/<int:prescription_pk>/statut/",
        views.prescription_status_view,
        name="prescription_status",
    ),
    path("offre-de-service/", views.catalogue, name="catalogue"),
    path("delais/depasses/", views.overdue, name="overdue"),
]
