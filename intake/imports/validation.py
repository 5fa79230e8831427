"""Validation of one row: from the cells of a file to the fields of a person.

Errors reject the row; warnings keep it (an unknown commune, an unusable
phone number or email address: the person is imported without it). Every
problem names the column (its header in the file) and the reason, in French;
the engine adds the line number.
"""

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.enums import Civility, HouseholdRole
from beneficiaries.validators import (
    ALLOCATION_NUMBER_RE,
    CAF_NUMBER_RE,
    canonical_caf_number,
    nir_complete,
    nir_key,
    normalise_email,
    normalise_nir,
    normalise_phone,
    normalise_postcode,
    validate_nir,
)
from core import date_ranges
from core.date_ranges import day_text
from intake.imports.columns import normalise_header
from intake.imports.reading import cell_text
from pathways.enums import Orientation

EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d", "%d%m%Y"]
# Birth, application and opening dates: from 1900 to today (core.date_ranges).
IMPORT_DATE_RANGES = {
    "birth_date": date_ranges.birth_date_range,
    "rsa_application_date": date_ranges.past_date_range,
    "rights_opening_date": date_ranges.past_date_range,
    "interview_held_on": date_ranges.past_date_range,
}
ORIENTATION_VALUES = {
    "SOCIALE": Orientation.SOCIALE,
    "SOCIAL": Orientation.SOCIALE,
    "SOCIO PRO": Orientation.SOCIO_PROFESSIONNELLE,
    "SOCIOPRO": Orientation.SOCIO_PROFESSIONNELLE,
    "SOCIO PROFESSIONNELLE": Orientation.SOCIO_PROFESSIONNELLE,
    "SOCIOPROFESSIONNELLE": Orientation.SOCIO_PROFESSIONNELLE,
    "PRO": Orientation.PROFESSIONNELLE,
    "PROFESSIONNELLE": Orientation.PROFESSIONNELLE,
    "EMPLOI": Orientation.PROFESSIONNELLE,
}
# RQTH / AAH cells: "non" (or empty) records nothing; "oui", "RQTH", "AAH",
# "RQTH + AAH", "X"… record a recognition.
DISABILITY_NO = {"NON", "N", "0", "FAUX", "FALSE", "NO", "AUCUNE", "SANS"}
DISABILITY_YES = {"OUI", "O", "X", "1", "VRAI", "TRUE", "YES", "RQTH", "AAH", "RECONNU", "RECONNUE"}
TAG_SPLIT_RE = re.compile(r"[,;|]")
TAG_MAX_LENGTH = 60
NIR_RE = re.compile(r"^[12][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}$")
NIR_SEPARATORS_RE = re.compile(r"[\s.\-]")
FRENCH_DATE_RE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")

ROLE_VALUES = {
    "demandeur": HouseholdRole.DEMANDEUR,
    "dem": HouseholdRole.DEMANDEUR,
    "d": HouseholdRole.DEMANDEUR,
    "allocataire": HouseholdRole.DEMANDEUR,
    "conjoint": HouseholdRole.CONJOINT,
    "cjt": HouseholdRole.CONJOINT,
    "conj": HouseholdRole.CONJOINT,
    "c": HouseholdRole.CONJOINT,
}
CIVILITY_VALUES = {
    "m": Civility.MONSIEUR,
    "mr": Civility.MONSIEUR,
    "monsieur": Civility.MONSIEUR,
    "h": Civility.MONSIEUR,
    "homme": Civility.MONSIEUR,
    "masculin": Civility.MONSIEUR,
    "1": Civility.MONSIEUR,
    "mme": Civility.MADAME,
    "madame": Civility.MADAME,
    "mlle": Civility.MADAME,
    "mademoiselle": Civility.MADAME,
    "f": Civility.MADAME,
    "femme": Civility.MADAME,
    "feminin": Civility.MADAME,
    "2": Civility.MADAME,
}
NAME_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")
POSTCODE_CITY_RE = re.compile(r"^\s*(\d{4,5})\s*[-–,/]?\s*(.*?)\s*$")
PHONE_SPLIT_RE = re.compile(r"[/;,|]|\s{2,}|\bet\b")
EMAIL_SPLIT_RE = re.compile(r"[\s;,|]+")
INSEE_RE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")

MAX_LENGTHS = {
    "last_name": 150,
    "birth_name": 150,
    "first_name": 150,
    "address_line": 255,
    "city": 150,
    "external_id": 50,
    "france_travail_id": 20,
}
# The fields a row of a people file must give (a NIR may stand in for the
# names: the row then only updates the person it finds).
IMPORT_REQUIRED = ("last_name", "first_name")


@dataclass
class CheckedRow:
    values: dict = field(default_factory=dict)  # field → Python value (only the fields given)
    errors: list = field(default_factory=list)  # (column, reason)
    warnings: list = field(default_factory=list)
    # commune lookup keys, resolved by the engine against the Département's communes
    insee_code: str = ""
    postcode: str = ""
    city: str = ""
    # No role in the file: demandeur unless that role is taken (engine).
    role_defaulted: bool = False
    # What the services apply once the person is written (orientation,
    # referent, interview already held): never fields of the person.
    extras: dict = field(default_factory=dict)


def simplify(text) -> str:
    """Uppercase, no accents, single spaces, "ST"/"STE" spelled out: to compare town names."""
    return _simplified(str(text))


# Kept: a file repeats the same towns and names on thousands of rows.
@functools.lru_cache(maxsize=65536)
def _simplified(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"[^A-Z0-9]+", " ", text).strip()
    text = re.sub(r"\bSTE\b", "SAINTE", text)
    text = re.sub(r"\bST\b", "SAINT", text)
    return text


def parse_date(value, today=None):
    """A date from a cell: a date object, an Excel serial (number or digits),
    dd/mm/yyyy, ISO and a few variants. Raises ValueError."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        return _excel_serial(value)
    text = str(value).strip()
    fast = FRENCH_DATE_RE.match(text)
    if fast:
        day, month, year = map(int, fast.groups())
        return datetime.date(year, month, day)
    if re.fullmatch(r"\d{5}(?:[.,]0+)?", text):
        return _excel_serial(float(text.replace(",", ".")))
    text = text.split(" ")[0].split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text) else text
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _excel_serial(number):
    if not 1 <= number < 2958466:
        raise ValueError(number)
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _digits_of(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"[\s.\-]", "", str(value))


class RowChecker:
    """Checks rows against the columns mapped to fields. `headers` are the
    file's own headers, used to name the column of each problem."""

    def __init__(self, headers, columns, today=None, required=IMPORT_REQUIRED, nir_finds=True):
        self.today = today or timezone.localdate()
        self.required = set(required)
        # A NIR may stand in for the names (a row that only updates).
        self.nir_finds = nir_finds
        self.index = {}  # field → (position, header as written in the file)
        for position, header in enumerate(headers):
            target = columns.get(normalise_header(header), "")
            if target and target not in self.index:
                self.index[target] = (position, header)
        self.width = len(headers)

    @property
    def fields(self):
        return set(self.index)

    def check(self, cells) -> CheckedRow:
        row = CheckedRow()
        if len(cells) != self.width:
            row.errors.append(
                (
                    _("(toute la ligne)"),
                    _(
                        "la ligne compte %(found)s colonnes au lieu de %(expected)s : "
                        "vérifiez le séparateur et les guillemets"
                    )
                    % {"found": len(cells), "expected": self.width},
                )
            )
            return row
        raw = {name: cells[pos] for name, (pos, _header) in self.index.items()}
        text = {name: _text(value) for name, value in raw.items()}

        self._caf_number(row, text)
        self._role(row, text)
        self._civility(row, text)
        names_optional = self.nir_finds and bool(text.get("nir"))
        for name in ("last_name", "first_name", "birth_name"):
            self._name(row, text, name, optional=names_optional)
        self._dates(row, raw, text)
        self._nir(row, text)
        self._place(row, raw, text)
        self._contact(row, text)
        self._extras(row, raw, text)
        for name in ("address_line", "external_id", "france_travail_id"):
            value = text.get(name, "")
            if value:
                if len(value) > MAX_LENGTHS[name]:
                    self.error(
                        row,
                        name,
                        _("trop long (%(max)s caractères au plus)") % {"max": MAX_LENGTHS[name]},
                    )
                else:
                    row.values[name] = value
        return row

    # -- helpers ------------------------------------------------------------------

    def column(self, name):
        return self.index[name][1] if name in self.index else name

    def error(self, row, name, reason):
        row.errors.append((self.column(name), reason))

    def warning(self, row, name, reason):
        row.warnings.append((self.column(name), reason))

    def _required(self, row, text, name):
        value = text.get(name, "")
        if not value and name in self.required:
            self.error(row, name, _("valeur obligatoire manquante"))
        return value

    # -- fields -------------------------------------------------------------------

    def _caf_number(self, row, text):
        value = self._required(row, text, "caf_number")
        if not value:
            return
        number = canonical_caf_number(value)
        if not (CAF_NUMBER_RE.match(number) or ALLOCATION_NUMBER_RE.match(number)):
            self.error(
                row,
                "caf_number",
                _(
                    "« %(value)s » n'est pas un numéro allocataire (10 chiffres au plus, ou "
                    "20 lettres et chiffres pour un autre régime)"
                )
                % {"value": value[:30]},
            )
            return
        row.values["caf_number"] = number

    def _role(self, row, text):
        value = self._required(row, text, "household_role")
        if not value:
            if "household_role" not in self.required:
                row.values["household_role"] = HouseholdRole.DEMANDEUR
                row.role_defaulted = True
            return
        role = ROLE_VALUES.get(simplify(value).lower().replace(" ", ""))
        if role is None:
            self.error(
                row,
                "household_role",
                _("rôle « %(value)s » inconnu (attendu : DEMANDEUR, CONJOINT, DEM ou CJT)")
                % {"value": value[:30]},
            )
            return
        row.values["household_role"] = role

    def _civility(self, row, text):
        value = text.get("civility", "")
        if not value:
            return
        civility = CIVILITY_VALUES.get(simplify(value).lower().replace(" ", ""))
        if civility is None:
            self.error(
                row,
                "civility",
                _("civilité « %(value)s » inconnue (attendu : M., Mme)") % {"value": value[:30]},
            )
            return
        row.values["civility"] = civility

    def _name(self, row, text, name, optional=False):
        value = " ".join(text.get(name, "").split())
        if name in ("last_name", "first_name") and not optional:
            value = self._required(row, {name: value}, name)
        if not value:
            return
        if len(value) > MAX_LENGTHS[name]:
            self.error(
                row, name, _("trop long (%(max)s caractères au plus)") % {"max": MAX_LENGTHS[name]}
            )
        elif not NAME_RE.match(value):
            self.error(
                row,
                name,
                _(
                    "contient des caractères qui ne peuvent pas figurer dans un nom (chiffres, symboles, formule)"
                ),
            )
        else:
            row.values[name] = value

    def _dates(self, row, raw, text):
        for name in ("birth_date", "rsa_application_date", "rights_opening_date"):
            if name == "rsa_application_date":
                self._required(row, text, name)
            if not text.get(name):
                continue
            try:
                value = parse_date(raw[name])
            except ValueError:
                self.error(
                    row,
                    name,
                    _("« %(value)s » n'est pas une date (attendu : jj/mm/aaaa)")
                    % {"value": text[name][:30]},
                )
                continue
            low, high = IMPORT_DATE_RANGES[name](self.today)
            if not low <= value <= high:
                self.error(
                    row,
                    name,
                    _("date %(date)s impossible (avant 1900 ou dans le futur)")
                    % {"date": day_text(value)},
                )
                continue
            row.values[name] = value
        birth = row.values.get("birth_date")
        application = row.values.get("rsa_application_date")
        if birth and application and birth >= application:
            self.error(row, "birth_date", _("la date de naissance suit la date de demande de RSA"))
            del row.values["birth_date"]

    def _nir(self, row, text):
        value = text.get("nir", "")
        if not value:
            return
        nir = NIR_SEPARATORS_RE.sub("", value).upper()
        if len(nir) == 13:
            # 13 characters: the NIR without its key, which is computed.
            nir = nir_complete(nir)
        if not (NIR_RE.match(nir) and nir_key(nir[:13]) == nir[13:]):
            # The slow, thorough path only for what the fast one refuses.
            nir = normalise_nir(_digits_of(value) if value[:1].isdigit() else value)
            if len(nir) == 13:
                nir = nir_complete(nir)
            try:
                validate_nir(nir)
            except ValidationError as exc:
                self.error(row, "nir", exc.messages[0].rstrip("."))
                return
        civility = row.values.get("civility")
        sex = {Civility.MONSIEUR: "1", Civility.MADAME: "2"}.get(civility)
        if sex and nir[0] != sex:
            self.error(
                row,
                "nir",
                _(
                    "le NIR commence par %(digit)s, ce qui ne correspond pas à la civilité « %(civility)s »"
                )
                % {"digit": nir[0], "civility": Civility(civility).label},
            )
            return
        birth = row.values.get("birth_date")
        if birth:
            year, month = nir[1:3], int(nir[3:5])
            if year != f"{birth.year % 100:02d}" or (1 <= month <= 12 and month != birth.month):
                self.error(
                    row,
                    "nir",
                    _(
                        "le NIR indique une naissance en %(month)s/%(year)s, la date de naissance est le %(date)s"
                    )
                    % {"month": nir[3:5], "year": year, "date": day_text(birth)},
                )
                return
        row.values["nir"] = nir

    def _place(self, row, raw, text):
        insee = text.get("insee_code", "").upper()
        if insee:
            insee = insee.zfill(5) if insee.isdigit() else insee
            if INSEE_RE.match(insee):
                row.insee_code = insee
            else:
                self.warning(
                    row,
                    "insee_code",
                    _("code INSEE « %(value)s » invalide") % {"value": insee[:10]},
                )
        postcode, city = text.get("postcode", ""), text.get("city", "")
        merged = text.get("postcode_city", "")
        if merged:
            match = POSTCODE_CITY_RE.match(merged)
            if match:
                postcode, city = postcode or match.group(1), city or match.group(2)
            else:
                city = city or merged
        if postcode:
            checked = normalise_postcode(postcode)
            if checked:
                row.postcode = row.values["postcode"] = checked
            else:
                self.warning(
                    row,
                    "postcode_city" if merged and "postcode" not in self.index else "postcode",
                    _("code postal « %(value)s » invalide") % {"value": postcode[:10]},
                )
        if city:
            city = " ".join(city.split())
            if len(city) <= MAX_LENGTHS["city"]:
                row.city = row.values["city"] = city

    def _extras(self, row, raw, text):
        """Orientation, referent and interview already held: a value that
        cannot be used is a warning (the person is imported without it)."""
        value = text.get("orientation", "")
        if value:
            orientation = ORIENTATION_VALUES.get(simplify(value))
            if orientation:
                row.extras["orientation"] = orientation
            else:
                self.warning(
                    row,
                    "orientation",
                    _(
                        "orientation « %(value)s » inconnue (attendu : sociale, socio-pro, pro) : "
                        "elle n'est pas enregistrée"
                    )
                    % {"value": value[:30]},
                )
        if text.get("referent"):
            row.extras["referent"] = " ".join(text["referent"].split())[:200]
        if text.get("structure"):
            row.extras["structure"] = " ".join(text["structure"].split())[:200]
        if text.get("tags"):
            tags, seen = [], set()
            for part in TAG_SPLIT_RE.split(text["tags"]):
                name = " ".join(part.split())[:TAG_MAX_LENGTH]
                if name and simplify(name) and simplify(name) not in seen:
                    seen.add(simplify(name))
                    tags.append(name)
            if tags:
                row.extras["tags"] = tags
        self._disability(row, text)
        if text.get("interview_held_on"):
            try:
                held = parse_date(raw["interview_held_on"])
            except ValueError:
                held = None
            low, high = IMPORT_DATE_RANGES["interview_held_on"](self.today)
            if held and low <= held <= high:
                row.extras["interview_held_on"] = held
            else:
                self.warning(
                    row,
                    "interview_held_on",
                    _(
                        "« %(value)s » n'est pas une date d'entretien passée : elle n'est pas enregistrée"
                    )
                    % {"value": text["interview_held_on"][:30]},
                )

    def _disability(self, row, text):
        """The RQTH / AAH column: a recognition, or nothing. The value is
        health data: the warning does not repeat it."""
        value = simplify(text.get("disability", ""))
        if not value or value in DISABILITY_NO:
            return
        words = set(value.split())
        if value in DISABILITY_YES or words & {"RQTH", "AAH", "OUI"}:
            row.extras["disability"] = True
            return
        self.warning(
            row,
            "disability",
            _(
                "valeur non reconnue (attendu : oui, non, RQTH ou AAH) : la reconnaissance "
                "du handicap n'est pas enregistrée"
            ),
        )

    def _contact(self, row, text):
        phones = " / ".join(p for p in (text.get("phone", ""), text.get("phone_2", "")) if p)
        if phones:
            for candidate in PHONE_SPLIT_RE.split(phones):
                phone = normalise_phone(candidate)
                if phone:
                    row.values["phone"] = phone
                    break
            else:
                self.warning(
                    row,
                    "phone" if text.get("phone") else "phone_2",
                    _("aucun numéro de téléphone français valide : le téléphone n'est pas importé"),
                )
        emails = text.get("email", "")
        if emails:
            for candidate in EMAIL_SPLIT_RE.split(emails):
                email = normalise_email(candidate)
                if email:
                    row.values["email"] = email
                    break
            else:
                self.warning(
                    row,
                    "email",
                    _("aucune adresse électronique valide : le courriel n'est pas importé"),
                )


def _text(value):
    return cell_text(value)
