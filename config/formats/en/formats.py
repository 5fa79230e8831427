"""Dates in English as the French interface writes them: day first and a
24-hour clock (Django's "en" formats are American: 12/03/2026 would read as
12 March). Anything not set here falls back to Django's "en" formats."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
