"""The fields an import fills, and the alias table that recognises the
headers real CAF and Département exports use.

Headers are compared once normalised (`normalise_header`): lowercase, accents
removed, everything but letters and digits dropped. "N° CAF", "n caf" and
"N°-CAF" are all `ncaf`. An admin may override the table for a source by
saving a column mapping (`ColumnMapping`), reused the next time.

Alias table (documented in README.md, "Imports"):

| field | headers recognised (before normalisation) |
| --- | --- |
| caf_number | N° CAF, Numéro CAF, MATRICULE, Numéro allocataire, N° allocataire, Num allocataire |
| household_role | ROLE PERSONNE, Rôle, Rôle dans le foyer, Qualité |
| civility | Civilité, Sexe, Titre |
| last_name | Nom bénéficiaire, Nom, Nom d'usage, Nom marital |
| birth_name | Nom de naissance, Nom de jeune fille, Nom patronymique |
| first_name | Prénom, Prénoms, Prénom bénéficiaire |
| birth_date | Date de naissance, Né(e) le, DTNAI |
| rsa_application_date | DATE DEMANDE RSA, Date de demande, Date de la demande RSA |
| rights_opening_date | DATE DEBUT DROITS - DEVOIRS, Date d'ouverture des droits, Date ouverture droits, Date début droits |
| postcode_city | CP Ville, Code postal Ville, CP Commune |
| postcode | Code postal, CP |
| city | Ville, Commune, Localité |
| insee_code | Code INSEE, INSEE, Code commune |
| address_line | Adresse, Adresse postale, Adresse 1, N° et voie |
| phone | N° Téléphones, Téléphone, Téléphones, Tél, Portable, Mobile |
| email | Adresses Mails, Adresse mail, Mail, Email, E-mail, Courriel |
| nir | NIR, N° sécurité sociale, Numéro de sécurité sociale, NIR clé, N° SS |
| external_id | Identifiant, ID, Identifiant Département, Identifiant interne, N° dossier, Numéro de dossier, Réf. dossier |
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# field → (label, required)
FIELDS = {
    "caf_number": (_("N° allocataire CAF"), True),
    "household_role": (_("Rôle dans le foyer"), True),
    "civility": (_("Civilité"), False),
    "last_name": (_("Nom d'usage"), True),
    "birth_name": (_("Nom de naissance"), False),
    "first_name": (_("Prénom"), True),
    "birth_date": (_("Date de naissance"), False),
    "rsa_application_date": (_("Date de la demande de RSA"), True),
    "rights_opening_date": (_("Date d'ouverture des droits"), False),
    "postcode_city": (_("Code postal et ville (une seule cellule)"), False),
    "postcode": (_("Code postal"), False),
    "city": (_("Ville"), False),
    "insee_code": (_("Code INSEE de la commune"), False),
    "address_line": (_("Adresse"), False),
    "phone": (_("Téléphone"), False),
    "email": (_("Courriel"), False),
    "nir": (_("NIR"), False),
    "external_id": (_("Identifiant du logiciel départemental"), False),
}
REQUIRED_FIELDS = [name for name, (_label, required) in FIELDS.items() if required]

ALIASES = {
    "caf_number": [
        "N° CAF",
        "Numéro CAF",
        "MATRICULE",
        "Numéro allocataire",
        "N° allocataire",
        "Num allocataire",
        "No allocataire",
        "Numero allocataire CAF",
        "N° allocataire CAF",
    ],
    "household_role": ["ROLE PERSONNE", "Rôle", "Rôle dans le foyer", "Qualité", "Role"],
    "civility": ["Civilité", "Sexe", "Titre"],
    "last_name": ["Nom bénéficiaire", "Nom", "Nom d'usage", "Nom marital", "Nom usage"],
    "birth_name": ["Nom de naissance", "Nom de jeune fille", "Nom patronymique"],
    "first_name": ["Prénom", "Prénoms", "Prénom bénéficiaire"],
    "birth_date": ["Date de naissance", "Né(e) le", "Né le", "DTNAI", "Date naissance"],
    "rsa_application_date": [
        "DATE DEMANDE RSA",
        "Date de demande",
        "Date de la demande RSA",
        "Date demande",
        "Date de demande RSA",
    ],
    "rights_opening_date": [
        "DATE DEBUT DROITS - DEVOIRS",
        "Date début droits devoirs",
        "Date d'ouverture des droits",
        "Date ouverture droits",
        "Date début droits",
        "Date ouverture des droits",
    ],
    "postcode_city": ["CP Ville", "Code postal Ville", "CP Commune", "CP - Ville"],
    "postcode": ["Code postal", "CP"],
    "city": ["Ville", "Commune", "Localité"],
    "insee_code": ["Code INSEE", "INSEE", "Code commune"],
    "address_line": ["Adresse", "Adresse postale", "Adresse 1", "N° et voie"],
    "phone": [
        "N° Téléphones",
        "N° Téléphone",
        "Téléphone",
        "Téléphones",
        "Tél",
        "Portable",
        "Mobile",
    ],
    "email": ["Adresses Mails", "Adresse mail", "Mail", "Email", "E-mail", "Courriel", "Mails"],
    "nir": [
        "NIR",
        "N° sécurité sociale",
        "Numéro de sécurité sociale",
        "NIR clé",
        "N° SS",
        "NIR avec clé",
    ],
    "external_id": [
        "Identifiant",
        "ID",
        "Identifiant Département",
        "Identifiant interne",
        "N° dossier",
        "Numéro de dossier",
        "Réf. dossier",
        "Id individu",
    ],
}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_header(value) -> str:
    """Lowercase, without accents, punctuation or spaces: "N° Téléphones" → "ntelephones"."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub("", text.lower())


ALIAS_TABLE = {
    normalise_header(alias): field for field, aliases in ALIASES.items() for alias in aliases
}


def guess_columns(headers, saved=None):
    """{normalised header: field} for a file's headers: a saved mapping first,
    then the alias table. A field is given to one column only (the first)."""
    saved = saved or {}
    columns, taken = {}, set()
    for header in headers:
        key = normalise_header(header)
        if not key or key in columns:
            continue
        field = saved[key] if key in saved else ALIAS_TABLE.get(key, "")
        if field and field in FIELDS and field not in taken:
            columns[key] = field
            taken.add(field)
        else:
            columns[key] = ""
    return columns


def missing_required(columns):
    """Required fields no column gives (the address columns are optional)."""
    mapped = set(columns.values())
    return [field for field in REQUIRED_FIELDS if field not in mapped]
