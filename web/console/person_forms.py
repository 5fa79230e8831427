"""The form of a person typed in by a manager or an admin. It reads the
input; the checks (the import's rules) and the matching live in
`intake.manual`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.enums import Civility, HouseholdRole
from caseload.models import Commune, Territory


def _date(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PersonCreateForm(forms.Form):
    caf_number = forms.CharField(label=_("N° allocataire CAF"), max_length=20)
    household_role = forms.ChoiceField(label=_("Rôle dans le foyer"), choices=HouseholdRole.choices)
    nir = forms.CharField(
        label=_("NIR"),
        required=False,
        max_length=21,
        help_text=_("15 caractères avec la clé, si la personne le connaît."),
    )
    civility = forms.ChoiceField(
        label=_("Civilité"), required=False, choices=[("", "—"), *Civility.choices]
    )
    last_name = forms.CharField(label=_("Nom d'usage"), max_length=150)
    birth_name = forms.CharField(label=_("Nom de naissance"), required=False, max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    birth_date = _date(_("Date de naissance"))
    rsa_application_date = _date(_("Date de la demande de RSA"), required=True)
    rights_opening_date = _date(_("Date d'ouverture des droits"))
    territory = forms.ModelChoiceField(
        label=_("Territoire"), queryset=Territory.objects.none(), required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False
    )
    address_line = forms.CharField(label=_("Adresse"), required=False, max_length=255)
    postcode = forms.CharField(label=_("Code postal"), required=False, max_length=10)
    city = forms.CharField(label=_("Ville"), required=False, max_length=150)
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(label=_("Courriel"), required=False, max_length=254)
    confirm_duplicate = forms.BooleanField(
        label=_("Je confirme qu'il s'agit d'une autre personne"), required=False
    )

    def __init__(self, *args, territories, territory_required, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories.order_by("name", "pk")
        self.fields["territory"].required = territory_required
        self.fields["commune"].queryset = (
            Commune.objects.filter(territory__in=territories)
            .select_related("territory")
            .order_by("name", "pk")
        )
