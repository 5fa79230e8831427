"""The service catalogue of the user's Département: browse and search the
actions, and prescribe one to a person (`?person=<id>`)."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from beneficiaries.models import Beneficiary
from beneficiaries.perms import can_edit_record
from beneficiaries.services import access_log_record
from caseload.models import Territory
from caseload.perms import scope_of
from pathways.models import ServiceOffer
from pathways.services.followup import catalogue_for
from web.workspace.forms import CatalogueFilterForm
from web.workspace.people import person_or_404
from web.workspace.record_forms import PrescribeForm

CATALOGUE_PAGE_SIZE = 30


@require_GET
def catalogue(request):
    """The service catalogue of the user's Département: browse and search by
    theme and territory; with `?person=<id>`, prescribe to that person."""
    scope = scope_of(request.user)
    territories = (
        Territory.objects.filter(departement_id=scope.departement_id).order_by("name")
        if scope.departement_id
        else Territory.objects.none()
    )
    form = CatalogueFilterForm(request.GET or None, territories=territories)
    offers = (
        ServiceOffer.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("territory")
    )
    person = None
    can_prescribe = False
    if form.is_valid():
        data = form.cleaned_data
        if data.get("person"):
            person = person_or_404(request, data["person"])
            # The prescribe buttons only for those whose prescription is taken
            # (`editable_person_or_404`): not a previous referent or a reader.
            can_prescribe = (
                can_edit_record(request.user)
                and Beneficiary.objects.writable_by(request.user).filter(pk=person.pk).exists()
            )
            offers = offers.filter(pk__in=catalogue_for(person).values("pk"))
            access_log_record(user=request.user, beneficiary=person, detail="offre de service")
        if data.get("q"):
            offers = offers.filter(Q(title__icontains=data["q"]) | Q(provider__icontains=data["q"]))
        if data.get("theme"):
            offers = offers.filter(theme=data["theme"])
        if data.get("territory"):
            offers = offers.filter(Q(territory_id=data["territory"]) | Q(territory__isnull=True))
    page = Paginator(offers.order_by("theme", "title", "pk"), CATALOGUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "person": person,
        "can_prescribe": can_prescribe,
        "prescribe_form": PrescribeForm(),
        "active_nav": "catalogue",
    }
    if request.htmx and request.htmx.target == "resultats":
        return render(request, "workspace/_catalogue_results.html", context)
    return render(request, "workspace/catalogue.html", context)
