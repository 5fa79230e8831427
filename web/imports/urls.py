from django.urls import path

from web.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("nouveau/", views.import_new, name="new"),
    path("correspondances/", views.mapping_list, name="mappings"),
    path("correspondances/<int:pk>/renommer/", views.mapping_rename, name="mapping_rename"),
    path("correspondances/<int:pk>/supprimer/", views.mapping_delete, name="mapping_delete"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/colonnes/", views.import_columns, name="columns"),
    path("<int:pk>/progression/", views.import_progress, name="progress"),
    path("<int:pk>/confirmer/", views.import_confirm, name="confirm"),
    path("<int:pk>/annuler/", views.import_cancel, name="cancel"),
    path("<int:pk>/lignes/<int:issue_pk>/corriger/", views.import_row_fix, name="row_fix"),
    path(
        "<int:pk>/lignes/<int:issue_pk>/trancher/",
        views.import_match_decide,
        name="match_decide",
    ),
    path(
        "<int:pk>/lignes-rejetees.csv", views.import_rejected, {"fmt": "csv"}, name="rejected_csv"
    ),
    path(
        "<int:pk>/lignes-rejetees.xlsx",
        views.import_rejected,
        {"fmt": "xlsx"},
        name="rejected_xlsx",
    ),
]
