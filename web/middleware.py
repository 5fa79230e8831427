"""Middleware of the pages layer."""

from django.utils.cache import add_never_cache_headers, patch_vary_headers


class HtmxVaryMiddleware:
    """Keep htmx fragments out of the browser's cache of full pages.

    A fragment and its full page share one URL (the portfolio's search pushes
    the fragment's URL into the history). Every response says that it varies
    on `HX-Request`, and a fragment is never stored: going back to that URL
    loads the full page, with its layout, instead of a bare fragment.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        if request.headers.get("HX-Request") == "true":
            add_never_cache_headers(response)
        return response
