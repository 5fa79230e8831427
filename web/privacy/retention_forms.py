from django import forms
from django.utils.translation import gettext_lazy as _


class LegalHoldForm(forms.Form):
    """A reason to keep a person's record past its retention delay."""

    reason = forms.CharField(
        label=_("Motif de conservation"),
        max_length=500,
        help_text=_("Contentieux, enquête, recours… : ce qui oblige à garder le dossier."),
    )
    until = forms.DateField(
        label=_("Conserver jusqu'au"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
