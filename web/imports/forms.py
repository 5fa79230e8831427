from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from intake.imports.columns import FIELDS, missing_required, normalise_header


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des demandeurs"),
        help_text=_(
            "CSV (séparateur point-virgule, virgule ou tabulation) ou classeur Excel .xlsx."
        ),
    )
    mapping = forms.ModelChoiceField(
        label=_("Correspondance de colonnes enregistrée"),
        queryset=None,
        required=False,
        empty_label=_("Reconnaître les colonnes automatiquement"),
    )

    def __init__(self, *args, mappings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = mappings
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.txt,.xlsx,text/csv,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(size)s Mo.")
                % {"size": limit // (1024 * 1024)}
            )
        if uploaded.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        return uploaded


class ColumnsForm(forms.Form):
    """One choice per column of the file, and the sheet for a workbook."""

    save_as = forms.CharField(
        label=_("Enregistrer cette correspondance pour la prochaine fois sous le nom"),
        help_text=_("Par exemple « CAF — flux mensuel ». Laissez vide pour ne pas l'enregistrer."),
        max_length=100,
        required=False,
    )

    def __init__(self, *args, applicant_import, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant_import = applicant_import
        choices = [("", _("— colonne ignorée —"))] + [
            (name, label) for name, (label, _required) in FIELDS.items()
        ]
        self.column_fields = []
        for position, header in enumerate(applicant_import.headers):
            key = normalise_header(header)
            if not key:
                continue
            name = f"col_{position}"
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=applicant_import.columns.get(key, ""),
            )
            self.column_fields.append((name, key))
        if applicant_import.mapping and not self.is_bound:
            self.fields["save_as"].initial = applicant_import.mapping.name

    def column_rows(self):
        return [self[name] for name, _key in self.column_fields]

    def clean(self):
        cleaned = super().clean()
        columns, used = {}, {}
        for name, key in self.column_fields:
            target = cleaned.get(name, "")
            if target and target in used:
                self.add_error(
                    name,
                    _("Le champ « %(field)s » est déjà donné par la colonne « %(other)s ».")
                    % {"field": FIELDS[target][0], "other": used[target]},
                )
            elif target:
                used[target] = self.fields[name].label
            if key not in columns or target:
                columns[key] = target
        missing = missing_required(columns, self.applicant_import.kind)
        if missing:
            raise forms.ValidationError(
                _("Colonnes obligatoires à indiquer : %(fields)s.")
                % {"fields": ", ".join(str(FIELDS[name][0]) for name in missing)}
            )
        cleaned["columns"] = columns
        return cleaned


class SheetForm(forms.Form):
    sheet = forms.ChoiceField(label=_("Feuille du classeur"))

    def __init__(self, *args, sheet_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheet_names]


class MappingRenameForm(forms.Form):
    name = forms.CharField(label=_("Nom de la source"), max_length=100)


class RowFixForm(forms.Form):
    """The cells of a rejected row, one field per column of the file."""

    def __init__(self, *args, headers, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell_names = []
        for position, header in enumerate(headers):
            name = f"cell_{position}"
            self.fields[name] = forms.CharField(
                label=" ".join(str(header).split()) or _("(colonne sans titre)"),
                required=False,
                max_length=500,
                initial=cells[position] if position < len(cells) else "",
            )
            self.cell_names.append(name)

    def cells(self):
        return [self.cleaned_data.get(name, "") for name in self.cell_names]
