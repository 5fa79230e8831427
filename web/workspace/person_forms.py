"""Forms of the record's sections that referents could read but not write:
health notes (and the disability recognition) and the consent to reinforced
accompaniment."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
