"""Downloads of an import's rejected rows, as CSV or XLSX, to fix and upload
again: the original columns, preceded by the line number and the reasons.

The NIR and the disability recognition (RQTH / AAH, health data) are left
out (their columns kept, their cells empty): DESIGN.md keeps it
out of every export by default; the admin still has the original file. A
first line says so, and how to fix a row rejected for its NIR.

Formula injection: a cell that a spreadsheet would run as a formula or a
DDE command (it starts — after any spaces — with `=`, `+`, `-`, `@`, `|`, or
their full-width forms `＝ ＋ － ＠ ｜`, which some spreadsheets fold to the
plain ones, or with a tab, a carriage return or a line feed) is written with
a leading apostrophe, so it is shown as text and never evaluated.
"""

import csv
import io
import unicodedata

from django.utils.translation import gettext as _

from intake.imports.columns import HEALTH_FIELDS, normalise_header

FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "\t", "\r", "\n")
LEADING_SPACES = " \u00a0\u3000"


def neutralise(value):
    text = "" if value is None else str(value)
    # NFKC folds the full-width forms (＝ ＋ － ＠ ｜) to the plain ones.
    if unicodedata.normalize("NFKC", text).lstrip(LEADING_SPACES).startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _reasons(issue):
    return " ; ".join(f"{p['column']} : {p['reason']}" for p in issue.problems)


def nir_note():
    """The first line of the download when the file has a NIR column. No
    comma or semicolon in it: the file, once fixed, is uploaded again and its
    separator is read from its first line."""
    return _(
        "Le NIR n'est pas repris dans ce fichier (confidentialité) : sa colonne est laissée "
        "vide. Pour une ligne rejetée à cause du NIR recopiez-le depuis le fichier d'origine "
        "en le corrigeant (15 caractères clé comprise - 2A ou 2B pour la Corse - et "
        "cohérent avec la civilité et la date de naissance) ou laissez la cellule vide pour "
        "importer la personne sans NIR. Les lignes corrigées peuvent être déposées de nouveau "
        "telles quelles."
    )


def _table(applicant_import, issues):
    header = [_("Ligne"), _("Motifs du rejet"), *applicant_import.headers]
    width = len(applicant_import.headers)
    hidden = {
        position
        for position, name in enumerate(applicant_import.headers)
        if applicant_import.columns.get(normalise_header(name)) == "nir"
    }
    if hidden:
        yield [nir_note()]
    # Health data (RQTH / AAH) never leaves in a download either.
    hidden |= {
        position
        for position, name in enumerate(applicant_import.headers)
        if applicant_import.columns.get(normalise_header(name)) in HEALTH_FIELDS
    }
    yield [neutralise(h) for h in header]
    for issue in issues:
        cells = list(issue.cells)[:width] + [""] * max(0, width - len(issue.cells))
        cells = ["" if position in hidden else cell for position, cell in enumerate(cells)]
        yield [str(issue.line_number), neutralise(_reasons(issue)), *map(neutralise, cells)]


def rejected_rows_csv(applicant_import, issues):
    """UTF-8 with BOM and `;` (what French Excel opens directly), streamed."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo(), delimiter=";")
    yield "\ufeff"
    for row in _table(applicant_import, issues):
        yield writer.writerow(row)


def rejected_rows_xlsx(applicant_import, issues):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Lignes rejetées"))
    for row in _table(applicant_import, issues):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
