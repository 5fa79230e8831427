"""The forms written from a person's record: contact details, outreach,
interviews (with barrier changes and prescriptions), stage, contract and its
objectives, and a prescription from the catalogue."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.enums import BarrierKind, BarrierState, OutreachChannel, OutreachResult
from beneficiaries.models import Beneficiary
from beneficiaries.validators import normalise_phone, normalise_postcode
from caseload.models import StaffProfile
from pathways.enums import (
    ContractKind,
    ExitOutcome,
    HoursReductionReason,
    InterviewKind,
    InterviewStatus,
    ObjectiveState,
    Stage,
)
from pathways.models import MAX_WEEKLY_HOURS
from pathways.services.followup import NOTES_MAX_LENGTH

HOURS_ERRORS = {
    "min_value": _("Les heures par semaine sont comprises entre 0 et 35."),
    "max_value": _("Les heures par semaine sont comprises entre 0 et 35."),
    "invalid": _("Indiquez un nombre d'heures."),
}
UNKNOWN_OFFER = _("Cette action n'existe pas dans l'offre de service de la personne.")


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


HOURS_LABEL = _("Heures par semaine")


def hours_field(label=HOURS_LABEL, required=True, **kwargs):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=MAX_WEEKLY_HOURS,
        max_digits=4,
        decimal_places=1,
        error_messages=HOURS_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
        **kwargs,
    )


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        where = obj.territory.name if obj.territory_id else _("tout le Département")
        return f"{obj.title} — {obj.provider} ({where})"


class InterviewForm(forms.Form):
    """An interview: date, kind, attendees, notes, next appointment. The
    version field carries the edited interview's version (edits only)."""

    occurred_on = forms.DateField(label=_("Date de l'entretien"), widget=date_input())
    kind = forms.ChoiceField(label=_("Type"), choices=InterviewKind.choices)
    status = forms.ChoiceField(
        label=_("Statut"), choices=InterviewStatus.choices, initial=InterviewStatus.HELD
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Professionnels présents"),
        queryset=StaffProfile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label=_("Autres participants"), required=False, max_length=255
    )
    notes = forms.CharField(
        label=_("Compte rendu"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_appointment_at = forms.DateTimeField(
        label=_("Prochain rendez-vous"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, attendee_choices=None, with_barriers=False, barriers=(), **kwargs):
        super().__init__(*args, **kwargs)
        if attendee_choices is not None:
            self.fields["attendees"].queryset = attendee_choices
        self.barrier_field_names = []
        if with_barriers:
            current = {barrier.kind: barrier for barrier in barriers}
            for kind, label in BarrierKind.choices:
                name = f"barrier_{kind}"
                barrier = current.get(kind)
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", _("Pas de changement"))] + list(BarrierState.choices),
                    help_text=(
                        _("Actuellement : %(state)s") % {"state": barrier.get_state_display()}
                        if barrier
                        else _("Non identifié")
                    ),
                )
                self.barrier_field_names.append(name)

    @property
    def barrier_fields(self):
        return [self[name] for name in self.barrier_field_names]

    def barrier_changes(self):
        return {
            name.removeprefix("barrier_"): self.cleaned_data.get(name)
            for name in self.barrier_field_names
            if self.cleaned_data.get(name)
        }

    def clean_occurred_on(self):
        occurred_on = self.cleaned_data["occurred_on"]
        status = self.data.get(self.add_prefix("status"))
        if status != InterviewStatus.PLANNED and occurred_on > timezone.localdate():
            raise forms.ValidationError(
                _("Un entretien réalisé ou non honoré ne peut pas être daté dans le futur.")
            )
        return occurred_on


class PrescriptionLineForm(forms.Form):
    offer = OfferChoiceField(
        label=_("Action de l'offre de service"),
        queryset=None,
        required=False,
        empty_label=_("— aucune —"),
        error_messages={"invalid_choice": UNKNOWN_OFFER},
    )
    hours_per_week = hours_field(required=False)

    def __init__(self, *args, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers

    def clean(self):
        data = super().clean()
        if data.get("offer") and data.get("hours_per_week") is None:
            self.add_error("hours_per_week", _("Indiquez les heures par semaine de l'action."))
        return data


PrescriptionFormSet = forms.formset_factory(PrescriptionLineForm, extra=2, max_num=5)


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(
        label=_("Nouvelle étape"),
        choices=[(value, label) for value, label in Stage.choices if value != Stage.PENDING],
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=500,
        help_text=_("Obligatoire pour un retour à une étape antérieure."),
    )
    outcome = forms.ChoiceField(
        label=_("Issue (pour une sortie)"),
        required=False,
        choices=[("", "—")] + list(ExitOutcome.choices),
    )
    outcome_detail = forms.CharField(
        label=_("Précision sur la sortie"), required=False, max_length=255
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput)


class ContractForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=ContractKind.choices, initial=ContractKind.CONTRAT_ENGAGEMENT
    )
    signed_on = forms.DateField(label=_("Signé le"), widget=date_input())
    review_on = forms.DateField(label=_("À réexaminer le"), widget=date_input())
    weekly_hours = hours_field(label=_("Heures d'activité par semaine"), initial=Decimal("15"))
    hours_reduction_reason = forms.ChoiceField(
        label=_("Motif de réduction des heures"),
        required=False,
        choices=HoursReductionReason.choices,
        help_text=_("Obligatoire sous 15 heures par semaine."),
    )
    hours_reduction_detail = forms.CharField(label=_("Précision"), required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if (
            data.get("signed_on")
            and data.get("review_on")
            and data["review_on"] < data["signed_on"]
        ):
            self.add_error("review_on", _("Le réexamen ne peut précéder la signature."))
        return data


class ObjectiveForm(forms.Form):
    label = forms.CharField(label=_("Objectif"), required=False, max_length=255)
    state = forms.ChoiceField(
        label=_("État"), choices=ObjectiveState.choices, initial=ObjectiveState.OPEN
    )


ObjectiveFormSet = forms.formset_factory(ObjectiveForm, extra=2, max_num=10)


class PrescribeForm(forms.Form):
    hours_per_week = hours_field()
    starts_on = forms.DateField(label=_("Début"), required=False, widget=date_input())


class ContactForm(forms.ModelForm):
    """Contact details, with the version the edit started from. Phone,
    postcode and email follow the imports' rules (`beneficiaries.validators`);
    emptying every field asks for a confirmation (`erase_all`), shown only
    when the service asks for it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    erase_all = forms.BooleanField(
        label=_("Je confirme que la personne n'a plus aucune coordonnée connue"),
        required=False,
    )

    class Meta:
        model = Beneficiary
        fields = ["phone", "email", "address_line", "postcode", "city"]
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        }
        help_texts = {
            "phone": _("Fixe ou mobile, métropole ou outre-mer, par exemple 06 12 34 56 78."),
        }

    def _normalised(self, name, normalise):
        """The stored form; a refused value is kept for the model's validator
        to name the problem."""
        value = self.cleaned_data[name]
        return (normalise(value) or value) if value else value

    def clean_phone(self):
        return self._normalised("phone", normalise_phone)

    def clean_postcode(self):
        return self._normalised("postcode", normalise_postcode)

    @property
    def asks_erase_confirmation(self):
        return bool(self.errors.get("erase_all")) or bool(
            self.data.get(self.add_prefix("erase_all"))
        )


class OutreachForm(forms.Form):
    channel = forms.ChoiceField(label=_("Moyen"), choices=OutreachChannel.choices)
    result = forms.ChoiceField(label=_("Résultat"), choices=OutreachResult.choices)
    attempted_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Remarques"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
