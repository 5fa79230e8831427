"""Signing in, and each role's home page."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from caseload.perms import scope_of
from caseload.two_factor import has_second_factor, second_factor_required
from web.accounts.forms import LoginForm
from web.middleware import SECOND_FACTOR_PENDING_KEY


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """After the password, a user with a second factor (or whose role
        requires one) goes to its verification page, the page asked kept."""
        response = super().form_valid(form)
        user = form.get_user()
        if second_factor_required(user) or has_second_factor(user):
            self.request.session[SECOND_FACTOR_PENDING_KEY] = True
            url = reverse("accounts:two_factor_verify")
            return redirect(f"{url}?{urlencode({'next': self.get_success_url()})}")
        return response


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
