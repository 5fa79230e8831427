"""The Jinja2 engine of the long lists' rows (web/jinja_env.py)."""

import jinja2
import pytest
from django.template import engines
from django.utils import translation


def render(source, **values):
    return engines["jinja2"].from_string(source).render(values)


def test_a_row_template_reads_a_dict_s_key_before_its_attribute():
    assert render("{{ row.items }}", row={"items": "trois"}) == "trois"


def test_a_row_template_still_reads_an_object_s_attribute():
    assert render("{{ value.real }}", value=3) == "3"


def test_a_row_template_escapes_what_it_prints():
    assert render("{{ row.name }}", row={"name": "<b>Léa</b>"}) == "&lt;b&gt;Léa&lt;/b&gt;"


def test_a_row_template_translates_with_django_s_catalogue():
    with translation.override("en"):
        assert render('{{ _("Jamais") }}') == "Never"
    with translation.override("fr"):
        assert render('{{ _("Jamais") }}') == "Jamais"


def test_a_row_template_formats_a_translated_message_s_placeholders():
    with translation.override("en"):
        text = render('{{ _("Entrée avant le %(due)s") % {"due": due} }}', due="03/12/2026")
    assert text == "Entry by 03/12/2026"


def test_an_undefined_value_in_a_row_template_fails_in_tests():
    with pytest.raises(jinja2.UndefinedError):
        render("{{ row.missing }}", row={})


def test_a_row_template_is_read_without_its_indentation():
    rows = engines["jinja2"].get_template("console/overdue_rows.html")
    html = rows.render({"rows": [], "show_territory": False})
    assert html.strip() == ""
    source = rows.template.environment.loader.get_source(
        rows.template.environment, "console/overdue_rows.html"
    )[0]
    assert "<tr>" in source
    assert not [line for line in source.splitlines() if line.startswith(" ")]
