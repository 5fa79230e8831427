"""Forms of the record's sections that referents could read but not write:
health notes (and the disability recognition) and the consent to reinforced
accompaniment."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.enums import ConsentChannel, ConsentDecision
from beneficiaries.models import HealthNote


class HealthNoteForm(forms.ModelForm):
    class Meta:
        model = HealthNote
        fields = ["text", "disability_recognised"]
        labels = {
            "text": _("Note de santé"),
            "disability_recognised": _(
                "Reconnaissance de la qualité de travailleur handicapé (RQTH)"
            ),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ConsentForm(forms.Form):
    """The person's answer about reinforced accompaniment (the service
    refuses a withdrawal when there is no consent to withdraw)."""

    decision = forms.ChoiceField(label=_("Décision"), choices=ConsentDecision.choices)
    occurred_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(label=_("Exprimé par"), choices=ConsentChannel.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
