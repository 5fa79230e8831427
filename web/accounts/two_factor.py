"""Two-factor authentication pages: verification after login, setup, recovery
codes, the account's security page, and an administrator's reset."""

import base64
import math

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseload.perms import scope_of
from caseload.two_factor import (
    can_reset_second_factor,
    has_second_factor,
    recovery_codes_generate,
    recovery_codes_left,
    resettable_users,
    second_factor_disable,
    second_factor_required,
    second_factor_reset,
    second_factor_verify,
    second_factor_wait_until,
    totp_device_confirm,
    totp_device_start,
)
from web.accounts.forms import SecondFactorCodeForm, TotpConfirmForm
from web.middleware import SECOND_FACTOR_PENDING_KEY

SETUP_DEVICE_KEY = "parcours_totp_setup_device"
NEW_CODES_KEY = "parcours_new_recovery_codes"
ACCOUNTS_PAGE_SIZE = 50


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _is_verified(request):
    return getattr(request.user, "is_verified", lambda: False)()


def _qr_svg(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    # Generated here from the device's key: no user input in the markup.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def _keep_next(url, request):
    next_url = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _grouped(key, size=4):
    return " ".join(key[i : i + size] for i in range(0, len(key), size))


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """After the password: a code from the application or a recovery code."""
    if not has_second_factor(request.user):
        return redirect(_keep_next(reverse("accounts:two_factor_setup"), request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_verify(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session.pop(SECOND_FACTOR_PENDING_KEY, None)
            if device.persistent_id.startswith("otp_static"):
                left = recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "Vous vous êtes connecté avec un code de secours ; il ne servira plus. Il vous en reste %(left)s : générez-en de nouveaux depuis la page « Sécurité du compte »."
                    )
                    % {"left": left},
                )
            return redirect(_next_url(request))
        wait_until = second_factor_wait_until(request.user)
        if wait_until is not None:
            seconds = max(1, math.ceil((wait_until - timezone.now()).total_seconds()))
            form.add_error(
                "code",
                _(
                    "Trop de codes erronés : attendez %(seconds)s secondes avant d'en saisir un nouveau."
                )
                % {"seconds": seconds},
            )
        form.add_error(
            "code",
            _(
                "Ce code n'est pas valable : vérifiez qu'il s'agit du code affiché en ce moment par votre application (l'heure du téléphone doit être juste), ou saisissez un code de secours non utilisé."
            ),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", ""), "second_factor_pending": True},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authentication application: QR code and key, then a first code.

    Replacing an application already set up needs a session verified with it
    (a password alone never registers a new device)."""
    if has_second_factor(request.user) and not _is_verified(request):
        return redirect("accounts:two_factor_verify")
    device = None
    device_id = request.session.get(SETUP_DEVICE_KEY)
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    if device is None:
        device = totp_device_start(user=request.user)
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = "".join(form.cleaned_data["code"].split())
        confirmed = totp_device_confirm(user=request.user, device_id=device.pk, token=token)
        if confirmed is not None:
            request.session.pop(SETUP_DEVICE_KEY, None)
            request.session.cycle_key()
            django_otp.login(request, confirmed)
            request.session.pop(SECOND_FACTOR_PENDING_KEY, None)
            request.session[NEW_CODES_KEY] = recovery_codes_generate(user=request.user)
            messages.success(request, _("La double authentification est activée sur votre compte."))
            return redirect(_keep_next(reverse("accounts:recovery_codes"), request))
        form.add_error(
            "code",
            _(
                "Ce code ne correspond pas à la clé affichée : saisissez les 6 chiffres affichés en ce moment par l'application après avoir scanné le QR code."
            ),
        )
    key = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "manual_key": _grouped(key),
            "next": request.GET.get("next", ""),
            "replacing": has_second_factor(request.user),
            "second_factor_pending": not _is_verified(request),
        },
        status=422 if form.errors else 200,
    )


def recovery_codes(request):
    """The new recovery codes, shown once (then gone from the session)."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _next_url(request, default="accounts:security")},
    )


@require_POST
def recovery_codes_regenerate(request):
    if not has_second_factor(request.user) or not _is_verified(request):
        messages.error(
            request,
            _("Activez d'abord la double authentification, puis générez des codes de secours."),
        )
        return redirect("accounts:security")
    request.session[NEW_CODES_KEY] = recovery_codes_generate(user=request.user)
    messages.success(
        request, _("Nouveaux codes de secours générés : les anciens ne fonctionnent plus.")
    )
    return redirect("accounts:recovery_codes")


@require_POST
def two_factor_disable(request):
    if second_factor_required(request.user):
        messages.error(
            request,
            _("La double authentification est obligatoire pour votre rôle : elle reste active."),
        )
        return redirect("accounts:security")
    if has_second_factor(request.user) and not _is_verified(request):
        return redirect("accounts:two_factor_verify")
    second_factor_disable(user=request.user)
    messages.success(request, _("La double authentification est désactivée sur votre compte."))
    return redirect("accounts:security")


def security(request):
    """The account's security page (account menu)."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "enabled": has_second_factor(user),
            "required": second_factor_required(user),
            "codes_left": recovery_codes_left(user),
            "can_reset_others": user.is_superuser or scope_of(user).is_admin,
        },
    )


def two_factor_accounts(request):
    """An administrator's list of the accounts whose second factor they may reset."""
    if not (request.user.is_superuser or scope_of(request.user).is_admin):
        raise Http404
    users = resettable_users(request.user)
    users = users.annotate(
        has_totp=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))
    ).order_by("last_name", "first_name", "username")
    page = Paginator(users, ACCOUNTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/two_factor_accounts.html", {"page": page, "users": list(page)})


@require_http_methods(["GET", "POST"])
def two_factor_reset(request, user_id):
    """Reset another user's second factor (lost phone), after confirmation."""
    target = get_object_or_404(resettable_users(request.user), pk=user_id)
    if not can_reset_second_factor(request.user, target):
        raise Http404
    if request.method == "POST":
        second_factor_reset(acting_user=request.user, target=target)
        messages.success(
            request,
            _(
                "La double authentification de %(name)s est réinitialisée : à sa prochaine connexion, la personne configurera une nouvelle application."
            )
            % {"name": target.get_full_name() or target.username},
        )
        return redirect("accounts:two_factor_accounts")
    return render(request, "accounts/two_factor_reset.html", {"target": target})
