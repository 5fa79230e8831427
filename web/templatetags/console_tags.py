from django import template

from caseload.models import ReferentChangeRequest

register = template.Library()


@register.inclusion_tag("console/includes/change_request_decisions.html", takes_context=True)
def change_request_decisions(context, person):
    """On a person's record: the referent change requests the reader made for
    this person and the manager's decision (one query)."""
    user = context["request"].user
    requests = list(
        ReferentChangeRequest.objects.filter(beneficiary_id=person.pk, requested_by_id=user.pk)
        .select_related("new_staff__user", "decided_by")
        .order_by("-requested_at", "-pk")[:5]
    )
    return {"change_requests": requests}
