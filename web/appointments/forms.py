import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.channels import slot_facts
from appointments.enums import Attendance, Channel, SlotKind
from appointments.models import Place


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        facts = slot_facts(slot)
        referent = slot.referent.user.get_full_name() or slot.referent.user.username
        label = f"{facts['date']} {facts['time']} — {facts['place']} — {referent}"
        if slot.kind == SlotKind.COLLECTIVE:
            label += " — " + str(_("séance collective, %(n)s place(s) libre(s)")) % {
                "n": slot.free_places
            }
        return label


class ChannelsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            choices=Channel.choices,
            label=_("Convoquer par"),
            error_messages={"required": _("Choisissez au moins un moyen de convocation.")},
            **kwargs,
        )


class ConvokeForm(forms.Form):
    slot = SlotChoiceField(
        queryset=None,
        label=_("Créneau"),
        empty_label=None,
        help_text=_("Les lieux les plus proches de la commune de la personne d'abord."),
        error_messages={
            "invalid_choice": _("Ce créneau n'est plus libre : choisissez-en un autre.")
        },
    )
    channels = ChannelsField()

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].widget.attrs["class"] = "form-select"


class BatchConvokeForm(forms.Form):
    channels = ChannelsField()


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(choices=Attendance.choices, label=_("Présence"))


class SlotForm(forms.Form):
    place = forms.ModelChoiceField(queryset=Place.objects.none(), label=_("Lieu"))
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}))
    kind = forms.ChoiceField(choices=SlotKind.choices, label=_("Type"))
    capacity = forms.IntegerField(
        label=_("Places (séance collective)"), min_value=1, max_value=200, initial=1
    )
    title = forms.CharField(label=_("Intitulé (séance collective)"), required=False, max_length=150)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            tz = timezone.get_current_timezone()
            data["starts_at"] = datetime.datetime.combine(day, start, tzinfo=tz)
            data["ends_at"] = datetime.datetime.combine(day, end, tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("La fin du créneau doit suivre son début."))
            elif data["starts_at"] <= timezone.now():
                self.add_error("day", _("Un créneau se crée dans le futur."))
        return data


class InviteForm(forms.Form):
    channels = forms.MultipleChoiceField(
        choices=[(c, label) for c, label in Channel.choices if c != Channel.LETTER],
        widget=forms.CheckboxSelectMultiple,
        label=_("Inviter par"),
        error_messages={"required": _("Choisissez au moins un moyen de contact.")},
    )


class RescheduleForm(forms.Form):
    slot = SlotChoiceField(
        queryset=None,
        label=_("Nouveau créneau"),
        empty_label=None,
        error_messages={
            "invalid_choice": _("Ce créneau n'est plus libre : choisissez-en un autre.")
        },
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].widget.attrs["class"] = "form-select"


class FlagCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Suite donnée"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Dites en quelques mots la suite donnée.")},
    )
