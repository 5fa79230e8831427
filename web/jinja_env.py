"""The Jinja2 environment of the list pages' rows (`TEMPLATES`, engine
"jinja2").

Why a second template engine: a list page prints 50 rows of about 25 values
each, and the Django template engine resolves each value through its generic
lookup (dict, attribute, index, call) at every print: the queue's rows took
30 ms of its 75 ms at 100,000 people. Jinja2 compiles a template to Python
once, and the same rows render in a fraction of that. The pages stay Django
templates; only a list's loop over its rows is a Jinja2 template
(web/jinja2/), included with `{% include_rows "…" name=value … %}`
(web/templatetags/rows_tags.py) and fed with the rows the views prepare as
text.

- Texts are translated with Django's catalogues: `{{ _("…") }}` calls
  Django's `gettext` (old-style: a message with placeholders is formatted
  with `%` in the template), and `makemessages` finds it as in a Django
  template, both being scanned as `.html` files.
- `row.name` reads a dict's key before its attributes, as in the Django
  templates.
- Indentation is dropped when a template is read, by the rules of the
  Django templates' loaders (web/template_loaders.py).
"""

from django.utils.translation import gettext, ngettext
from jinja2 import Environment, FileSystemLoader

from web.template_loaders import strip_indentation


class RowsEnvironment(Environment):
    """Jinja2 looks a dotted name up as an attribute first, then as a key; for
    a dict this raises and catches an `AttributeError` at each print (half
    the time of a list's rows). A dict's keys come first here, as in the
    Django templates."""

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class IndentationFreeLoader(FileSystemLoader):
    """`jinja2.FileSystemLoader`, without the templates' indentation."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return strip_indentation(source), filename, uptodate


def environment(**options):
    options["loader"] = IndentationFreeLoader(options["loader"].searchpath)
    env = RowsEnvironment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    return env
