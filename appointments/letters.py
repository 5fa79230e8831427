"""Convocation letters as PDF (fpdf2, pure Python): the Département's
letterhead and signature from settings, the person's postal address, the
date, time and place with its access notes, the referent, what to bring and
how to reschedule. One letter, or a batch of them in one PDF."""

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from appointments.channels import appointment_facts, person_link
from appointments.enums import PlaceKind
from appointments.links import appointment_token
from core.text import latin1_for_pdf


def _new_document():
    """An empty A4 document with the letters' margins.

    fpdf2 is imported here rather than with the module: it loads fontTools
    (0.3 s), and every web worker imports this module with the URLs at its
    first request, while few requests ever print a letter."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 18, 20)
    pdf.set_title("Convocation")
    pdf.set_creator("Parcours RSA")
    return pdf


def _lines(pdf, text, width):
    """The text broken into lines of at most `width` mm, by words, with the
    core font's own character widths (fpdf2's multi_cell measures each
    line again and again: 20 times slower for a batch)."""
    widths = pdf.current_font.cw
    scale = pdf.font_size_pt * 0.001 / pdf.k
    space = widths.get(" ", 278) * scale

    def measure(word):
        return sum(widths.get(c, 500) for c in word) * scale

    for paragraph in text.split("\n"):
        line, line_width = [], 0.0
        for word in paragraph.split(" "):
            word_width = measure(word)
            if line and line_width + space + word_width > width:
                yield " ".join(line)
                line, line_width = [], 0.0
            line_width += (space if line else 0) + word_width
            line.append(word)
        yield " ".join(line)


def _write(pdf, text, *, size=11, style="", height=5.5, x=None):
    pdf.set_font("Helvetica", style=style, size=size)
    left = pdf.l_margin if x is None else x
    width = pdf.w - pdf.r_margin - left
    for line in _lines(pdf, latin1_for_pdf(text), width):
        if pdf.y + height > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.text(left, pdf.y + height * 0.75, line)
        pdf.y += height
    pdf.x = pdf.l_margin


def _letter(pdf, appointment, today):
    person = appointment.beneficiary
    slot = appointment.slot
    facts = appointment_facts(appointment)
    referent = slot.referent.user.get_full_name() or slot.referent.user.username
    pdf.add_page()
    _write(pdf, settings.LETTER_LETTERHEAD, size=10, style="B", height=5)
    pdf.ln(8)
    address = "\n".join(
        p
        for p in (
            f"{person.get_civility_display()} {person.first_name} {person.last_name}".strip(),
            person.address_line,
            f"{person.postcode} {person.city}".strip(),
        )
        if p
    )
    _write(pdf, address, x=110)
    pdf.ln(6)
    _write(pdf, _("Le %(date)s") % {"date": formats.date_format(today, "j F Y")})
    pdf.ln(4)
    _write(pdf, _("Objet : convocation à un rendez-vous d'accompagnement RSA"), style="B")
    pdf.ln(3)
    _write(pdf, _("Madame, Monsieur,"))
    pdf.ln(2)
    if slot.place.kind == PlaceKind.PHONE:
        where = _("par téléphone : votre référent vous appellera")
    elif slot.place.kind == PlaceKind.HOME_VISIT:
        where = _("à votre domicile")
    else:
        where = f"{facts['place']}, {facts['address']}"
    _write(
        pdf,
        _(
            "Dans le cadre de votre accompagnement au titre du RSA, vous êtes invité(e) à un "
            "rendez-vous le %(date)s à %(time)s, %(where)s."
        )
        % {"date": facts["date"], "time": facts["time"], "where": where},
    )
    pdf.ln(2)
    if slot.place.access_notes:
        _write(pdf, _("Accès : %(notes)s") % {"notes": slot.place.access_notes})
        pdf.ln(2)
    _write(pdf, _("Vous serez reçu(e) par %(referent)s.") % {"referent": referent})
    pdf.ln(2)
    _write(pdf, _("Merci d'apporter %(what)s.") % {"what": settings.LETTER_WHAT_TO_BRING})
    pdf.ln(2)
    _write(
        pdf,
        _(
            "Si vous ne pouvez pas venir, prévenez-nous : vous pouvez confirmer, annuler ou "
            "choisir une autre date à cette adresse :"
        ),
    )
    _write(pdf, person_link(appointment_token(appointment)), size=8, height=4.5)
    pdf.ln(2)
    _write(pdf, _("Veuillez agréer, Madame, Monsieur, nos salutations distinguées."))
    pdf.ln(8)
    _write(pdf, settings.LETTER_SIGNATURE, style="I", x=110)


def letters_pdf(appointments):
    """One PDF with a letter per appointment (each on its own page)."""
    pdf = _new_document()
    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        for appointment in appointments:
            _letter(pdf, appointment, today)
    return bytes(pdf.output())
