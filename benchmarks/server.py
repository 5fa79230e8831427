"""Server side of `make bench` (loaded by benchmarks.settings only).

- `ServerTimingMiddleware`, outermost: the time Django spends on a request
  (every middleware, the view, the template), the part of it spent waiting
  for the database (each query sent, run and its rows received), and its
  number of SQL queries, sent back in the `Server-Timing` (`app`, `db`) and
  `X-Bench-Queries` headers, so that the harness measures server time through
  plain HTTP.
- `floor`: the cheapest page behind the same login — the whole middleware
  stack (session, authentication, second factor, security headers) and one
  query on an index — against which the pages are compared.
"""

import time

from django.db import connections
from django.http import HttpResponse

from beneficiaries.models import Beneficiary


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0
        sql_seconds = 0.0

        def count(execute, sql, params, many, context):
            nonlocal queries, sql_seconds
            queries += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_seconds += time.perf_counter() - started

        started = time.perf_counter()
        with connections["default"].execute_wrapper(count):
            response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed:.2f}, db;dur={sql_seconds * 1000:.2f}"
        response["X-Bench-Queries"] = str(queries)
        return response


def floor(request):
    """One indexed query (the smallest primary key of the people table)."""
    first = Beneficiary.objects.order_by("pk").values_list("pk", flat=True).first()
    return HttpResponse("ok" if first is not None else "vide", content_type="text/plain")
