"""Forms of the manager console. They validate input only; the rules (caps,
agreements, reasons) live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseload.enums import AssignmentEndReason, Programme, StaffRole
from pathways.enums import Orientation, Stage

REASON_MAX = 500


def _reason(label, required=False):
    return forms.CharField(label=label, max_length=REASON_MAX, required=required, strip=True)


class TeamFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rôle"),
        required=False,
        choices=[("", _("Tous les rôles"))]
        + [(r.value, r.label) for r in StaffRole.referent_roles()],
    )
    programme = forms.ChoiceField(
        label=_("Dispositif"),
        required=False,
        choices=[("", _("Tous les dispositifs")), *Programme.choices],
    )
    structure = forms.TypedChoiceField(label=_("Structure"), required=False, coerce=int)

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = [("", _("Toutes les structures"))] + [
            (s.pk, s.name) for s in structures
        ]


class AssignForm(forms.Form):
    staff = forms.IntegerField(label=_("Référent"), min_value=1)
    reason = _reason(_("Motif"))
    over_cap_reason = _reason(_("Motif du dépassement de plafond (chef de service)"))


class ReassignForm(AssignForm):
    end_reason = forms.ChoiceField(
        label=_("Motif de fin"),
        choices=AssignmentEndReason.choices,
        initial=AssignmentEndReason.REBALANCING,
    )


class EndForm(forms.Form):
    end_reason = forms.ChoiceField(label=_("Motif de fin"), choices=AssignmentEndReason.choices)
    detail = _reason(_("Précision"))


class OrientationForm(forms.Form):
    orientation = forms.ChoiceField(label=_("Orientation"), choices=Orientation.choices)
    programme = forms.ChoiceField(label=_("Dispositif"), choices=Programme.choices)
    starting_stage = forms.ChoiceField(
        label=_("Étape de départ"),
        choices=[(s.value, s.label) for s in (Stage.SOCIAL, Stage.SOCIOPRO, Stage.EMPLOYMENT)],
    )
    reason = _reason(_("Motif (obligatoire pour une réorientation)"))


class EnrolForm(forms.Form):
    binome = forms.IntegerField(label=_("Binôme"), min_value=1)
    advisor_agrees = forms.BooleanField(
        label=_("Le conseiller France Travail donne son accord"), required=False
    )
    social_worker_agrees = forms.BooleanField(
        label=_("Le travailleur social donne son accord"), required=False
    )
    reason = _reason(_("Motif"))
    over_cap_reason = _reason(_("Motif du dépassement de plafond (chef de service)"))


class BinomeForm(forms.Form):
    pe_advisor = forms.IntegerField(label=_("Conseiller France Travail"), min_value=1)
    social_worker = forms.IntegerField(label=_("Travailleur social"), min_value=1)


class RefuseForm(forms.Form):
    reason = _reason(_("Motif du refus"), required=True)


class AcceptForm(AssignForm):
    pass


def errors_text(form):
    """The form's errors as one French sentence per field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label} : {' '.join(errors)}" if label else " ".join(errors))
    return " ".join(parts)
