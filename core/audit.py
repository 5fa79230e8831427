"""Who is acting: the context of the audit trail.

Every request, management command and Celery task runs inside one audit
context: the user, a request id and the client's address (requests), or the
command or task name. Two things read it:

- the change history (django-pghistory): on PostgreSQL the context is sent
  with each writing statement (`set_config`), and the history triggers copy it
  onto each event row, so even a raw SQL or bulk write names its author;
- the access log (`beneficiaries.RecordAccessLog`), whose rows carry the
  request id, address and command of the context they were written in.

On SQLite (the embedded mode) there are no triggers: the context only feeds
the access log.
"""

import contextlib
import json
import threading
import uuid

import pghistory
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

_state = threading.local()


def current():
    """The metadata of the innermost audit context ({} outside any)."""
    return getattr(_state, "metadata", {})


@contextlib.contextmanager
def audit_context(**metadata):
    """Run a block as one audit context (nested contexts add to the outer one)."""
    outer = current()
    merged = {**outer, **{k: v for k, v in metadata.items() if v not in (None, "")}}
    merged.setdefault("request_id", str(uuid.uuid4()))
    _state.metadata = merged
    try:
        if connection.vendor == "postgresql":
            with pghistory.context(**merged):
                yield merged
        else:
            yield merged
    finally:
        _state.metadata = outer


def command_context(name):
    """The audit context of a management command or a task: `command` names it."""
    return audit_context(command=name)


def send_to_database(cursor, *, local=True):
    """Set the audit context on a PostgreSQL session before a statement that
    pghistory's wrapper does not see (COPY): the history triggers read it."""
    metadata = current()
    if not metadata:
        return
    cursor.execute(
        "SELECT set_config('pghistory.context_id', %s, %s), "
        "set_config('pghistory.context_metadata', %s, %s)",
        [metadata["request_id"], local, json.dumps(metadata, cls=DjangoJSONEncoder), local],
    )


def client_ip(request):
    """The client's address as the web server saw it (REMOTE_ADDR; the proxy
    in front is trusted to set it, gunicorn's forwarded-allow-ips)."""
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Opens the audit context of each request: user id, request id, address
    and path (without its query string: searches put names there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        request_id = str(uuid.uuid4())
        with audit_context(
            user=user_id, request_id=request_id, ip=client_ip(request), url=request.path
        ):
            request.audit_request_id = request_id
            response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response
