from django.urls import path

from web.accounts import two_factor

app_name = "accounts"

urlpatterns = [
    path("securite/", two_factor.security, name="security"),
    path("double-authentification/", two_factor.two_factor_verify, name="two_factor_verify"),
    path(
        "double-authentification/configurer/",
        two_factor.two_factor_setup,
        name="two_factor_setup",
    ),
    path(
        "double-authentification/codes-de-secours/",
        two_factor.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "double-authentification/codes-de-secours/nouveaux/",
        two_factor.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "double-authentification/desactiver/",
        two_factor.two_factor_disable,
        name="two_factor_disable",
    ),
    path(
        "double-authentification/comptes/",
        two_factor.two_factor_accounts,
        name="two_factor_accounts",
    ),
    path(
        "double-authentification/comptes/<int:user_id>/reinitialiser/",
        two_factor.two_factor_reset,
        name="two_factor_reset",
    ),
]
