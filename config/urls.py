from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from web.accounts import password_views
from web.accounts import views as account_views
from web.health import views as health_views

admin.site.site_header = "Parcours RSA — administration"
admin.site.site_title = "Parcours RSA"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", health_views.healthz, name="healthz"),
    path(
        "connexion/",
        account_views.LoginView.as_view(),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        password_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("compte/", include("web.accounts.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("web.workspace.urls")),
    path("", include("web.console.urls")),
    path("notifications/", include("web.notifications.urls")),
    path("imports/", include("web.imports.urls")),
    path("statistiques/", include("web.stats.urls")),
    path("", include("web.appointments.urls")),
    path("rdv/", include("web.appointments.link_urls")),
    path("audit/", include("web.audit_views")),
    path("rgpd/", include("web.privacy.rights_urls")),
    path("admin/", admin.site.urls),
]
