"""Links to an object's page by primary key, for the rows of a list.

A list row carries up to three links (the queue: the person's page, the
assignment form and the referents' list), and `reverse()` walks the URL
resolver each time: about 25 µs a call, 150 calls for the queue's 50 rows.
The link of a name is reversed once per URL configuration and script prefix
here, and a row's link is that text with its primary key in place.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

# Stands for the primary key in the reversed link (digits, as the `int`
# converter accepts, and too long to occur elsewhere in a path).
_PLACEHOLDER = 987_654_321_012_345


@functools.lru_cache(maxsize=64)
def _around_pk(name, script_prefix, urlconf):
    """The link of `name` as (text before the key, text after it)."""
    head, found, tail = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf).partition(
        str(_PLACEHOLDER)
    )
    if not found:  # pragma: no cover - a URL whose key is not printed as such
        raise ValueError(f"{name}: la clé n'apparaît pas dans le lien")
    return head, tail


def url_by_pk(name, pk):
    """`reverse(name, args=[pk])` for a URL whose only argument is an integer
    primary key."""
    head, tail = _around_pk(name, get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"
