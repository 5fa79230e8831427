from django import template
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def include_rows(context, template_name, **values):
    """`{% include_rows "console/queue_rows.html" rows=rows … %}`: the rows of
    a list rendered by the Jinja2 template `web/jinja2/<template_name>` with
    only the given values and `csrf_input` (see web/jinja_env.py for why).
    The template escapes what it prints.

    `csrf_input` is computed once here: the backend's own is lazy and masks
    the token anew at each print, once per row of a list of forms. `_()`
    translates each text once per list rather than at each row (the
    catalogue lookup goes through the active language's thread-local)."""
    request = context.get("request")
    if request is not None:
        values["csrf_input"] = csrf_input(request)
    values["_"] = _translations_once()
    rows_template = engines["jinja2"].get_template(template_name)
    return mark_safe(rows_template.render(values))  # noqa: S308


def _translations_once():
    """Django's `gettext`, remembering each text's translation for one
    list's rendering."""
    translated = {}

    def translate(message):
        try:
            return translated[message]
        except KeyError:
            translated[message] = text = gettext(message)
            return text

    return translate
