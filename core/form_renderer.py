"""The form renderer (`FORM_RENDERER`): Django's built-in widget templates
rendered by Jinja2 — the same markup as the Django template engine's, from
the copies Django ships for Jinja2 (django/forms/jinja2) — and any other
widget or form template (the admin's widgets, which exist as Django templates
only) by the Django template engine.

Why: a select of the list pages' filters renders one template per option,
and two more per option for its attributes; with the Django engine a page's
filter form took as long as its fifty rows (15 ms of the portfolio's 40 ms of
templates at 100,000 people), with Jinja2 a fifth of that. Django's own
`Jinja2` renderer alone would break the admin's widgets; its
`TemplatesSetting` keeps the slower engine."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)

    @cached_property
    def django_templates(self):
        return DjangoTemplates()
