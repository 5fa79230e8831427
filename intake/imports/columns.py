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
| external_id | Identifiant, ID, ID IODAS, ID Solis, ID Genesis, Identifiant Département, Identifiant interne, N° dossier, Numéro de dossier, Réf. dossier |
| france_travail_id | ID France Travail, Identifiant France Travail, N° France Travail, Identifiant Pôle emploi, ID FT |
| phone_2 | NUMERO TELEPHONE 2 DOSSIER, Téléphone 2 (used when the first number is unusable) |
| structure | Structure, Structure référente, Structure de suivi, Organisme référent |
| tags | Tags, Étiquettes, Mots-clés (several, split on `,` `;` `|`) |
| disability | RQTH / AAH, RQTH, AAH, Handicap reconnu (health data: a health note) |

CAF contact files (`MATRICULE`, `ROLE PERSONNE`, `NIR`, `NUMERO TELEPHONE DOSSIER`,
`ADRESSE ELECTRONIQUE DOSSIER`…) carry no name of the person: they are read
in contact mode (`CONTACT_SIGNATURE`), which only updates known people.

Only the names are required (`REQUIRED_FIELDS`); a file with a NIR column
may leave them out (a row then only updates the person its NIR finds).
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# field → (label, required)
FIELDS = {
    "caf_number": (_("N° allocataire CAF"), False),
    "household_role": (_("Rôle dans le foyer"), False),
    "civility": (_("Civilité"), False),
    "last_name": (_("Nom d'usage"), True),
    "birth_name": (_("Nom de naissance"), False),
    "first_name": (_("Prénom"), True),
    "birth_date": (_("Date de naissance"), False),
    "rsa_application_date": (_("Date de la demande de RSA"), False),
    "rights_opening_date": (_("Date d'ouverture des droits"), False),
    "postcode_city": (_("Code postal et ville (une seule cellule)"), False),
    "postcode": (_("Code postal"), False),
    "city": (_("Ville"), False),
    "insee_code": (_("Code INSEE de la commune"), False),
    "address_line": (_("Adresse"), False),
    "phone": (_("Téléphone"), False),
    "phone_2": (_("Téléphone (second numéro)"), False),
    "email": (_("Courriel"), False),
    "nir": (_("NIR"), False),
    "external_id": (_("Identifiant du logiciel départemental"), False),
    "france_travail_id": (_("Identifiant France Travail"), False),
    # Not fields of the person: applied through the pathway and caseload
    # services once the person is written (`EXTRA_FIELDS`).
    "orientation": (_("Décision d'orientation"), False),
    "referent": (_("Référent (courriel ou nom)"), False),
    "interview_held_on": (_("Reçu en entretien le"), False),
    "structure": (_("Structure qui suit la personne"), False),
    "tags": (_("Étiquettes"), False),
    "disability": (_("Reconnaissance du handicap (RQTH / AAH)"), False),
}
EXTRA_FIELDS = ("orientation", "referent", "interview_held_on", "tags", "disability")
# Health data (RGPD art. 9): never shown in the import's report nor in its
# downloads; read on the record by the roles that see health notes only.
HEALTH_FIELDS = ("disability",)
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
        "N° allocataire / MSA",
        "Numéro allocataire MSA",
        "Matricule CAF",
        "Matricule allocataire",
    ],
    "household_role": [
        "ROLE PERSONNE",
        "Rôle",
        "Rôle dans le foyer",
        "Qualité",
        "Role",
        "Rôle RSA",
        "DEM / CJT",
    ],
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
        "NUMERO TELEPHONE DOSSIER",
        "Téléphone 1",
        "Tél 1",
    ],
    "phone_2": ["NUMERO TELEPHONE 2 DOSSIER", "Téléphone 2", "Tél 2", "Portable 2"],
    "email": [
        "Adresses Mails",
        "Adresse mail",
        "Mail",
        "Email",
        "E-mail",
        "Courriel",
        "Mails",
        "ADRESSE ELECTRONIQUE DOSSIER",
        "Adresse électronique",
    ],
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
        "ID IODAS",
        "Identifiant IODAS",
        "N° IODAS",
        "ID Solis",
        "Identifiant Solis",
        "ID Genesis",
        "Identifiant Genesis",
        "ID individu IODAS",
    ],
    "orientation": [
        "DECISION ORIENTATION",
        "Décision d'orientation",
        "Orientation",
        "Type d'orientation",
    ],
    "referent": ["Référent(s)", "Référent", "Référent unique", "Courriel référent"],
    "interview_held_on": [
        "Reçu en entretien le",
        "Date entretien",
        "Date du premier entretien",
        "Date de l'entretien",
    ],
    "structure": [
        "Structure",
        "Structure référente",
        "Structure d'accompagnement",
        "Structure de suivi",
        "Organisme référent",
        "Structure accompagnante",
    ],
    "tags": ["Tags", "Étiquettes", "Étiquette", "Tag", "Mots-clés", "Mots clés"],
    "disability": [
        "RQTH / AAH",
        "RQTH",
        "AAH",
        "RQTH AAH",
        "Reconnaissance handicap",
        "Handicap reconnu",
        "Travailleur handicapé",
    ],
    "france_travail_id": [
        "ID France Travail",
        "Identifiant France Travail",
        "N° France Travail",
        "Numéro France Travail",
        "ID FT",
        "Identifiant FT",
        "Identifiant Pôle emploi",
        "ID Pôle emploi",
        "N° Pôle emploi",
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


# The columns that make a file a CAF contact file (no names of the person):
# the allocation number or the NIR, and a phone or email "DOSSIER" column.
CONTACT_SIGNATURE = {
    normalise_header("NUMERO TELEPHONE DOSSIER"),
    normalise_header("ADRESSE ELECTRONIQUE DOSSIER"),
}
CONTACT_FIELDS = {"caf_number", "household_role", "nir", "phone", "phone_2", "email"}


def is_contact_file(headers):
    """A CAF contact file: its "DOSSIER" contact columns, and no name column."""
    keys = {normalise_header(h) for h in headers}
    if not keys & CONTACT_SIGNATURE:
        return False
    names = {ALIAS_TABLE.get(key) for key in keys} & {"last_name", "first_name"}
    return not names


def missing_required(columns, kind="people"):
    """Required fields no column gives (the address columns are optional).
    A file with a NIR column may leave the names out (its rows then only
    update the people their NIR finds); a contact file needs a NIR or an
    allocation number, and a phone or an email."""
    mapped = set(columns.values())
    if kind == "contacts":
        missing = []
        if not mapped & {"nir", "caf_number"}:
            missing.append("nir")
        if not mapped & {"phone", "phone_2", "email"}:
            missing.append("phone")
        return missing
    if "nir" in mapped:
        return []
    return [field for field in REQUIRED_FIELDS if field not in mapped]


def unknown_columns(headers, columns):
    """The file's headers that no field takes (listed in the dry run)."""
    return [h for h in headers if normalise_header(h) and not columns.get(normalise_header(h))]
