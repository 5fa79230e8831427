"""Template loaders that drop the templates' indentation once, when a template
is read (the cached loader keeps the result): pages no longer carry kilobytes
of leading spaces, at no cost per request.

Why our own ~60 lines rather than a library: django-htmlmin (last release
2019) and django-spaceless-templates (2021) are no longer maintained, and
django-minify-html (maintained) minifies every response at run time, a cost on
each request on a 2-core server, and rewrites inline scripts and attributes.
Stripping the source's indentation at load time is enough for our templates
(djlint indents them four spaces a level) and changes nothing else.

Rules, for `.html` templates only (text and email templates are left as they
are):

- the leading spaces and tabs of each line are removed, and lines left empty
  are dropped; the line break before the next line stays, so two words on two
  lines stay two words;
- a line made only of template tags that print nothing (`{% if %}`,
  `{% for %}`, `{% endblock %}`, `{% load %}`…) also loses its line break;
- what lies between `<pre>`, `<textarea>`, `<script>` or `<style>` and its
  closing tag is left untouched (whitespace is content there, or code), and so
  is a `{% blocktranslate %}` body (its whitespace is part of the message id
  looked up in the catalogue).
"""

import re

from django.template.loaders import app_directories, filesystem

# Openings and closings of the regions left untouched, in the order met.
RAW_REGION = re.compile(
    r"<(/?)(pre|textarea|script|style)\b|\{%\s*(end)?(blocktranslate|blocktrans)\b",
    re.IGNORECASE,
)
# Tags that print nothing: a line made only of them needs no line break.
SILENT_TAG = (
    r"\{%-?\s*(?:if|elif|else|endif|for|empty|endfor|with|endwith|block|endblock|load"
    r"|extends|regroup|comment|endcomment|spaceless|endspaceless|ifchanged"
    r"|endifchanged)\b[^%]*%\}|\{#.*?#\}"
)
SILENT_LINE = re.compile(rf"(?:{SILENT_TAG})(?:[ \t]*(?:{SILENT_TAG}))*[ \t]*\r?\n")


def _depth_after(line, depth):
    """The nesting depth of untouched regions at the end of `line`."""
    for match in RAW_REGION.finditer(line):
        closing = match.group(1) or match.group(3)
        depth = max(0, depth - 1) if closing else depth + 1
    return depth


def strip_indentation(source):
    """The template source without its indentation (see the module's rules)."""
    out = []
    depth = 0
    for line in source.splitlines(keepends=True):
        if depth:
            # Inside an untouched region: kept as written.
            out.append(line)
            depth = _depth_after(line, depth)
            continue
        stripped = line.lstrip(" \t")
        depth = _depth_after(stripped, depth)
        if not stripped.strip():
            continue
        if not depth and SILENT_LINE.fullmatch(stripped):
            stripped = stripped.rstrip("\r\n")
        out.append(stripped)
    return "".join(out)


class _StripIndentationMixin:
    def get_contents(self, origin):
        contents = super().get_contents(origin)
        if origin.name.endswith(".html"):
            return strip_indentation(contents)
        return contents


class FilesystemLoader(_StripIndentationMixin, filesystem.Loader):
    """`django.template.loaders.filesystem.Loader`, without indentation."""


class AppDirectoriesLoader(_StripIndentationMixin, app_directories.Loader):
    """`django.template.loaders.app_directories.Loader`, without indentation."""
