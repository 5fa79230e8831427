"""Forms of the manager console. They validate input only; the rules (caps,
agreements, reasons) live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caseload.enums import AssignmentEndReason, Programme, StaffRole
from pathways.enums import Orientation, Stage
from pathways.selectors import (
    QUEUE_DEADLINE_DUE_SOON,
    QUEUE_DEADLINE_LATER,
    QUEUE_DEADLINE_NONE,
    QUEUE_DEADLINE_OVERDUE,
    QUEUE_NOT_ORIENTED,
)

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


class QueueFilterForm(forms.Form):
    """The queue's search and filters, read from the query string (GET) so
    that a filtered page has its own URL, kept by the browser's history and
    the pagination. The search terms (names, CAF numbers) are never logged:
    Django logs the path of a request without its query string."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, prénom, n° allocataire CAF ou commune"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    territory = forms.TypedChoiceField(label=_("Territoire"), required=False, coerce=int)
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int)
    programme = forms.ChoiceField(
        label=_("Dispositif"),
        required=False,
        choices=[("", _("Tous les dispositifs")), *Programme.choices],
    )
    deadline = forms.ChoiceField(
        label=_("Échéance"),
        required=False,
        choices=[
            ("", _("Toutes les échéances")),
            (QUEUE_DEADLINE_OVERDUE, _("Dépassée")),
            (QUEUE_DEADLINE_DUE_SOON, _("Échéance proche")),
            (QUEUE_DEADLINE_LATER, _("Plus tard")),
            (QUEUE_DEADLINE_NONE, _("Sans échéance")),
        ],
    )
    orientation = forms.ChoiceField(
        label=_("Orientation"),
        required=False,
        choices=[
            ("", _("Toutes les orientations")),
            *Orientation.choices,
            (QUEUE_NOT_ORIENTED, _("Pas encore orientée")),
        ],
    )

    tag = forms.TypedChoiceField(label=_("Étiquette"), required=False, coerce=int)

    def __init__(self, *args, territories=(), communes=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Toutes les étiquettes"))] + [
            (t.pk, t.name) for t in tags
        ]
        if len(self.fields["tag"].choices) == 1:
            # A Département without tags gets no tag filter.
            del self.fields["tag"]
        self.fields["territory"].choices = [("", _("Tous mes territoires"))] + [
            (t.pk, t.name) for t in territories
        ]
        self.fields["commune"].choices = [("", _("Toutes les communes"))] + [
            (c.pk, str(c)) for c in communes
        ]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            field.widget.attrs["class"] = css

    def filters(self):
        """The keyword arguments of `unassigned_queue` for the valid filters
        (a wrong one is left out and shown in error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "territory_id": data.get("territory") or None,
            "commune_id": data.get("commune") or None,
            "programme": data.get("programme") or None,
            "deadline": data.get("deadline") or None,
            "orientation": data.get("orientation") or None,
            "tag_id": data.get("tag") or None,
        }

    @property
    def is_filtered(self):
        return self.is_bound and any(self.data.get(name) for name in self.fields)


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


CAP_MIN, CAP_MAX = 1, 1000


class CapPoliciesForm(forms.Form):
    """One cap per policy of the page (`cap-<pk>`), empty for "not set". The
    form is valid only when every cap is: nothing is saved otherwise, and the
    page shows again with every value typed and an error beside each wrong one."""

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        self.policies = list(policies)
        message = _("Le plafond est un nombre entier entre %(min)s et %(max)s, ou vide.") % {
            "min": CAP_MIN,
            "max": CAP_MAX,
        }
        for policy in self.policies:
            self.fields[self.field_name(policy)] = forms.IntegerField(
                label=_("Plafond %(role)s, %(programme)s")
                % {"role": policy.get_role_display(), "programme": policy.get_programme_display()},
                required=False,
                min_value=CAP_MIN,
                max_value=CAP_MAX,
                initial=policy.cap,
                error_messages=dict.fromkeys(
                    ("invalid", "min_value", "max_value", "max_digits"), message
                ),
            )

    @staticmethod
    def field_name(policy):
        return f"cap-{policy.pk}"

    def rows(self):
        """[(policy, bound field)] in the order of the policies."""
        return [(policy, self[self.field_name(policy)]) for policy in self.policies]

    def caps(self):
        """{policy: cap or None}, once the form is valid."""
        return {policy: self.cleaned_data[self.field_name(policy)] for policy in self.policies}


def errors_text(form):
    """The form's errors as one French sentence per field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label} : {' '.join(errors)}" if label else " ".join(errors))
    return " ".join(parts)
