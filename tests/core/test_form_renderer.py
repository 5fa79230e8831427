from django import forms
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from core.form_renderer import FormRenderer


def test_the_built_in_widgets_are_rendered_by_jinja2():
    template = FormRenderer().get_template("django/forms/widgets/select.html")

    assert isinstance(template, Jinja2Template)


def test_a_widget_template_that_exists_only_for_django_templates_is_still_found():
    template = FormRenderer().get_template("admin/widgets/related_widget_wrapper.html")

    assert isinstance(template, DjangoTemplate)


def test_a_select_renders_the_same_options_as_with_django_templates():
    class ChoiceForm(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "Un & deux"), ("b", "Trois")], initial="b")

    html = ChoiceForm(renderer=FormRenderer())["choice"].as_widget()

    assert '<option value="a">Un &amp; deux</option>' in html
    assert '<option value="b" selected>Trois</option>' in html
