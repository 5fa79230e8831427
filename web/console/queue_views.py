"""Manager console, part 2: the unassigned queue, one person's assignment
page, orientation decisions, bulk actions and the balancing plan (their reads
in `web.console.queue`). Every assignment made here counts in the programme
of the person's open pathway, read with `pathways.selectors.open_programmes`."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from beneficiaries.enums import AccessAction
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import tags_of
from caseload.enums import Programme
from caseload.models import Assignment, Binome, Commune, StaffProfile, Territory
from caseload.perms import OutOfScope, can_read_audit_trail
from caseload.selectors import SuggestionPool, binome_candidates
from caseload.services.assignments import (
    assignment_end,
    assignment_reassign,
    assignments_create_many,
)
from caseload.services.binomes import binome_enrol
from pathways.models import Deadline, OrientationDecision, Pathway
from pathways.selectors import (
    open_programmes,
    open_stages,
    roles_for_stage,
    unassigned_count,
    unassigned_due_bound,
    unassigned_queue,
)
from pathways.services.orientation import orientation_decide, orientations_decide
from privacy.restrictions import active_restrictions
from web.audit import trace_list, trace_people, trace_person
from web.console.forms import (
    AssignForm,
    EndForm,
    EnrolForm,
    OrientationForm,
    QueueFilterForm,
    ReassignForm,
    errors_text,
)
from web.console.helpers import (
    BadInput,
    all_or_404,
    all_or_refuse,
    ids_from,
    manager_required,
    redirect_back,
    refusal,
)
from web.console.queue import (
    BALANCE_LIMIT,
    balance_plan,
    balance_rows,
    one_query_page,
    page_number,
    pool_loads,
    queue_rows,
    staff_choices,
    staff_options_html,
)

# The element the queue's filters refresh (htmx target).
QUEUE_RESULTS_ID = "file-resultats"
# What the assignment services read of a person of a balancing plan (200 of
# them): the scope, the Département, and the name a refusal's message gives.
_PLANNED_PERSON_FIELDS = ("departement", "territory", "first_name", "last_name")


def _referents(user):
    return StaffProfile.objects.visible_to(user).active().referents()


# --- Queue ------------------------------------------------------------------------------


def _queue_page(request, *, status=200, refused=None):
    """The queue page; its search and filters come from the query string, and
    an htmx request from the filters gets the results only (the URL pushed
    keeps the filters)."""
    form = QueueFilterForm(
        request.GET or None,
        territories=Territory.objects.visible_to(request.user).order_by("name", "pk"),
        communes=Commune.objects.filter(
            territory__in=Territory.objects.visible_to(request.user)
        ).order_by("name", "postcode", "pk"),
        tags=tags_of(request.user),
    )
    today = timezone.localdate()
    filters = form.filters()
    number = page_number(request.GET.get("page"))
    total = unassigned_count(request.user, **filters)
    # The people up to the page's last row are due on or before its bound.
    bound = (
        unassigned_due_bound(request.user, number * settings.QUEUE_PAGE_SIZE, **filters)
        if total
        else None
    )
    people = unassigned_queue(request.user, today=today, due_by=bound, **filters)
    page = one_query_page(people, number, settings.QUEUE_PAGE_SIZE, total=total)
    pool = SuggestionPool(request.user)
    rows = queue_rows(
        list(page), pool, today=today, ticked=refused["ticked"] if refused else frozenset()
    )
    trace_list(request, "file d'attente", len(rows), filters)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "loads": pool_loads(
            pool, [row["suggestion"].staff.pk for row in rows if row["suggestion"]]
        ),
        "programmes": list(Programme),
        "staff_options": staff_options_html(
            staff_choices(pool.queryset),
            selected=refused["staff"] if refused and refused.get("key") == "lot" else None,
        ),
        # Where a referent chosen in a row's fragment sends back to.
        "next_query": urlencode({"next": request.get_full_path()}),
        "next_path": request.get_full_path(),
        "refused": refused,
        "orientation_form": OrientationForm(),
        "active_nav": "team",
        "console_tab": "queue",
    }
    template = "console/queue.html"
    if request.htmx and request.htmx.target == QUEUE_RESULTS_ID:
        template = "console/includes/queue_results.html"
    return render(request, template, context, status=status)


@require_GET
@vary_on_headers("HX-Request")
@manager_required
def queue(request):
    """People with no referent, the oldest deadline first; searched and
    filtered from the query string."""
    return _queue_page(request)


def _queue_url(request):
    """The queue page (with its filters) the fragment was fetched from."""
    target = request.GET.get("next", "")
    if not target.startswith(reverse("console:queue")) or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return reverse("console:queue")
    return target


@require_GET
@manager_required
def queue_referents(request, pk):
    """The select of every referent for one person of the queue (the roles
    of the person's stage first), fetched by the row's "Choisir un autre
    référent" button: the queue page itself carries only the suggestion."""
    person = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    stage = open_stages([person.pk]).get(person.pk)
    return render(
        request,
        "console/includes/queue_referent_choice.html",
        {
            "person": person,
            "staff_groups": staff_choices(_referents(request.user), roles=roles_for_stage(stage)),
            "next": _queue_url(request),
            "select_id": f"autre-{person.pk}-referent",
            "reason_id": f"autre-{person.pk}-depassement",
        },
    )


def _selected_people(request):
    ids = ids_from(request.POST.getlist("people"))
    if not ids:
        raise ValidationError(_("Choisissez au moins une personne."))
    return all_or_refuse(Beneficiary.objects.visible_to(request.user), ids)


def _read_batch(request, form):
    """(people, None) when the selection and the form are valid, otherwise
    (None, the queue page with the French message and a 400)."""
    try:
        people = _selected_people(request)
        if not form.is_valid():
            raise BadInput
    except BadInput:
        messages.error(request, errors_text(form) or _("Sélection illisible."))
        return None, _queue_page(request, status=400)
    except OutOfScope as error:
        messages.error(request, " ".join(error.messages))
        return None, _queue_page(request, status=403)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None, _queue_page(request, status=400)
    return people, None


@require_POST
@manager_required
def queue_assign(request):
    """Assign the selected people to one referent: all or nothing."""
    form = AssignForm(request.POST)
    people, error_response = _read_batch(request, form)
    if error_response is not None:
        return error_response
    staff = get_object_or_404(_referents(request.user), pk=form.cleaned_data["staff"])
    try:
        assignments_create_many(
            pairs=[(person, staff) for person in people],
            programmes=open_programmes(person.pk for person in people),
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            over_cap_reason=form.cleaned_data["over_cap_reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _queue_page(request, status=422, refused=refusal(request, "lot", error))
    trace_people(request, people, "affectation en lot")
    messages.success(
        request,
        _("%(count)s personne(s) confiée(s) à %(name)s.")
        % {"count": len(people), "name": staff.user.get_full_name()},
    )
    return redirect_back(request, reverse("console:queue"))


@require_POST
@manager_required
def queue_orient(request):
    """The same orientation decision for the selected new applicants."""
    form = OrientationForm(request.POST)
    people, error_response = _read_batch(request, form)
    if error_response is not None:
        return error_response
    pathways = list(Pathway.objects.open().filter(beneficiary__in=people))
    try:
        if len(pathways) != len(people):
            raise ValidationError(_("Une des personnes choisies n'a pas de parcours en cours."))
        orientations_decide(
            pathways=pathways,
            acting_user=request.user,
            **form.cleaned_data,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _queue_page(request, status=422)
    trace_people(request, people, "orientation en lot")
    messages.success(
        request, _("Orientation enregistrée pour %(count)s personne(s).") % {"count": len(people)}
    )
    return redirect_back(request, reverse("console:queue"))


@require_GET
@manager_required
def balance(request):
    """ "Équilibrer la file": the proposed plan, to review before confirming."""
    plan = balance_plan(request.user)
    return render(
        request,
        "console/balance.html",
        {
            "plan": plan,
            "rows": balance_rows(plan),
            "planned": sum(1 for _p, c in plan if c is not None),
            "limit": BALANCE_LIMIT,
            "active_nav": "team",
            "console_tab": "queue",
        },
    )


@require_POST
@manager_required
def balance_confirm(request):
    """Apply a reviewed plan, all or nothing (caps checked again under lock)."""
    try:
        pairs = [value.split(":", 1) for value in request.POST.getlist("plan")]
        person_ids = ids_from(p for p, _s in pairs)
        staff_ids = ids_from(s for _p, s in pairs)
        if not pairs or len(person_ids) != len(pairs):
            raise BadInput
    except (BadInput, ValueError):
        messages.error(request, _("Plan illisible : recalculez-le."))
        return _queue_page(request, status=400)
    try:
        people = dict(
            zip(
                person_ids,
                all_or_refuse(
                    Beneficiary.objects.visible_to(request.user).only(*_PLANNED_PERSON_FIELDS),
                    person_ids,
                ),
                strict=True,
            )
        )
    except OutOfScope as error:
        messages.error(
            request,
            " ".join(error.messages) + " " + _("Le plan n'a pas été appliqué : recalculez-le."),
        )
        return _queue_page(request, status=403)
    # The service locks and reads the staff rows again: here only their scope.
    staff = {s.pk: s for s in all_or_404(_referents(request.user).only("pk"), staff_ids)}
    try:
        assignments_create_many(
            pairs=[(people[int(p)], staff[int(s)]) for p, s in pairs],
            programmes=open_programmes(person_ids),
            acting_user=request.user,
            reason=_("Équilibrage de la file"),
        )
    except ValidationError as error:
        messages.error(
            request,
            " ".join(error.messages) + " " + _("Le plan n'a pas été appliqué : recalculez-le."),
        )
        return _queue_page(request, status=422)
    trace_people(request, person_ids, "équilibrage de la file")
    messages.success(
        request, _("Plan appliqué : %(count)s personne(s) affectée(s).") % {"count": len(pairs)}
    )
    return redirect_back(request, reverse("console:queue"))


# --- One person ------------------------------------------------------------------------


def _person_page(request, pk, *, status=200, refused=None):
    person = get_object_or_404(
        Beneficiary.objects.visible_to(request.user).select_related("territory"), pk=pk
    )
    pathway = (
        Pathway.objects.open()
        .filter(beneficiary=person)
        .prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "pk")),
            Prefetch(
                "orientations",
                queryset=OrientationDecision.objects.select_related("decided_by").order_by(
                    "-decided_on", "-pk"
                ),
            ),
        )
        .first()
    )
    assignments = list(
        Assignment.objects.filter(beneficiary=person)
        .select_related("staff__user", "binome", "created_by", "ended_by")
        .order_by("-started_at", "-pk")
    )
    programme = pathway.programme if pathway else Programme.DROIT_COMMUN
    trace_person(request, person, "console : fiche")
    pool = SuggestionPool(request.user)
    # The referents the stage needs, by role, for the selects (four columns
    # of each, rendered once for every select of the page).
    stage_roles = roles_for_stage(pathway.stage if pathway else None)
    staff_groups = staff_choices(pool.queryset.filter(role__in=stage_roles), roles=stage_roles)
    candidates = pool.candidates(
        territory_id=person.territory_id,
        roles=stage_roles,
        programme=programme,
        previous_staff_ids={a.staff_id for a in assignments if not a.is_active},
        limit=5,
    )
    today = timezone.localdate()
    return render(
        request,
        "console/person.html",
        {
            "person": person,
            "pathway": pathway,
            "can_read_audit_trail": can_read_audit_trail(request.user),
            # Objection or restriction of processing that holds: a banner and
            # the person's RGPD rights page (export, objection, restriction).
            "active_restrictions": active_restrictions(person.pk),
            "rights_url": reverse("privacy:person", args=[person.pk]),
            "deadlines": (
                [(d, d.state_on(today)) for d in pathway.deadlines.all()] if pathway else []
            ),
            "current": [a for a in assignments if a.is_active],
            "history": [a for a in assignments if not a.is_active],
            "candidates": candidates,
            "binomes": binome_candidates(request.user, territory_id=person.territory_id)[:5],
            "staff_options": staff_options_html(staff_groups),
            # The select of a refused form keeps the referent chosen.
            "refused_staff_options": (
                staff_options_html(staff_groups, selected=refused["staff"]) if refused else None
            ),
            "refused": refused,
            "orientation_form": OrientationForm(
                initial={"programme": programme} if pathway else None
            ),
            "end_form": EndForm(),
            "reassign_form": ReassignForm(),
            "enrol_form": EnrolForm(),
            "active_nav": "team",
            "console_tab": "queue",
        },
        status=status,
    )


@require_GET
@manager_required
def person(request, pk):
    """One person: deadlines, orientation, current and past referents, the
    ranked eligible staff and binômes."""
    return _person_page(request, pk)


def _visible_person(request, pk):
    return get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)


@require_POST
@manager_required
def person_assign(request, pk):
    person = _visible_person(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _person_page(request, pk, status=400)
    staff = get_object_or_404(_referents(request.user), pk=form.cleaned_data["staff"])
    try:
        assignments_create_many(
            pairs=[(person, staff)],
            programmes=open_programmes([person.pk]),
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            over_cap_reason=form.cleaned_data["over_cap_reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_page(request, pk, status=422, refused=refusal(request, "affecter", error))
    trace_person(request, person, "affectation", AccessAction.CHANGE)
    messages.success(
        request,
        _("%(name)s suit désormais %(person)s.")
        % {"person": person.full_name, "name": staff.user.get_full_name()},
    )
    return redirect_back(request, reverse("console:person", args=[pk]))


@require_POST
@manager_required
def person_orient(request, pk):
    person = _visible_person(request, pk)
    form = OrientationForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _person_page(request, pk, status=400)
    pathway = Pathway.objects.open().filter(beneficiary=person).first()
    try:
        if pathway is None:
            raise ValidationError(_("Cette personne n'a pas de parcours en cours."))
        orientation_decide(pathway=pathway, acting_user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_page(request, pk, status=422)
    trace_person(request, pk, "orientation", AccessAction.CHANGE)
    messages.success(request, _("Orientation enregistrée."))
    return redirect_back(request, reverse("console:person", args=[pk]))


@require_POST
@manager_required
def person_enrol(request, pk):
    """Enrol the person in accompagnement global with a binôme."""
    person = _visible_person(request, pk)
    form = EnrolForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _person_page(request, pk, status=400)
    visible = StaffProfile.objects.visible_to(request.user)
    binome = get_object_or_404(
        Binome.objects.filter(pe_advisor__in=visible, social_worker__in=visible),
        pk=form.cleaned_data["binome"],
    )
    try:
        binome_enrol(
            beneficiary=person,
            binome=binome,
            acting_user=request.user,
            advisor_agrees=form.cleaned_data["advisor_agrees"],
            social_worker_agrees=form.cleaned_data["social_worker_agrees"],
            reason=form.cleaned_data["reason"],
            over_cap_reason=form.cleaned_data["over_cap_reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_page(request, pk, status=422)
    trace_person(request, pk, "accompagnement global", AccessAction.CHANGE)
    messages.success(request, _("Personne suivie en accompagnement global par le binôme."))
    return redirect_back(request, reverse("console:person", args=[pk]))


def _visible_assignment(request, pk):
    return get_object_or_404(
        Assignment.objects.active()
        .filter(beneficiary__in=Beneficiary.objects.visible_to(request.user))
        .filter(staff__in=StaffProfile.objects.visible_to(request.user))
        .select_related("beneficiary"),
        pk=pk,
    )


@require_POST
@manager_required
def assignment_end_view(request, pk):
    assignment = _visible_assignment(request, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _person_page(request, assignment.beneficiary_id, status=400)
    try:
        assignment_end(
            assignment=assignment,
            acting_user=request.user,
            end_reason=form.cleaned_data["end_reason"],
            detail=form.cleaned_data["detail"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_page(request, assignment.beneficiary_id, status=422)
    trace_person(request, assignment.beneficiary, "fin de suivi", AccessAction.CHANGE)
    messages.success(request, _("Suivi terminé."))
    return redirect_back(request, reverse("console:person", args=[assignment.beneficiary_id]))


@require_POST
@manager_required
def assignment_reassign_view(request, pk):
    assignment = _visible_assignment(request, pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _person_page(request, assignment.beneficiary_id, status=400)
    new_staff = get_object_or_404(_referents(request.user), pk=form.cleaned_data["staff"])
    try:
        assignment_reassign(
            assignment=assignment,
            new_staff=new_staff,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            end_reason=form.cleaned_data["end_reason"],
            over_cap_reason=form.cleaned_data["over_cap_reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_page(
            request,
            assignment.beneficiary_id,
            status=422,
            refused=refusal(request, f"reaffecter-{assignment.pk}", error),
        )
    trace_person(request, assignment.beneficiary, "changement de référent", AccessAction.CHANGE)
    messages.success(
        request, _("Personne confiée à %(name)s.") % {"name": new_staff.user.get_full_name()}
    )
    return redirect_back(request, reverse("console:person", args=[assignment.beneficiary_id]))
