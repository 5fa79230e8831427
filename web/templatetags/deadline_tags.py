from django import template

from web.badges import deadline_badge as badge_of

register = template.Library()


@register.filter
def deadline_badge(state):
    """`{% with badge=state|deadline_badge %}`: (CSS classes, label) or None."""
    return badge_of(state)
