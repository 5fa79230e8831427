"""Validators for identifiers found in CAF and Département files."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import nir as stdnum_nir

CAF_NUMBER_RE = re.compile(r"^[0-9]{1,10}$")
# Other schemes (MSA, a Département's own numbering) are letters and digits.
ALLOCATION_NUMBER_RE = re.compile(r"^[0-9A-Z]{1,20}$")
CAF_NUMBER_WIDTH = 7
CAF_NUMBER_SEPARATORS_RE = re.compile(r"[\s.\-/]")


def canonical_caf_number(value):
    """The one stored form of an allocation number, whatever the file gave.

    A CAF number (digits only): leading zeros dropped, then padded to 7
    digits (the usual width of the number; a longer one is kept as it is).
    "0875213", the number cell 875213 (or 875213.0) and "875 213" are all
    "0875213". An identifier of another scheme (letters and digits: MSA,
    internal) is kept as text, uppercase, without spaces. Anything else is
    returned as given, for the validator to refuse."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = CAF_NUMBER_SEPARATORS_RE.sub("", str(value if value is not None else ""))
    if CAF_NUMBER_RE.match(text):
        return text.lstrip("0").zfill(CAF_NUMBER_WIDTH)
    if ALLOCATION_NUMBER_RE.match(text.upper()):
        return text.upper()
    return text


def normalise_nir(value):
    """Spaces and dots removed, uppercase (Corsica: 2A / 2B)."""
    return stdnum_nir.compact(value or "")


def validate_nir(value):
    """A NIR (numéro de sécurité sociale): 13 characters and a 2-digit key.

    python-stdnum checks the format and the key, including Corsica's 2A / 2B
    département codes.
    """
    try:
        stdnum_nir.validate(value)
    except InvalidLength as exc:
        raise ValidationError(
            "Le NIR doit compter 15 caractères (13 chiffres et une clé de 2 chiffres).",
            code="nir_length",
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            "La clé du NIR ne correspond pas : vérifiez les 15 caractères saisis.",
            code="nir_key",
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            "Le NIR n'a pas un format valide (chiffres, 2A ou 2B pour la Corse).",
            code="nir_format",
        ) from exc


def validate_caf_number(value):
    if value and not (CAF_NUMBER_RE.match(value) or ALLOCATION_NUMBER_RE.match(value)):
        raise ValidationError(
            "Le numéro allocataire ne contient que des chiffres (10 au plus) ou, pour un "
            "autre régime (MSA…), des lettres majuscules et des chiffres (20 au plus).",
            code="caf_number",
        )


def nir_complete(value):
    """A NIR in its stored form: spaces, dots and dashes removed, uppercase
    (2A / 2B kept); 13 characters get their key computed. Returns "" when
    the value is not 13 or 15 characters of a NIR's shape (the caller then
    reports it)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s.\-]", "", str(value if value is not None else "")).upper()
    if re.fullmatch(r"[12][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}", text):
        return text + nir_key(text)
    return text


def nir_key(body):
    """The 2-digit key of a 13-character NIR body (Corsica: 2A counts as 19, 2B as 18)."""
    numeric = body.upper().replace("2A", "19", 1).replace("2B", "18", 1)
    return f"{97 - int(numeric) % 97:02d}"


def nir_with_key(body):
    return body + nir_key(body)


# --- Contact details: one set of rules for the contact form and the imports --------

# Overseas départements dial like metropolitan France (10 digits from 0): from
# abroad +262 (La Réunion, Mayotte), +590 (Guadeloupe, Saint-Martin,
# Saint-Barthélemy), +594 (Guyane), +596 (Martinique) replace the leading 0.
OVERSEAS_DEPARTEMENT_CODES = ("262", "590", "594", "596")
# Overseas collectivities keep their own numbering: country code and length.
OVERSEAS_COLLECTIVITY_LENGTHS = {"508": 6, "681": 6, "687": 6, "689": 8}
POSTCODE_RE = re.compile(r"^(?:0[1-9]|[1-9][0-9])[0-9]{3}$")


def _pairs(digits):
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def normalise_phone(text):
    """A French number, landline or mobile, metropolitan or overseas, in its
    stored form ("06 12 34 56 78", "02 62 12 34 56", "+687 12 34 56"), or None.

    Accepts +33, 0033, "(0)", dots, dashes and spaces, the international form
    of the overseas départements, and a leading zero lost by a spreadsheet.
    """
    digits = re.sub(r"[^\d+]", "", str(text or "").replace("(0)", ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits[1:4] in OVERSEAS_DEPARTEMENT_CODES and digits.startswith("+"):
        digits = "0" + digits[4:]
    elif digits.startswith("+") and digits[1:4] in OVERSEAS_COLLECTIVITY_LENGTHS:
        code, number = digits[1:4], digits[4:]
        if len(number) == OVERSEAS_COLLECTIVITY_LENGTHS[code] and number.isdigit():
            return f"+{code} {_pairs(number)}"
        return None
    if "+" in digits:
        return None
    if len(digits) == 9 and digits[0] in "1234679":
        digits = "0" + digits
    if len(digits) != 10 or not digits.startswith("0") or digits[1] == "0":
        return None
    return _pairs(digits)


def validate_phone(value):
    if value and normalise_phone(value) is None:
        raise ValidationError(
            "Numéro de téléphone invalide : 10 chiffres commençant par 0 (fixe ou mobile, "
            "métropole ou outre-mer), ou +33, +262, +590, +594, +596, +508, +681, +687, +689.",
            code="phone",
        )


def normalise_postcode(text):
    """A French postcode (5 digits, overseas 97x and 98x included; a leading
    zero lost by a spreadsheet is put back), or None."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    digits = re.sub(r"[\s.\-]", "", str(text or ""))
    if digits.isdigit() and len(digits) == 4:
        digits = digits.zfill(5)
    return digits if POSTCODE_RE.match(digits) else None


def validate_postcode(value):
    if value and normalise_postcode(value) is None:
        raise ValidationError(
            "Code postal invalide : 5 chiffres, par exemple 45000.", code="postcode"
        )


def normalise_email(text):
    """An email address, trimmed and lowercased, or None when it is not valid."""
    candidate = str(text or "").strip().strip("<>").lower()
    if not candidate or len(candidate) > 254:
        return None
    try:
        validate_email(candidate)
    except ValidationError:
        return None
    return candidate
