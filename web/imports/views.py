"""Pages of applicant imports, for admins of a Département only.

upload → columns (and sheet) → dry run (background, progress bar) → report of
the dry run → confirm → import (background, progress bar) → final report.
Every page starts from `ApplicantImport.objects.visible_to(user)`: another
Département's import is a 404, any other role a 403.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload.models import Departement
from caseload.perms import scope_of
from intake.enums import ChangeKind, ImportPhase, ImportStatus, IssueSeverity, MatchDecision
from intake.imports import exports, jobs, services
from intake.imports.columns import unknown_columns
from intake.models import ApplicantImport, ColumnMapping, ImportRowChange, ImportRowIssue
from web.imports.forms import ColumnsForm, MappingRenameForm, RowFixForm, SheetForm, UploadForm

ISSUES_SHOWN = 200
PEOPLE_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 50


def admin_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = scope_of(request.user)
        if not scope.is_admin or scope.departement_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _get_import(request, pk):
    return get_object_or_404(
        ApplicantImport.objects.visible_to(request.user).select_related(
            "created_by", "confirmed_by", "mapping"
        ),
        pk=pk,
    )


@require_GET
@admin_required
def import_list(request):
    """The history: every import of the Département, who, when, counts."""
    imports = (
        ApplicantImport.objects.visible_to(request.user)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(imports, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page, "active_nav": "imports"})


@require_http_methods(["GET", "POST"])
@admin_required
def import_new(request):
    scope = scope_of(request.user)
    mappings = ColumnMapping.objects.visible_to(request.user).order_by("name", "pk")
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    upload_error = ""
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > limit + 65536:
        # Refused on its announced size; the web server in front should also
        # cap request bodies (e.g. nginx `client_max_body_size`).
        form = UploadForm(mappings=mappings)
        upload_error = _("Le fichier dépasse la taille maximale de %(size)s Mo.") % {
            "size": limit // (1024 * 1024)
        }
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES, mappings=mappings)
        if form.is_valid():
            try:
                applicant_import = services.import_upload(
                    acting_user=request.user,
                    departement=Departement.objects.get(pk=scope.departement_id),
                    uploaded_file=form.cleaned_data["file"],
                    mapping=form.cleaned_data["mapping"],
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect("imports:columns", pk=applicant_import.pk)
    else:
        form = UploadForm(mappings=mappings)
    return render(
        request,
        "imports/new.html",
        {
            "form": form,
            "upload_error": upload_error,
            "max_size_mb": limit // (1024 * 1024),
            "active_nav": "imports",
        },
    )


@require_http_methods(["GET", "POST"])
@admin_required
def import_columns(request, pk):
    applicant_import = _get_import(request, pk)
    if applicant_import.status != ImportStatus.UPLOADED:
        return redirect("imports:detail", pk=applicant_import.pk)
    sheet_form = None
    if applicant_import.file_kind == "xlsx" and len(applicant_import.sheet_names) > 1:
        sheet_form = SheetForm(
            initial={"sheet": applicant_import.sheet_name},
            sheet_names=applicant_import.sheet_names,
        )
    form = ColumnsForm(applicant_import=applicant_import)
    if request.method == "POST" and "sheet" in request.POST and sheet_form is not None:
        sheet_form = SheetForm(request.POST, sheet_names=applicant_import.sheet_names)
        if sheet_form.is_valid():
            try:
                services.import_change_sheet(
                    applicant_import=applicant_import, sheet_name=sheet_form.cleaned_data["sheet"]
                )
            except ValidationError as exc:
                sheet_form.add_error("sheet", exc)
            else:
                return redirect("imports:columns", pk=applicant_import.pk)
    elif request.method == "POST":
        form = ColumnsForm(request.POST, applicant_import=applicant_import)
        if form.is_valid():
            # When the task cannot be sent, the import is back to this step
            # and the detail page sends the admin here again, with why.
            services.import_analyse_request(
                applicant_import=applicant_import,
                acting_user=request.user,
                columns=form.cleaned_data["columns"],
                save_as=form.cleaned_data["save_as"].strip(),
            )
            return redirect("imports:detail", pk=applicant_import.pk)
    return render(
        request,
        "imports/columns.html",
        {
            "imp": applicant_import,
            "form": form,
            "sheet_form": sheet_form,
            "active_nav": "imports",
        },
    )


def _progress_context(applicant_import):
    seconds = applicant_import.seconds_left(timezone.now())
    return {"imp": applicant_import, "seconds_left": seconds}


@require_GET
@admin_required
def import_detail(request, pk):
    applicant_import = _get_import(request, pk)
    if applicant_import.status == ImportStatus.UPLOADED:
        return redirect("imports:columns", pk=applicant_import.pk)
    issues = ImportRowIssue.objects.filter(
        applicant_import=applicant_import, phase=applicant_import.phase
    ).order_by("line_number", "pk")
    rejected = issues.filter(severity=IssueSeverity.ERROR)
    warnings = issues.filter(severity=IssueSeverity.WARNING)
    show_report = applicant_import.status in (
        ImportStatus.ANALYSED,
        ImportStatus.DONE,
        ImportStatus.FAILED,
    )
    people = {}
    if show_report:
        people = {
            "created": _people_page(
                request, applicant_import, ChangeKind.CREATED, "nouvelles", "created_count"
            ),
            "updated": _people_page(
                request, applicant_import, ChangeKind.UPDATED, "maj", "updated_count"
            ),
        }
    return render(
        request,
        "imports/detail.html",
        {
            **_progress_context(applicant_import),
            "people": people,
            "show_report": show_report,
            "is_dry_run": applicant_import.phase == ImportPhase.DRY_RUN,
            "ignored_columns": unknown_columns(applicant_import.headers, applicant_import.columns),
            "can_fix": applicant_import.status == ImportStatus.ANALYSED
            and applicant_import.phase == ImportPhase.DRY_RUN,
            "rejected": list(rejected[:ISSUES_SHOWN]) if show_report else [],
            "warnings": list(warnings[:ISSUES_SHOWN]) if show_report else [],
            "issues_shown": ISSUES_SHOWN,
            "active_nav": "imports",
        },
    )


def _people_page(request, applicant_import, kind, parameter, count_field):
    """One page of the people a phase creates or updates: one query (the
    total is the import's own count)."""
    total = getattr(applicant_import, count_field)
    pages = max(1, -(-total // PEOPLE_PAGE_SIZE))
    try:
        number = min(max(1, int(request.GET.get(parameter, 1))), pages)
    except ValueError:
        number = 1
    start = (number - 1) * PEOPLE_PAGE_SIZE
    rows = list(
        ImportRowChange.objects.filter(
            applicant_import=applicant_import, phase=applicant_import.phase, kind=kind
        ).order_by("line_number", "pk")[start : start + PEOPLE_PAGE_SIZE]
    )
    others = request.GET.copy()
    others.pop(parameter, None)

    def url(page):
        query = others.copy()
        query[parameter] = page
        return f"?{query.urlencode()}#{parameter}"

    return {
        "rows": rows,
        "total": total,
        "number": number,
        "pages": pages,
        "anchor": parameter,
        "previous_url": url(number - 1) if number > 1 else "",
        "next_url": url(number + 1) if number < pages else "",
    }


@require_GET
@admin_required
def import_progress(request, pk):
    """The progress bar, polled by htmx; once the phase is over the whole
    page is reloaded to show the report."""
    applicant_import = _get_import(request, pk)
    if not applicant_import.is_in_progress:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", _progress_context(applicant_import))


@require_POST
@admin_required
def import_confirm(request, pk):
    applicant_import = _get_import(request, pk)
    if services.import_confirm(applicant_import=applicant_import, acting_user=request.user):
        applicant_import.refresh_from_db(fields=["status"])
        if applicant_import.status == ImportStatus.QUEUED:  # else the page says why
            messages.success(request, _("Import confirmé : il s'exécute en arrière-plan."))
    return redirect("imports:detail", pk=applicant_import.pk)


@require_POST
@admin_required
def import_cancel(request, pk):
    applicant_import = _get_import(request, pk)
    if jobs.import_cancel(applicant_import=applicant_import):
        messages.info(request, _("Import annulé : le fichier déposé a été supprimé."))
    return redirect("imports:detail", pk=applicant_import.pk)


@require_GET
@admin_required
def import_rejected(request, pk, fmt):
    applicant_import = _get_import(request, pk)
    issues = (
        ImportRowIssue.objects.filter(
            applicant_import=applicant_import,
            phase=applicant_import.phase,
            severity=IssueSeverity.ERROR,
        )
        .order_by("line_number", "pk")
        .iterator(chunk_size=2000)
    )
    stem = f"lignes-rejetees-import-{applicant_import.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.rejected_rows_xlsx(applicant_import, issues),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            exports.rejected_rows_csv(applicant_import, issues),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@require_GET
@admin_required
def mapping_list(request):
    """The column mappings saved per source: rename or delete them."""
    mappings = (
        ColumnMapping.objects.visible_to(request.user)
        .select_related("updated_by")
        .order_by("name", "pk")
    )
    return render(
        request,
        "imports/mappings.html",
        {
            "mappings": [
                (m, MappingRenameForm(initial={"name": m.name}, prefix=f"m{m.pk}"))
                for m in mappings
            ],
            "active_nav": "imports",
        },
    )


@require_POST
@admin_required
def mapping_rename(request, pk):
    mapping = get_object_or_404(ColumnMapping.objects.visible_to(request.user), pk=pk)
    form = MappingRenameForm(request.POST, prefix=f"m{mapping.pk}")
    if form.is_valid():
        try:
            services.mapping_rename(
                mapping=mapping, name=form.cleaned_data["name"], acting_user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Correspondance renommée."))
    else:
        messages.error(request, _("Indiquez un nom de 100 caractères au plus."))
    return redirect("imports:mappings")


@require_POST
@admin_required
def mapping_delete(request, pk):
    mapping = get_object_or_404(ColumnMapping.objects.visible_to(request.user), pk=pk)
    services.mapping_delete(mapping=mapping)
    messages.info(request, _("Correspondance supprimée."))
    return redirect("imports:mappings")


@require_POST
@admin_required
def import_match_decide(request, pk, issue_pk):
    """A row "à confirmer" of the dry run: the admin says whether it is the
    person of the same names and birth date already recorded (the import
    then updates them) or another person (the import creates them)."""
    applicant_import = _get_import(request, pk)
    issue = get_object_or_404(
        ImportRowIssue.objects.filter(
            applicant_import=applicant_import,
            phase=ImportPhase.DRY_RUN,
            severity=IssueSeverity.ERROR,
        ),
        pk=issue_pk,
    )
    decision = request.POST.get("decision", "")
    try:
        problems = services.import_match_decide(
            applicant_import=applicant_import,
            issue=issue,
            decision=decision,
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("imports:detail", pk=applicant_import.pk)
    if problems:
        messages.error(
            request,
            _("Ligne %(line)s toujours rejetée : %(reasons)s")
            % {
                "line": issue.line_number,
                "reasons": " ; ".join(f"{column} : {reason}" for column, reason in problems),
            },
        )
    elif decision == MatchDecision.SAME:
        messages.success(
            request,
            _("Ligne %(line)s : la personne déjà enregistrée sera mise à jour.")
            % {"line": issue.line_number},
        )
    else:
        messages.success(
            request,
            _("Ligne %(line)s : une nouvelle personne sera créée.") % {"line": issue.line_number},
        )
    return redirect("imports:detail", pk=applicant_import.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def import_row_fix(request, pk, issue_pk):
    """A rejected row of the dry run, its cells editable: checked again
    without uploading the file; kept for the import when it passes."""
    applicant_import = _get_import(request, pk)
    issue = get_object_or_404(
        ImportRowIssue.objects.filter(
            applicant_import=applicant_import,
            phase=ImportPhase.DRY_RUN,
            severity=IssueSeverity.ERROR,
        ),
        pk=issue_pk,
    )
    if applicant_import.status != ImportStatus.ANALYSED:
        return redirect("imports:detail", pk=applicant_import.pk)
    problems = [(p["column"], p["reason"]) for p in issue.problems]
    form = RowFixForm(headers=applicant_import.headers, cells=issue.cells)
    if request.method == "POST":
        form = RowFixForm(request.POST, headers=applicant_import.headers, cells=issue.cells)
        if form.is_valid():
            try:
                problems = services.import_row_fix(
                    applicant_import=applicant_import,
                    issue=issue,
                    cells=form.cells(),
                    acting_user=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("imports:detail", pk=applicant_import.pk)
            if not problems:
                messages.success(
                    request,
                    _("Ligne %(line)s corrigée : elle sera importée avec les valeurs saisies.")
                    % {"line": issue.line_number},
                )
                return redirect("imports:detail", pk=applicant_import.pk)
    return render(
        request,
        "imports/row_fix.html",
        {
            "imp": applicant_import,
            "issue": issue,
            "form": form,
            "problems": problems,
            "rechecked": request.method == "POST",
            "active_nav": "imports",
        },
    )
