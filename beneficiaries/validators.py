"""Validators for identifiers found in CAF and Département files."""

import re

from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import nir as stdnum_nir

CAF_NUMBER_RE = re.compile(r"^[0-9]{1,10}$")
CAF_NUMBER_WIDTH = 7
CAF_NUMBER_SEPARATORS_RE = re.compile(r"[\s.\-]")


def canonical_caf_number(value):
    """The one stored form of a CAF allocataire number, whatever the file
    gave: digits only, leading zeros dropped, then padded to 7 digits (the
    usual width of the number; a longer one is kept as it is). "0875213", the
    number cell 875213 and "875 213" are all "0875213". A value that is not
    a number of 10 digits at most is returned as given, for the validator to
    refuse."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = CAF_NUMBER_SEPARATORS_RE.sub("", str(value if value is not None else ""))
    if not CAF_NUMBER_RE.match(text):
        return text
    return text.lstrip("0").zfill(CAF_NUMBER_WIDTH)


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
    if not CAF_NUMBER_RE.match(value or ""):
        raise ValidationError(
            "Le numéro allocataire CAF ne contient que des chiffres (10 au plus).",
            code="caf_number",
        )


def nir_key(body):
    """The 2-digit key of a 13-character NIR body (Corsica: 2A counts as 19, 2B as 18)."""
    numeric = body.upper().replace("2A", "19", 1).replace("2B", "18", 1)
    return f"{97 - int(numeric) % 97:02d}"


def nir_with_key(body):
    return body + nir_key(body)
