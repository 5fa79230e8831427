from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, with autocomplete hints for password managers."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class SecondFactorCodeForm(forms.Form):
    """A code from the authentication application, or a recovery code."""

    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=20,
        help_text=_(
            "Les 6 chiffres affichés par votre application d'authentification, ou un de vos codes de secours."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class TotpConfirmForm(forms.Form):
    """The first code of a new application, to prove it is set up."""

    code = forms.CharField(
        label=_("Code affiché par l'application"),
        max_length=10,
        help_text=_("6 chiffres, sans espace."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )
