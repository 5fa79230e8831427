from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caseload.perms import scope_of


def navigation(request):
    """The navigation entries of the user's role (no query beyond the scope,
    computed once per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_scope": None}
    scope = scope_of(user)
    items = []
    if scope.is_referent:
        items.append((_("Mon portefeuille"), reverse("workspace:portfolio"), "portfolio"))
        items.append((_("Offre de service"), reverse("workspace:catalogue"), "catalogue"))
        items.append((_("Agenda"), reverse("appointments:agenda"), "agenda"))
        items.append((_("À convoquer"), reverse("appointments:to_convoke"), "to_convoke"))
    if scope.is_manager or scope.is_admin or scope.everything:
        items.append((_("Équipe et plafonds"), reverse("console:team"), "team"))
        items.append((_("Personnes suivies"), reverse("workspace:portfolio"), "portfolio"))
        items.append((_("Délais dépassés"), reverse("console:overdue"), "overdue"))
        items.append((_("À convoquer"), reverse("appointments:to_convoke"), "to_convoke"))
        items.append((_("Statistiques"), reverse("stats:dashboard"), "stats"))
        items.append((_("Anonymisation"), reverse("retention:due_soon"), "retention"))
    if scope.is_admin:
        items.append((_("Imports"), reverse("imports:list"), "imports"))
    if scope.is_admin or user.is_staff:
        items.append((_("Administration"), reverse("admin:index"), "admin"))
    return {"nav_items": items, "user_scope": scope}
