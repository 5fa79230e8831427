"""Responses shared by the record's htmx forms."""

from django.contrib import messages
from django.shortcuts import redirect, render

from beneficiaries.services import access_log_record
from web.workspace.record import record_context


def render_record(request, person, *, flash=None):
    """After a successful write: with htmx, the whole record re-rendered in
    place (no full reload) with a status message; without, back to the record
    page (post/redirect/get). The re-rendered record is a read, so it is traced."""
    if not request.htmx:
        if flash:
            messages.success(request, flash)
        return redirect(person.get_absolute_url())
    context = record_context(request.user, person)
    access_log_record(user=request.user, beneficiary=person, detail="fiche")
    response = render(
        request,
        "workspace/_record.html",
        {**context, "flash": flash},
    )
    response["HX-Retarget"] = "#fiche"
    response["HX-Reswap"] = "outerHTML"
    return response


def render_panel(request, template, context, *, status=200):
    """A form of the record: the fragment for htmx, a whole page otherwise.
    A form opened (or shown again with its errors) shows the person: traced."""
    person = context.get("person")
    if person is not None:
        name = template.rsplit("/", 1)[-1].removeprefix("_").removesuffix(".html")
        access_log_record(user=request.user, beneficiary=person, detail=f"formulaire {name}")
    if request.htmx:
        return render(request, template, {"stale": False, **context}, status=status)
    return render(
        request,
        "workspace/form_page.html",
        {"stale": False, **context, "fragment": template},
        status=status,
    )
