from django import template

from web.load_bars import load_bar as load_bar_html

register = template.Library()


@register.simple_tag
def load_bar(load, name):
    """`{% load_bar load name %}`: `web.load_bars.load_bar` in a template."""
    return load_bar_html(load, name)
