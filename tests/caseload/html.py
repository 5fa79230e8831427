"""Small readers of rendered pages, so that tests check what a user sees."""

import html
import re


def text_of(fragment):
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_row(page, label):
    """The <tr> of a table whose text contains `label` (exactly one)."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if label in text_of(row)]
    assert len(rows) == 1, f"{len(rows)} rows contain {label!r}"
    return rows[0]


def load_cells(page, label):
    """Texts of the load cells (one per programme) of a staff member's row."""
    row = table_row(page, label)
    return [text_of(cell) for cell in re.findall(r'<td class="load-bar">(.*?)</td>', row, re.S)]


def record_links(page):
    """pks of the person records linked from a page's table of people, in
    page order (other blocks, such as the week's deadlines, are left out)."""
    table = page[page.find("<table") :] if "<table" in page else page
    return [int(pk) for pk in re.findall(r'href="/portefeuille/personnes/(\d+)/"', table)]
