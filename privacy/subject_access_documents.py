"""The access export's two files from its sections (`privacy.subject_access`):
a JSON document (French keys, ISO dates) and a PDF to hand over (fpdf2's core
fonts, Latin-1: the few signs beyond it written plainly, as the convocation
letters do)."""

import datetime
import decimal
import functools
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import latin1_for_pdf

# The purpose written in the document and in the person's access log.
PURPOSE = "droit d'accès (RGPD art. 15)"


def _json_value(value):
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def subject_access_json(sections, *, person, generated_at, generated_by):
    document = {
        "document": {
            "titre": _("Données personnelles détenues sur une personne"),
            "finalite": PURPOSE,
            "departement": str(person.departement),
            "genere_le": _json_value(generated_at),
            "genere_par": generated_by,
        }
    }
    for section in sections:
        items = [{key: _json_value(value) for key, _label, value in item} for item in section.items]
        body = {"titre": section.title}
        if section.single:
            body["donnees"] = items[0] if items else {}
        else:
            body["elements"] = items
        if section.note:
            body["remarque"] = section.note
        document[section.key] = body
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _pdf_value(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime):
        return (
            f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
            if timezone.is_aware(value)
            else (f"{value:%d/%m/%Y %H:%M}")
        )
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, decimal.Decimal):
        return str(value).replace(".", ",")
    return str(value)


@functools.cache
def _document_class():
    """The PDF document class, made at the first export: fpdf2 loads
    fontTools (0.3 s), which every web worker would otherwise pay at its
    first request (the URLs import this module)."""
    from fpdf import FPDF

    class Document(FPDF):
        def __init__(self, title):
            super().__init__(format="A4")
            self.set_auto_page_break(auto=True, margin=18)
            self.set_margins(18, 16, 18)
            self.set_title(latin1_for_pdf(title))
            self.set_creator("Parcours RSA")
            self.footer_text = ""

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.cell(
                0,
                5,
                latin1_for_pdf(f"{self.footer_text} - page {self.page_no()}/{{nb}}"),
                align="C",
            )

    return Document


def subject_access_pdf(sections, *, person, generated_at, generated_by):
    title = _("Données personnelles détenues sur %(name)s") % {"name": person.full_name}
    pdf = _document_class()(title)
    pdf.footer_text = _("Droit d'accès - %(name)s - %(date)s") % {
        "name": person.full_name,
        "date": _pdf_value(generated_at),
    }
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", style="B", size=15)
    pdf.multi_cell(width, 7, latin1_for_pdf(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(
        width,
        5,
        latin1_for_pdf(
            _(
                "%(departement)s. Document établi le %(date)s par %(by)s, en réponse à une "
                "demande d'accès (RGPD, article 15). Il reprend toutes les données que "
                "l'application Parcours RSA détient sur la personne, section par section."
            )
            % {
                "departement": person.departement,
                "date": _pdf_value(generated_at),
                "by": generated_by,
            }
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    label_width = 52
    for section in sections:
        pdf.ln(3)
        if pdf.y > pdf.h - 40:
            pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.set_fill_color(230, 236, 245)
        count = "" if section.single else f" ({len(section.items)})"
        pdf.cell(
            width,
            7,
            latin1_for_pdf(section.title + count),
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(1)
        if section.note:
            pdf.set_font("Helvetica", style="I", size=9)
            pdf.multi_cell(width, 4.5, latin1_for_pdf(section.note), new_x="LMARGIN", new_y="NEXT")
        if not section.items and not section.note:
            pdf.set_font("Helvetica", style="I", size=9)
            pdf.multi_cell(
                width, 4.5, latin1_for_pdf(_("Aucune donnée.")), new_x="LMARGIN", new_y="NEXT"
            )
        for number, item in enumerate(section.items, start=1):
            if not section.single:
                pdf.set_font("Helvetica", style="B", size=9)
                pdf.cell(width, 5, f"{number}.", new_x="LMARGIN", new_y="NEXT")
            for _key_name, label, value in item:
                if pdf.y > pdf.h - pdf.b_margin - 10:
                    pdf.add_page()
                y, page = pdf.y, pdf.page
                pdf.set_font("Helvetica", style="B", size=9)
                pdf.multi_cell(
                    label_width, 4.5, latin1_for_pdf(label), new_x="LMARGIN", new_y="NEXT"
                )
                label_bottom = pdf.y
                pdf.set_xy(pdf.l_margin + label_width, y)
                pdf.set_font("Helvetica", size=9)
                pdf.multi_cell(
                    width - label_width,
                    4.5,
                    latin1_for_pdf(_pdf_value(value)),
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
                if pdf.page == page:
                    pdf.set_y(max(pdf.y, label_bottom))
            pdf.ln(1)
    return bytes(pdf.output())
