from django import forms
from django.utils.translation import gettext_lazy as _

from pathways.enums import EmailFrequency


class EmailFrequencyForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=_("Recevoir les notifications par courriel"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
