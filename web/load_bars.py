"""The load bar of a staff member in one programme, on the loads dashboard,
the queue's loads panel and a staff member's page."""

from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.text import elide_de


def load_bar(load, name):
    """A staff member's load in one programme (a
    `caseload.selectors.ProgrammeLoad`) as HTML: active people / cap, a flag
    near or over the cap, and a progress bar labelled with the programme and
    the person's name. Python rather than an included template: the loads
    dashboard draws it for every member and programme (300 bars a page), and
    an include costs ten times more."""
    active = localize(load.active)
    count = format_html('<span data-load="{}">{}</span>', active, active)
    if load.cap is None:
        return format_html(
            '<div>{} / <span class="text-body-secondary">{}</span></div>',
            count,
            _("plafond non défini"),
        )
    if load.over_cap:
        flag = format_html('<span class="badge text-bg-danger">{}</span>', _("Au-delà du plafond"))
        colour = " bg-danger"
    elif load.near_cap:
        flag = format_html('<span class="badge text-bg-warning">{}</span>', _("Proche du plafond"))
        colour = " bg-warning text-dark"
    else:
        flag, colour = "", ""
    name = str(name or "")
    label = elide_de(_("Charge %(label)s de %(name)s") % {"label": load.label, "name": name}, name)
    cap = localize(load.cap)
    return format_html(
        "<div>{} / {} {}</div>"
        '<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}"'
        ' aria-valuemin="0" aria-valuemax="{}">'
        '<div class="progress-bar{}" style="width: {}%"></div></div>',
        count,
        cap,
        flag,
        label,
        active,
        cap,
        colour,
        load.percent,
    )
