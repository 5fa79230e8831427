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
