"""Manager console, part 1: the loads dashboard, a staff member's portfolio,
binômes, referent change requests and cap policies. Views stay thin: scoping
through `visible_to`, input through forms, rules in `caseload.services`."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beneficiaries.models import Beneficiary
from caseload.enums import ChangeRequestStatus, Programme, StaffRole
from caseload.models import (
    Assignment,
    Binome,
    CapPolicy,
    ReferentChangeRequest,
    StaffProfile,
)
from caseload.perms import OutOfScope, managed_people_q, scope_of
from caseload.selectors import (
    SuggestionPool,
    TeamLoads,
    attach_load_counts,
    cap_table,
    programme_loads,
    staff_choice_groups,
    team_members,
)
from caseload.services.assignments import assignments_end_many, assignments_reassign_many
from caseload.services.binomes import binome_create, binome_dissolve
from caseload.services.change_requests import change_request_accept, change_request_refuse
from caseload.services.reference import cap_policies_update
from core.date_ranges import day_text
from pathways.selectors import open_programmes, open_stages, roles_for_stage
from web.audit import trace_list, trace_people
from web.console.forms import (
    AcceptForm,
    BinomeForm,
    CapPoliciesForm,
    EndForm,
    ReassignForm,
    RefuseForm,
    TeamFilterForm,
    errors_text,
)
from web.console.helpers import (
    BadInput,
    all_or_refuse,
    ids_from,
    manager_required,
    redirect_back,
    refusal,
)
from web.console.queue import staff_choices, staff_options_html
from web.load_bars import load_bar
from web.row_links import url_by_pk

TEAM_PAGE_SIZE = 50


def _referents(user):
    return StaffProfile.objects.visible_to(user).active().referents()


def _filtered_team(request, members):
    """(form, members shown, programmes shown, status) after the dashboard's
    filters, applied to the members already read (their structures are the
    choices: no query); an invalid filter shows everything, with a 400 and
    the errors."""
    structures = sorted(
        {(m.structure_name, m.structure_id) for m in members},
    )
    form = TeamFilterForm(
        request.GET or None,
        structures=[SimpleNamespace(pk=pk, name=name) for name, pk in structures],
    )
    status = 200
    programmes = list(Programme)
    if form.is_bound and not form.is_valid():
        status = 400
        messages.error(request, errors_text(form))
        form = TeamFilterForm(
            structures=[SimpleNamespace(pk=pk, name=name) for name, pk in structures]
        )
    if form.is_bound:
        if form.cleaned_data["role"]:
            members = [m for m in members if m.role == form.cleaned_data["role"]]
        if form.cleaned_data["structure"]:
            members = [m for m in members if m.structure_id == form.cleaned_data["structure"]]
        if form.cleaned_data["programme"]:
            programmes = [Programme(form.cleaned_data["programme"])]
    return form, members, programmes, status


def _binome_people(among=None):
    """The number of people a binôme follows (its active assignments), or of
    those matching `among` (a Q on the assignment), as a subquery per
    binôme on the binôme's index rather than a join grouped afterwards: the
    join sorted every assignment the binômes ever had (100 to 200 ms at
    100,000 people)."""
    assignments = Assignment.objects.filter(binome=OuterRef("pk"), ended_at__isnull=True)
    if among is not None:
        assignments = assignments.filter(among)
    people = (
        assignments.order_by()
        .values("binome")
        .annotate(people=Count("beneficiary", distinct=True))
        .values("people")
    )
    return Coalesce(Subquery(people, output_field=IntegerField()), 0)


def _team_binomes_and_overrides(user):
    """The active binômes with their shared load, and the latest cap
    overrides: read here, two queries (none from the template)."""
    visible_staff = StaffProfile.objects.visible_to(user)
    binomes = list(
        Binome.objects.filter(
            dissolved_at__isnull=True,
            pe_advisor__in=visible_staff,
            social_worker__in=visible_staff,
        )
        .select_related("pe_advisor__user", "social_worker__user")
        .annotate(shared=_binome_people())
        .order_by("pe_advisor__user__last_name", "pk")
    )
    # The partial index of overrides in force (`assignment_active_overrides`)
    # gives the latest ones first.
    overrides = list(
        Assignment.objects.active()
        .exclude(over_cap_reason="")
        .filter(staff__in=visible_staff)
        .filter(managed_people_q(user, "beneficiary__"))
        .select_related("staff__user", "beneficiary", "created_by")
        .order_by("-started_at", "-pk")[:50]
    )
    return binomes, overrides


@require_GET
@manager_required
def team(request):
    """The loads dashboard: each staff member of the manager's territories
    with active people / effective cap per programme, flags, totals by role
    and programme, binômes and their shared load, cap overrides, a chart.

    A fixed number of queries whatever the team's size: the staff (one, as
    plain values), their stored loads (one, `caseload.StaffLoad`), the caps
    (one), the pending requests (one), the binômes (one), the overrides
    (one). The unassigned people are the queue's business: the page links
    to it."""
    referents = _referents(request.user)
    members = team_members(referents.order_by("role", "user__last_name", "user__first_name", "pk"))
    form, members, programmes, status = _filtered_team(request, members)
    loads = TeamLoads(members, staff_queryset=referents)
    role_totals, programme_totals = loads.totals(programmes)
    page = Paginator(members, TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    binomes, overrides = _team_binomes_and_overrides(request.user)
    chart = {
        "labels": [str(total.label) for total in role_totals],
        "active": [total.active for total in role_totals],
        "cap": [total.cap for total in role_totals],
        "active_label": _("Personnes suivies"),
        "cap_label": _("Plafonds cumulés"),
    }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/team.html",
        {
            "form": form,
            "page": page,
            "rows": [
                _team_row(member, member_loads)
                for member, member_loads in loads.rows(page.object_list, programmes)
            ],
            "programmes": programmes,
            "role_totals": role_totals,
            "programme_totals": programme_totals,
            "binomes": binomes,
            "overrides": overrides,
            "chart": chart,
            "pending_requests": ReferentChangeRequest.objects.filter(
                status=ChangeRequestStatus.PENDING,
                beneficiary__in=Beneficiary.objects.visible_to(request.user),
            ).count(),
            "filter_query": query.urlencode(),
            "active_nav": "team",
            "console_tab": "team",
        },
        status=status,
    )


def _team_row(member, loads):
    """A row of the loads dashboard: the member's texts and link and a load
    bar per programme, ready to print (web/jinja2/console/team_rows.html:
    fifty members a page, six programmes each)."""
    name = member.full_name
    return {
        "member": member,
        "url": url_by_pk("console:staff", member.pk),
        "name": name,
        "part_time": (
            _("quotité %(ratio)s") % {"ratio": floatformat(member.part_time_ratio, "-2")}
            if member.part_time_ratio < 1
            else ""
        ),
        "role": member.role_label,
        "structure": member.structure_name,
        "bars": [load_bar(load, name) for load in loads],
    }


# --- A staff member's portfolio -------------------------------------------------------


def _staff_row(assignment, ticked):
    """A row of a staff member's portfolio, texts and link ready to print (a
    referent follows up to 130 people)."""
    person = assignment.beneficiary
    return {
        "assignment": assignment,
        "id": str(assignment.pk),
        "ticked": assignment.pk in ticked,
        "name": f"{person.last_name.upper()} {person.first_name}",
        "choose_label": _("Choisir %(name)s") % {"name": person.full_name},
        "url": url_by_pk("console:person", person.pk),
        "programme": str(Programme(assignment.programme).label),
        "since": day_text(timezone.localtime(assignment.started_at)),
    }


def _staff_page(request, staff, *, status=200, refused=None):
    staff = get_object_or_404(
        _referents(request.user).select_related("user", "structure"),
        pk=staff.pk if hasattr(staff, "pk") else staff,
    )
    attach_load_counts([staff])
    loads = programme_loads(staff, cap_table(staff.structure.departement_id))
    # A referent may work in territories of other managers too: only the
    # people of this manager's territories are listed (and can be acted on).
    assignments = list(
        Assignment.objects.active()
        .filter(staff=staff)
        .filter(managed_people_q(request.user, "beneficiary__"))
        .select_related("beneficiary")
        .order_by("beneficiary__last_name", "beneficiary__first_name", "pk")
    )
    trace_list(
        request, "console : portefeuille d'un professionnel", len(assignments), {"staff": staff.pk}
    )
    ticked = refused["ticked"] if refused else frozenset()
    return render(
        request,
        "console/staff_detail.html",
        {
            "staff": staff,
            "loads": loads,
            "assignments": assignments,
            "rows": [_staff_row(assignment, ticked) for assignment in assignments],
            # The other referents, as the queue's select renders them (a
            # template loop over 400 referents took 100 ms).
            "staff_options": staff_options_html(
                staff_choices(_referents(request.user).exclude(pk=staff.pk)),
                selected=refused["staff"] if refused and refused.get("key") == "lot" else None,
            ),
            "refused": refused,
            "end_form": EndForm(),
            "reassign_form": ReassignForm(),
            "active_nav": "team",
            "console_tab": "team",
        },
        status=status,
    )


@require_GET
@manager_required
def staff_detail(request, pk):
    """Drill-down: the people a staff member follows, with their loads; end or
    move many at once."""
    return _staff_page(request, pk)


@require_POST
@manager_required
def assignments_bulk(request, pk):
    """End or reassign selected assignments of a staff member, all or nothing."""
    staff = get_object_or_404(_referents(request.user), pk=pk)
    try:
        ids = ids_from(request.POST.getlist("assignments"))
    except BadInput:
        messages.error(request, _("Sélection illisible."))
        return _staff_page(request, staff, status=400)
    if not ids:
        messages.error(request, _("Choisissez au moins une personne."))
        return _staff_page(request, staff, status=400)
    try:
        chosen = all_or_refuse(
            Assignment.objects.active()
            .filter(staff=staff)
            .filter(managed_people_q(request.user, "beneficiary__"))
            .select_related("beneficiary"),
            ids,
        )
    except OutOfScope as error:
        messages.error(request, " ".join(error.messages))
        return _staff_page(request, staff, status=403)
    action = request.POST.get("action")
    try:
        if action == "end":
            form = EndForm(request.POST)
            if not form.is_valid():
                raise ValidationError(errors_text(form))
            count = assignments_end_many(
                assignments=chosen,
                acting_user=request.user,
                end_reason=form.cleaned_data["end_reason"],
                detail=form.cleaned_data["detail"],
            )
            messages.success(request, _("%(count)s suivi(s) terminé(s).") % {"count": count})
        elif action == "reassign":
            form = ReassignForm(request.POST)
            if not form.is_valid():
                raise ValidationError(errors_text(form))
            new_staff = get_object_or_404(_referents(request.user), pk=form.cleaned_data["staff"])
            assignments_reassign_many(
                assignments=chosen,
                new_staff=new_staff,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                end_reason=form.cleaned_data["end_reason"],
                over_cap_reason=form.cleaned_data["over_cap_reason"],
            )
            messages.success(
                request,
                _("%(count)s personne(s) confiée(s) à %(name)s.")
                % {"count": len(chosen), "name": new_staff.user.get_full_name()},
            )
        else:
            raise ValidationError(_("Action inconnue."))
        trace_people(
            request,
            [a.beneficiary_id for a in chosen],
            "fin de suivi en lot" if action == "end" else "changement de référent en lot",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _staff_page(
            request, staff, status=422, refused=refusal(request, "lot", error, ticked="assignments")
        )
    return redirect_back(request, reverse("console:staff", args=[staff.pk]))


# --- Binômes --------------------------------------------------------------------------


def _binomes_page(request, *, status=200):
    visible = StaffProfile.objects.visible_to(request.user)
    managed = managed_people_q(request.user, "beneficiary__")
    binomes = (
        Binome.objects.filter(pe_advisor__in=visible, social_worker__in=visible)
        .select_related("pe_advisor__user", "social_worker__user")
        .annotate(
            shared=_binome_people(),
            # People followed by the binôme outside the manager's territories:
            # then only their own manager (or an admin) may dissolve it, and
            # the button is disabled here.
            outside=_binome_people(~managed) if managed else Value(0),
        )
        .order_by("dissolved_at", "-created_at", "-pk")
    )
    referents = list(_referents(request.user).select_related("user").order_by("user__last_name"))
    return render(
        request,
        "console/binomes.html",
        {
            "binomes": binomes,
            "advisors": [s for s in referents if s.role == StaffRole.PE_ADVISOR],
            "social_workers": [s for s in referents if s.role == StaffRole.SOCIAL_WORKER],
            "active_nav": "team",
            "console_tab": "binomes",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def binomes(request):
    """Binômes of the manager's territories; form a new one."""
    if request.method == "GET":
        return _binomes_page(request)
    form = BinomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _binomes_page(request, status=400)
    referents = _referents(request.user).select_related("structure")
    advisor = get_object_or_404(referents, pk=form.cleaned_data["pe_advisor"])
    worker = get_object_or_404(referents, pk=form.cleaned_data["social_worker"])
    try:
        binome_create(pe_advisor=advisor, social_worker=worker, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _binomes_page(request, status=422)
    messages.success(request, _("Binôme formé."))
    return redirect_back(request, reverse("console:binomes"))


@require_POST
@manager_required
def binome_dissolve_view(request, pk):
    visible = StaffProfile.objects.visible_to(request.user)
    binome = get_object_or_404(
        Binome.objects.filter(pe_advisor__in=visible, social_worker__in=visible), pk=pk
    )
    try:
        binome_dissolve(binome=binome, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _binomes_page(request, status=422)
    messages.success(
        request, _("Binôme dissous : les personnes qu'il suivait retournent dans la file.")
    )
    return redirect_back(request, reverse("console:binomes"))


# --- Referent change requests ----------------------------------------------------------


def _requests_page(request, *, status=200, refused=None):
    visible_people = Beneficiary.objects.visible_to(request.user)
    requests = ReferentChangeRequest.objects.filter(beneficiary__in=visible_people).select_related(
        "beneficiary", "requested_by", "new_staff__user", "decided_by"
    )
    pending = list(
        requests.filter(status=ChangeRequestStatus.PENDING).order_by("requested_at", "pk")
    )
    decided = list(
        requests.exclude(status=ChangeRequestStatus.PENDING).order_by("-decided_at", "-pk")[:30]
    )
    pool = SuggestionPool(request.user)
    stages = open_stages(r.beneficiary_id for r in pending)
    return render(
        request,
        "console/change_requests.html",
        {
            # Each request with the referents it may go to: the role asked
            # for first, then the other roles the person's stage needs.
            "pending": [
                (
                    change_request,
                    staff_choice_groups(
                        pool.staff,
                        roles=[
                            *(
                                [change_request.requested_role]
                                if change_request.requested_role
                                else []
                            ),
                            *roles_for_stage(stages.get(change_request.beneficiary_id)),
                        ],
                    ),
                )
                for change_request in pending
            ],
            "decided": decided,
            "refused": refused,
            "active_nav": "team",
            "console_tab": "requests",
        },
        status=status,
    )


@require_GET
@manager_required
def change_requests(request):
    """Referents' requests for another referent, oldest first."""
    return _requests_page(request)


def _pending_request_or_404(request, pk):
    return get_object_or_404(
        ReferentChangeRequest.objects.filter(
            beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("beneficiary"),
        pk=pk,
    )


@require_POST
@manager_required
def change_request_accept_view(request, pk):
    change_request = _pending_request_or_404(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _requests_page(request, status=400)
    new_staff = get_object_or_404(_referents(request.user), pk=form.cleaned_data["staff"])
    person_id = change_request.beneficiary_id
    try:
        change_request_accept(
            change_request=change_request,
            new_staff=new_staff,
            acting_user=request.user,
            programme=open_programmes([person_id])[person_id],
            reason=form.cleaned_data["reason"],
            over_cap_reason=form.cleaned_data["over_cap_reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _requests_page(
            request, status=422, refused=refusal(request, f"accepter-{change_request.pk}", error)
        )
    messages.success(request, _("Demande acceptée : nouveau référent affecté."))
    return redirect_back(request, reverse("console:requests"))


@require_POST
@manager_required
def change_request_refuse_view(request, pk):
    change_request = _pending_request_or_404(request, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _requests_page(request, status=400)
    try:
        change_request_refuse(
            change_request=change_request,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _requests_page(request, status=422)
    messages.success(request, _("Demande refusée."))
    return redirect_back(request, reverse("console:requests"))


# --- Cap policies (admins) --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@manager_required
def cap_policies(request):
    """The caps of the Département, role × programme. Managers read them;
    admins edit them (an empty cap means "not set")."""
    scope = scope_of(request.user)
    policies = list(
        CapPolicy.objects.filter(departement_id=scope.departement_id).order_by("role", "programme")
        if not scope.everything
        else CapPolicy.objects.select_related("departement").order_by(
            "departement__code", "role", "programme"
        )
    )
    can_edit = scope.is_admin or scope.everything
    status = 200
    form = CapPoliciesForm(policies=policies)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = CapPoliciesForm(request.POST, policies=policies)
        if form.is_valid():
            cap_policies_update(caps=form.caps(), acting_user=request.user)
            messages.success(request, _("Plafonds enregistrés."))
            return redirect_back(request, reverse("console:caps"))
        messages.error(
            request,
            _(
                "Aucun plafond n'a été enregistré : corrigez les valeurs signalées, "
                "les autres modifications sont conservées. %(errors)s"
            )
            % {"errors": errors_text(form)},
        )
        status = 400
    return render(
        request,
        "console/cap_policies.html",
        {
            "rows": form.rows(),
            "can_edit": can_edit,
            "active_nav": "team",
            "console_tab": "caps",
        },
        status=status,
    )
