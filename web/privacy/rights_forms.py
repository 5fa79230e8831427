"""Forms of a person's RGPD rights page: they read the input; the rules
(who may record, dates) live in `privacy.restrictions`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.enums import RestrictionKind
from web.workspace.record_forms import date_field


class RestrictionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Demande de la personne"),
        choices=RestrictionKind.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif donné par la personne"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requested_on = date_field(_("Demandée le"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"requested_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class LiftForm(forms.Form):
    lifted_on = date_field(_("Levée le"))
    lift_reason = forms.CharField(label=_("Motif de la levée"), max_length=500, required=False)
