"""CSV and XLSX exports of the dashboard's tables, formula-safe (the
neutralisation of the import downloads) and streamed. An export leaving the
Département shows people counts under 5 as "< 5" (statistical secrecy)."""

import csv
import io

from django.utils.translation import gettext as _

from intake.imports.exports import neutralise

SMALL_COUNT = 5


def _cells(table, row, small_counts_hidden):
    cells = []
    for index, value in enumerate(row):
        if (
            small_counts_hidden
            and index in table.count_columns
            and isinstance(value, int)
            and 0 < value < SMALL_COUNT
        ):
            cells.append(_("< 5"))
        elif isinstance(value, int | float):
            cells.append(value)
        else:
            cells.append(neutralise(value))
    return cells


def table_rows(table, *, small_counts_hidden):
    yield [neutralise(table.title)]
    yield [neutralise(column) for column in table.columns]
    for row in table.rows:
        yield _cells(table, row, small_counts_hidden)


class _Echo:
    def write(self, value):
        return value


def table_csv(table, *, small_counts_hidden):
    """UTF-8 with BOM and `;` (what French Excel opens directly), streamed row by row."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in table_rows(table, small_counts_hidden=small_counts_hidden):
        yield writer.writerow(row)


def table_xlsx(table, *, small_counts_hidden):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.key[:31])
    for row in table_rows(table, small_counts_hidden=small_counts_hidden):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
