"""French typography of generated text."""

import unicodedata

VOWELS = frozenset("aeiou")


def starts_with_vowel_sound(word):
    """Whether a name calls for an elision before it: it starts with a vowel
    (accents ignored: "Étienne", "Inès"), or with a Y that a consonant
    follows ("Yves", not "Yasmine"). An H is left alone: aspirated or not
    depends on the name."""
    letters = unicodedata.normalize("NFD", word.strip()).encode("ascii", "ignore").decode().lower()
    if not letters:
        return False
    if letters[0] in VOWELS:
        return True
    return letters[0] == "y" and len(letters) > 1 and letters[1] not in VOWELS | {"y"}


def elide_de(text, name):
    """`text` with "de {name}" written "d’{name}" when the name starts with a
    vowel sound ("le délai d’Étienne", "le délai de Camille"). Text in
    another language, without "de {name}", is returned as it is."""
    if not name or not starts_with_vowel_sound(name):
        return text
    return text.replace(f"de {name}", f"d’{name}")


# The PDF core fonts (fpdf2's Helvetica) cover Latin-1 only: the few
# typographic signs beyond it are written with their plain equivalents, and
# anything else becomes "?" rather than breaking the document.
_BEYOND_LATIN1 = str.maketrans(
    {
        "’": "'",
        "œ": "oe",
        "Œ": "OE",
        "–": "-",
        "—": "-",
        "…": "...",
        "•": "*",
        "→": "->",
        "\u202f": " ",
        "\u00a0": " ",
        "€": "EUR",
    }
)


def latin1_for_pdf(text):
    """`text` (None gives "") as the PDF core fonts can draw it."""
    return (
        str(text if text is not None else "")
        .translate(_BEYOND_LATIN1)
        .encode("latin-1", "replace")
        .decode("latin-1")
    )
