"""The dashboard's period and filters, read from the query string (GET), so
that a filtered dashboard has its own URL (bookmarkable; no personal data)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseload.enums import Programme, StaffRole
from pathways.enums import Stage
from stats.figures import default_period

MAX_PERIOD_DAYS = 366 * 5


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
    structure = forms.TypedChoiceField(
        label=_("Structure"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Les personnes suivies sur la période par un professionnel de la structure."),
    )
    role = forms.ChoiceField(
        label=_("Rôle du référent"),
        required=False,
        choices=[("", _("Tous les rôles"))]
        + [(r.value, r.label) for r in StaffRole.referent_roles()],
    )

    renforts = forms.IntegerField(
        label=_("Simulation : référents en plus"),
        required=False,
        min_value=0,
        max_value=50,
        help_text=_("Référents à temps plein ajoutés à chaque groupe de la prévision."),
    )
    plafond = forms.IntegerField(
        label=_("Simulation : plafond"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Plafond à temps plein à la place du plafond actuel."),
    )
    flux = forms.IntegerField(
        label=_("Simulation : flux d'entrée (%)"),
        required=False,
        min_value=-100,
        max_value=500,
        help_text=_("Variation des arrivées hebdomadaires, en pourcentage (−20, +30…)."),
    )

    def __init__(self, *args, territories=(), structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [("", _("Tous mes territoires"))] + [
            (t.pk, t.name) for t in territories
        ]
        self.fields["structure"].choices = [("", _("Toutes les structures"))] + [
            (s.pk, s.name) for s in structures
        ]
        for name, field in self.fields.items():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs["class"] = css
            described = []
            if field.help_text:
                described.append(f"id_{name}-aide")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def mark_errors(self):
        """Flag the fields in error for assistive technologies (after validation)."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = (
                    attrs.get("aria-describedby", "") + f" id_{name}-erreur"
                ).strip()

    def clean(self):
        data = super().clean()
        start, end = default_period()
        data["debut"] = data.get("debut") or start
        data["fin"] = data.get("fin") or end
        data["scenario"] = {
            "added_staff": data.get("renforts") or 0,
            "cap": data.get("plafond") or None,
            "inflow_change_percent": data.get("flux") or 0,
        }
        if data["fin"] <= data["debut"]:
            self.add_error("fin", _("La fin de la période doit suivre son début."))
        elif (data["fin"] - data["debut"]).days > MAX_PERIOD_DAYS:
            self.add_error("fin", _("La période compte cinq ans au plus."))
        return data
