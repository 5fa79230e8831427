from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views

admin.site.site_header = "Parcours RSA — administration"
admin.site.site_title = "Parcours RSA"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "connexion/",
        core_views.LoginView.as_view(),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("portefeuille/", include("beneficiaries.urls")),
    path("equipe/", include("caseload.urls")),
    path("notifications/", include("core.urls")),
    path("", include("pathways.urls")),
    path("imports/", include("beneficiaries.imports.urls")),
    path("admin/", admin.site.urls),
]
