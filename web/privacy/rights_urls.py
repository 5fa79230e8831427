from django.urls import path

from web.privacy import rights_views

app_name = "privacy"

urlpatterns = [
    path("personnes/<int:pk>/", rights_views.person_rights, name="person"),
    path(
        "personnes/<int:pk>/opposition/", rights_views.restriction_create, name="restriction_create"
    ),
    path("personnes/<int:pk>/export/", rights_views.person_export, name="person_export"),
    path("demandes/<int:pk>/lever/", rights_views.restriction_lift_view, name="restriction_lift"),
    path("exports/", rights_views.export_list, name="exports"),
    path("exports/<uuid:pk>/", rights_views.export_download, name="export_download"),
]
