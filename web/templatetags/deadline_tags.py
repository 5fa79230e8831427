from django import template
from django.utils.html import format_html

from web.badges import deadline_badge as badge_of

register = template.Library()


@register.filter
def deadline_badge(state):
    """`{% with badge=state|deadline_badge %}`: (CSS classes, label) or None."""
    return badge_of(state)


@register.simple_tag
def deadline_state_badge(state):
    """`{% deadline_state_badge state %}`: the badge of a deadline's state, or
    a dash without a state. A tag rather than an included template: lists
    show it on each of their 50 rows, and an include costs ten times more."""
    badge = badge_of(state)
    if badge is None:
        return format_html('<span class="text-body-secondary">—</span>')
    return format_html('<span class="badge {}">{}</span>', *badge)
