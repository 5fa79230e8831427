"""`web.row_links.url_by_pk`: the same link as `reverse()`, reversed once."""

import pytest
from django.urls import reverse, set_script_prefix

from web.row_links import url_by_pk


@pytest.mark.parametrize(
    "name",
    ["console:person", "console:person_assign", "console:staff", "workspace:detail"],
)
def test_a_row_link_is_the_reversed_link_of_its_primary_key(name):
    for pk in (1, 42, 1_000_000):
        assert url_by_pk(name, pk) == reverse(name, args=[pk])


def test_a_row_link_follows_the_script_prefix():
    try:
        set_script_prefix("/parcours/")
        assert url_by_pk("workspace:detail", 7) == reverse("workspace:detail", args=[7])
        assert url_by_pk("workspace:detail", 7).startswith("/parcours/")
    finally:
        set_script_prefix("/")


def test_a_row_link_refuses_a_key_that_is_not_a_number():
    with pytest.raises(ValueError):
        url_by_pk("workspace:detail", "7/../admin")
