import gzip

import pytest
from django.template.loader import get_template
from django.urls import reverse

from web.template_loaders import strip_indentation

pytestmark = pytest.mark.django_db


def test_the_indentation_of_each_line_is_dropped():
    assert strip_indentation("<ul>\n    <li>a</li>\n    <li>b</li>\n</ul>\n") == (
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    )


def test_blank_lines_are_dropped():
    assert strip_indentation("<p>a</p>\n\n    \n<p>b</p>\n") == "<p>a</p>\n<p>b</p>\n"


def test_two_words_on_two_lines_stay_two_words():
    assert strip_indentation("<p>\n    Bonjour\n    {{ name }}\n</p>\n") == (
        "<p>\nBonjour\n{{ name }}\n</p>\n"
    )


def test_a_line_of_silent_tags_loses_its_line_break():
    assert strip_indentation("<ul>\n    {% for x in xs %}\n        <li>{{ x }}</li>\n") == (
        "<ul>\n{% for x in xs %}<li>{{ x }}</li>\n"
    )


def test_a_line_of_printing_tags_keeps_its_line_break():
    source = '{% translate "Oui" %}\n{% translate "Non" %}\n'
    assert strip_indentation(source) == source


@pytest.mark.parametrize("element", ["pre", "textarea", "script", "style"])
def test_the_content_of_whitespace_sensitive_elements_is_left_as_written(element):
    source = f"<div>\n    <{element}>\n  a\n      b\n    </{element}>\n</div>\n"
    assert strip_indentation(source) == (
        f"<div>\n<{element}>\n  a\n      b\n    </{element}>\n</div>\n"
    )


def test_a_blocktranslate_body_is_left_as_written():
    source = (
        "    {% blocktranslate %}Bonjour\n      {{ name }}{% endblocktranslate %}\n    <p>x</p>\n"
    )
    assert strip_indentation(source) == (
        "{% blocktranslate %}Bonjour\n      {{ name }}{% endblocktranslate %}\n<p>x</p>\n"
    )


def test_the_loader_serves_html_templates_without_indentation():
    source = get_template("includes/pagination.html").template.source
    assert "\n    " not in source


def test_text_templates_are_left_as_written():
    source = get_template("registration/password_reset_email.txt").template.source
    with open(get_template("registration/password_reset_email.txt").origin.name) as file:
        assert source == file.read()


def test_pages_are_sent_compressed_to_browsers_that_accept_gzip(client):
    response = client.get(reverse("login"), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert b"<form" in gzip.decompress(response.content)
    assert "Accept-Encoding" in response["Vary"]
