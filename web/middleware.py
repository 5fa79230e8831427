"""Middleware of the pages layer."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


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


class PasswordChangeRequiredMiddleware:
    """An account whose administrator forced a password change reaches only
    the password change page (and can log out) until it has chosen one."""

    ALLOWED = {
        "password_change",
        "password_reset_confirm",
        "password_reset_complete",
        "logout",
        "set_language",
        "healthz",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        match = request.resolver_match
        if match is not None and not match.namespace and match.url_name in self.ALLOWED:
            return None
        url = reverse("password_change")
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return redirect(url)
