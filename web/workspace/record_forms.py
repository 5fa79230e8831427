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
from core import date_ranges
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
from pathways.services.followup import (
    NOTES_MAX_LENGTH,
    contract_dates_errors,
    interview_dates_errors,
)

HOURS_ERRORS = {
    "min_value": _("Les heures par semaine sont comprises entre 0 et 35."),
    "max_value": _("Les heures par semaine sont comprises entre 0 et 35."),
    "invalid": _("Indiquez un nombre d'heures."),
}
OUTREACH_DATE_LABEL = _("Date de la tentative de contact")
UNKNOWN_OFFER = _("Cette action n'existe pas dans l'offre de service de la personne.")


def date_input(bounds=None):
    """A date picker; `bounds` (low, high) become its min and max."""
    attrs = {"type": "date", **date_ranges.input_attrs(bounds or date_ranges.db_range())}
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required=True, field_label=None, **kwargs):
    """A date field held within the database's fixed bounds (1900–2200), with
    a French message naming the field (`field_label`, by default its label);
    the forms add their own rules."""
    return forms.DateField(
        label=label,
        required=required,
        widget=date_input(),
        validators=[
            date_ranges.range_validator(date_ranges.db_range(), field_label=field_label or label)
        ],
        **kwargs,
    )


def add_errors(form, errors):
    """Put a rule's errors (field → message) on the form's fields."""
    for name, message in errors.items():
        if name not in form.errors:
            form.add_error(name, message)


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
    version field carries the edited interview's version (edits only).

    The dates follow `pathways.services.followup.interview_dates_errors`
    (given `person`; `interview` for an edit, whose unchanged dates stay)."""

    occurred_on = date_field(_("Date de l'entretien"))
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
        validators=[
            date_ranges.range_validator(
                date_ranges.db_range(), field_label=_("Prochain rendez-vous")
            )
        ],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        person=None,
        interview=None,
        attendee_choices=None,
        with_barriers=False,
        barriers=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.person = person
        self.interview = interview
        today = timezone.localdate()
        low, _high = date_ranges.held_interview_range(
            today, person.rsa_application_date if person else None
        )
        if interview is not None:
            low = min(low, interview.occurred_on)
        self.fields["occurred_on"].widget.attrs.update(
            date_ranges.input_attrs((low, date_ranges.add_years(today, date_ranges.AHEAD_YEARS)))
        )
        soonest, latest = date_ranges.next_appointment_range(today)
        self.fields["next_appointment_at"].widget.attrs.update(
            {"min": f"{soonest:%Y-%m-%d}T00:00", "max": f"{latest:%Y-%m-%d}T23:59"}
        )
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

    def clean(self):
        data = super().clean()
        if self.person is not None and data.get("occurred_on") and data.get("status"):
            add_errors(
                self,
                interview_dates_errors(
                    beneficiary=self.person,
                    occurred_on=data["occurred_on"],
                    status=data["status"],
                    next_appointment_at=data.get("next_appointment_at"),
                    unchanged=(
                        {
                            "occurred_on": self.interview.occurred_on,
                            "next_appointment_at": self.interview.next_appointment_at,
                        }
                        if self.interview is not None
                        else None
                    ),
                ),
            )
        return data


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
    """A contract. `renews` carries the current contract the form was opened
    on (empty for a first one): a second form open on the same contract, or a
    double submit, is refused instead of making two contracts."""

    kind = forms.ChoiceField(
        label=_("Type"), choices=ContractKind.choices, initial=ContractKind.CONTRAT_ENGAGEMENT
    )
    signed_on = date_field(_("Signé le"))
    review_on = date_field(_("À réexaminer le"))
    weekly_hours = hours_field(label=_("Heures d'activité par semaine"), initial=Decimal("15"))
    hours_reduction_reason = forms.ChoiceField(
        label=_("Motif de réduction des heures"),
        required=False,
        choices=HoursReductionReason.choices,
        help_text=_("Obligatoire sous 15 heures par semaine."),
    )
    hours_reduction_detail = forms.CharField(label=_("Précision"), required=False, max_length=255)
    renews = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].widget.attrs.update(
            date_ranges.input_attrs(date_ranges.contract_signature_range(timezone.localdate()))
        )

    def clean(self):
        data = super().clean()
        if data.get("signed_on") and data.get("review_on"):
            add_errors(
                self,
                contract_dates_errors(signed_on=data["signed_on"], review_on=data["review_on"]),
            )
        return data


class ObjectiveForm(forms.Form):
    label = forms.CharField(label=_("Objectif"), required=False, max_length=255)
    state = forms.ChoiceField(
        label=_("État"), choices=ObjectiveState.choices, initial=ObjectiveState.OPEN
    )


ObjectiveFormSet = forms.formset_factory(ObjectiveForm, extra=2, max_num=10)


class PrescribeForm(forms.Form):
    hours_per_week = hours_field()
    starts_on = date_field(_("Début"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].widget.attrs.update(
            date_ranges.input_attrs(date_ranges.prescription_start_range(timezone.localdate()))
        )

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        date_ranges.check_range(
            starts_on,
            date_ranges.prescription_start_range(timezone.localdate()),
            field_label=self.fields["starts_on"].label,
        )
        return starts_on


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
    attempted_on = date_field(
        _("Date"), field_label=OUTREACH_DATE_LABEL, initial=timezone.localdate
    )
    notes = forms.CharField(
        label=_("Remarques"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["attempted_on"].widget.attrs.update(date_ranges.input_attrs(self._bounds()))

    def _bounds(self):
        return date_ranges.outreach_range(
            timezone.localdate(), self.person.rsa_application_date if self.person else None
        )

    def clean_attempted_on(self):
        attempted_on = self.cleaned_data["attempted_on"]
        if attempted_on > timezone.localdate():
            raise forms.ValidationError(_("Une tentative de contact ne peut être future."))
        date_ranges.check_range(attempted_on, self._bounds(), field_label=OUTREACH_DATE_LABEL)
        return attempted_on
