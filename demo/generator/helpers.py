"""Small helpers shared by the demo modules: days, weighted draws, text."""

import datetime
import unicodedata


def days(count):
    return datetime.timedelta(days=count)


def weighted(rng, weights):
    """One key of a {key: weight} dict."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def thousands(number):
    """12 500 → "12 500", the French way."""
    return f"{number:,}".replace(",", " ")


def ascii_slug(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())
