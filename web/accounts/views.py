"""Signing in, and each role's home page."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from caseload.perms import scope_of
from web.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@require_GET
def home(request):
    """Send each role to its home page."""
    scope = scope_of(request.user)
    if scope.is_manager:
        return redirect("console:team")
    if scope.is_admin:
        return redirect("imports:list")
    if scope.everything and request.user.is_staff:
        return redirect("admin:index")
    return redirect("workspace:portfolio")
