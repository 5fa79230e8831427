"""The filters of the workspace's lists: the portfolio and the service
catalogue. The forms written from a person's record are in `record_forms`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.enums import BarrierKind
from caseload.enums import Programme
from pathways import portfolio
from pathways.enums import DeadlineState, OfferTheme, Stage

DEADLINE_STATUS_CHOICES = [
    ("", _("Tous")),
    (DeadlineState.OVERDUE.value, DeadlineState.OVERDUE.label),
    (DeadlineState.DUE_SOON.value, DeadlineState.DUE_SOON.label),
    ("entry_pending", _("Entrée en parcours à faire")),
    ("entry_met", _("Entrée en parcours effectuée")),
]


class PortfolioFilterForm(forms.Form):
    """The portfolio's search and filters, read from the query string so that
    every filtered list has its own (bookmarkable) URL."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, prénom, n° allocataire CAF ou commune"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    stage = forms.ChoiceField(
        label=_("Étape"), required=False, choices=[("", _("Toutes"))] + list(Stage.choices)
    )
    programme = forms.ChoiceField(
        label=_("Dispositif"), required=False, choices=[("", _("Tous"))] + list(Programme.choices)
    )
    barrier = forms.ChoiceField(
        label=_("Frein non levé"),
        required=False,
        choices=[("", _("Tous"))] + list(BarrierKind.choices),
    )
    deadline = forms.ChoiceField(label=_("Délais"), required=False, choices=DEADLINE_STATUS_CHOICES)
    no_interview_days = forms.IntegerField(
        label=_("Jours sans entretien"),
        help_text=_("Aucun entretien réalisé depuis ce nombre de jours"),
        required=False,
        min_value=1,
        max_value=3650,
    )

    tag = forms.TypedChoiceField(label=_("Étiquette"), required=False, coerce=int)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Toutes"))] + [(t.pk, t.name) for t in tags]
        if len(self.fields["tag"].choices) == 1:
            # A Département without tags gets no tag filter.
            del self.fields["tag"]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            field.widget.attrs["class"] = css

    def filter(self, queryset, today):
        """Apply the valid filters (an invalid one is ignored and shown in error)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("stage"):
            queryset = portfolio.in_stage(queryset, data["stage"])
        if data.get("programme"):
            queryset = portfolio.in_programme(queryset, data["programme"])
        if data.get("barrier"):
            queryset = queryset.with_open_barrier(data["barrier"])
        if data.get("deadline"):
            queryset = portfolio.with_deadline_status(queryset, data["deadline"], today)
        if data.get("tag"):
            queryset = queryset.with_tag(data["tag"])
        if data.get("no_interview_days"):
            queryset = portfolio.without_interview_since(queryset, data["no_interview_days"], today)
        return queryset

    @property
    def is_filtered(self):
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class CatalogueFilterForm(forms.Form):
    """The catalogue's search and filters; `person` keeps the person the
    actions are being prescribed to."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    theme = forms.ChoiceField(
        label=_("Thème"), required=False, choices=[("", _("Tous"))] + list(OfferTheme.choices)
    )
    territory = forms.TypedChoiceField(
        label=_("Territoire"), required=False, coerce=int, empty_value=None, choices=[]
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [("", _("Tous"))] + [(t.pk, t.name) for t in territories]
