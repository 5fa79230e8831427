"""Logging without personal data.

An exception's message can carry the values of a row (a database error's
DETAIL names the key that clashed: a NIR, a CAF number). Failures are logged
with the exception's class and where it was raised, never its message.
"""

import traceback


def log_failure(logger, message, *args, exc):
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)
    )
    logger.error(message + " (%s at %s)", *args, type(exc).__name__, where)


class NoQueryString:
    """A logging filter for access logs (`django.server`): the request line
    keeps its path but loses its query string, where searches put names and
    CAF numbers (GET forms, so that a filtered list has its own URL)."""

    def filter(self, record):
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            line = record.args[0]
            method, _space, rest = line.partition(" ")
            target, _space2, protocol = rest.partition(" ")
            if "?" in target:
                target = target.split("?", 1)[0] + "?…"
                record.args = (" ".join(p for p in (method, target, protocol) if p),) + tuple(
                    record.args[1:]
                )
        return True
