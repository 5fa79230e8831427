"""htmx reads the first `htmx-config` tag of a page: the console's own rules
(swap the 400/422 answers that carry the French message) must live in that
one tag, beside the history rules every page shares."""

import json
import re

import pytest
from django.urls import reverse

from tests.caseload.helpers import territory_team

pytestmark = pytest.mark.django_db


def _htmx_configs(html):
    return [json.loads(c) for c in re.findall(r'name="htmx-config"\s+content=\'([^\']*)\'', html)]


def test_a_console_page_has_one_htmx_config_with_the_history_and_the_error_swap_rules(client):
    _territory, manager, _referent = territory_team()
    client.force_login(manager.user)

    configs = _htmx_configs(client.get(reverse("console:queue")).content.decode())

    assert len(configs) == 1
    assert configs[0]["historyCacheSize"] == 0
    assert {"code": "^(400|422)$", "swap": True} in configs[0]["responseHandling"]


def test_a_referent_page_has_one_htmx_config_with_the_history_rules(client):
    _territory, _manager, referent = territory_team()
    client.force_login(referent.user)

    configs = _htmx_configs(client.get(reverse("workspace:portfolio")).content.decode())

    assert len(configs) == 1
    assert configs[0]["refreshOnHistoryMiss"] is True
