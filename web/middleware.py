"""Middleware of the pages layer."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from caseload.two_factor import second_factor_required

# Session keys.
LAST_ACTIVITY_KEY = "parcours_last_activity"
SECOND_FACTOR_PENDING_KEY = "parcours_second_factor_pending"
# The last activity is written at most this often (seconds): a session is not
# saved on every request.
ACTIVITY_RESOLUTION_SECONDS = 60
# Requests the page makes by itself (polling): they do not keep a session alive.
PASSIVE_VIEWS = frozenset({"notifications:bell"})
# What a user who still has to prove a second factor may open.
SECOND_FACTOR_OPEN_VIEWS = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "healthz",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
    }
)


def _redirect(request, url):
    """A redirect that htmx follows with the whole page, not inside a fragment."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _with_next(url, request):
    """`url?next=<path>`: the path only, never a query string (searches put
    names there)."""
    if request.method != "GET" or getattr(request, "htmx", False):
        return url
    return f"{url}?{urlencode({'next': request.path})}"


class HtmxVaryMiddleware:
    """Keep personal data out of the browser's cache.

    A fragment and its full page share one URL (the portfolio's search pushes
    the fragment's URL into the history). Every response says that it varies
    on `HX-Request`, and a fragment is never stored: going back to that URL
    loads the full page, with its layout, instead of a bare fragment. No page
    shown to a logged-in user is stored either (`Cache-Control: no-store`):
    they all show people or staff.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        user = getattr(request, "user", None)
        if request.headers.get("HX-Request") == "true" or (
            user is not None and user.is_authenticated
        ):
            add_never_cache_headers(response)
        return response


def mark_activity(request):
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """End a session after `SESSION_IDLE_TIMEOUT` seconds without a request
    from its user; the page's own polling (the bell) does not count."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = int(time.time())
        last = request.session.get(LAST_ACTIVITY_KEY)
        if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(
                request,
                _("Votre session a pris fin après une période d'inactivité : reconnectez-vous."),
            )
            return _redirect(request, _with_next(reverse("login"), request))
        passive = request.resolver_match.view_name in PASSIVE_VIEWS
        if not passive and (last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS):
            request.session[LAST_ACTIVITY_KEY] = now
        return None


class SecondFactorMiddleware:
    """A user who must prove a second factor (their role requires it, or they
    turned it on) reaches only the verification or setup page until they do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if request.resolver_match.view_name in SECOND_FACTOR_OPEN_VIEWS:
            return None
        if not (request.session.get(SECOND_FACTOR_PENDING_KEY) or second_factor_required(user)):
            return None
        if user.is_verified():
            return None
        return _redirect(request, _with_next(reverse("accounts:two_factor_verify"), request))


class PasswordChangeRequiredMiddleware:
    """An account whose administrator forced a password change reaches only
    the password change page (and can log out) until it has chosen one. It
    runs after the second-factor check: a manager proves their second factor
    first, then chooses the new password."""

    ALLOWED = frozenset(
        {
            "password_change",
            "password_reset_confirm",
            "password_reset_complete",
            "logout",
            "set_language",
            "healthz",
            "accounts:two_factor_verify",
            "accounts:two_factor_setup",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.ALLOWED:
            return None
        return _redirect(request, reverse("password_change"))
