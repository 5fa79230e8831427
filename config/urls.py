from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("portefeuille/", include("beneficiaries.urls")),
    path("equipe/", include("caseload.urls")),
    path("admin/", admin.site.urls),
]
