"""French typography in templates: `{{ sentence|elide_de:name }}`, on a
sentence composed by `{% blocktranslate asvar sentence %}…de {{ name }}…`."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from core.text import elide_de as elide_de_text

register = template.Library()


@register.filter
def elide_de(sentence, name):
    """ "de Étienne" → "d’Étienne" in a sentence (escaped or not) naming `name`."""
    name = str(name or "")
    if isinstance(sentence, SafeData):
        return mark_safe(elide_de_text(str(sentence), str(conditional_escape(name))))
    return elide_de_text(str(sentence), name)
