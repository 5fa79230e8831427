"""Error pages that need a view of their own. 403, 404 and 500 are Django's
default views rendering templates/403.html, 404.html and 500.html."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (often a page left open across a
    new login, or cookies refused): a French page in the layout, never the
    reason (technical, in English)."""
    return render(request, "403_csrf.html", status=403)
