"""Downloads of an import's rejected rows, as CSV or XLSX, to fix and upload
again: the original columns, preceded by the line number and the reasons.

The NIR is left out (its column kept, its cells empty): DESIGN.md keeps it
out of every export by default; the admin still has the original file.

Formula injection: a cell that a spreadsheet would run as a formula (it
starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a
leading apostrophe, so it is shown as text and never evaluated.
"""

import csv
import io

from django.utils.translation import gettext as _

from intake.imports.columns import normalise_header

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _reasons(issue):
    return " ; ".join(f"{p['column']} : {p['reason']}" for p in issue.problems)


def _table(applicant_import, issues):
    header = [_("Ligne"), _("Motifs du rejet"), *applicant_import.headers]
    width = len(applicant_import.headers)
    hidden = {
        position
        for position, name in enumerate(applicant_import.headers)
        if applicant_import.columns.get(normalise_header(name)) == "nir"
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
