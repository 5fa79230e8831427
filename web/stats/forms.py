"""The dashboard's period and filters, read from the query string (GET), so
that a filtered dashboard has its own URL (bookmarkable; no personal data)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseload.enums import Programme, StaffRole
from pathways.enums import Stage

MAX_PERIOD_DAYS = 366 * 5


def default_period(today=None):
    """The last twelve months, the current one included: [first day of the
    month eleven months ago, first day of next month)."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    start = datetime.date(year, (month - 1) % 12 + 1, 1)
    end = datetime.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return start, end


class StatsFilterForm(forms.Form):
    debut = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fin = forms.DateField(
        label=_("Au (exclu)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("La période va du premier jour à minuit jusqu'au second jour exclu."),
    )
    territoire = forms.TypedChoiceField(label=_("Territoire"), required=False, coerce=int)
    dispositif = forms.ChoiceField(
        label=_("Dispositif"),
        required=False,
        choices=[("", _("Tous les dispositifs")), *Programme.choices],
    )
    etape = forms.ChoiceField(
        label=_("Étape actuelle"),
        required=False,
        choices=[("", _("Toutes les étapes")), *Stage.choices],
    )
    role = forms.ChoiceField(
        label=_("Rôle du référent"),
        required=False,
        choices=[("", _("Tous les rôles"))]
        + [(r.value, r.label) for r in StaffRole.referent_roles()],
    )

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [("", _("Tous mes territoires"))] + [
            (t.pk, t.name) for t in territories
        ]

    def clean(self):
        data = super().clean()
        start, end = default_period()
        data["debut"] = data.get("debut") or start
        data["fin"] = data.get("fin") or end
        if data["fin"] <= data["debut"]:
            self.add_error("fin", _("La fin de la période doit suivre son début."))
        elif (data["fin"] - data["debut"]).days > MAX_PERIOD_DAYS:
            self.add_error("fin", _("La période compte cinq ans au plus."))
        return data
