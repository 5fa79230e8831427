"""Choosing a referent in the console: the selects start empty, offer the
roles the stage needs (a requested role first), keep a choice a cap refused
and offer the manager's reason to exceed it, in the bulk forms too."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from caseload.enums import Programme, StaffRole
from caseload.models import Assignment, ReferentChangeRequest
from caseload.services import assignment_create
from pathways.enums import Orientation, Stage
from pathways.models import Pathway
from pathways.services.orientation import orientation_decide
from tests.caseload.factories import StaffProfileFactory
from tests.caseload.helpers import new_applicant, set_cap, territory_team

DC = Programme.DROIT_COMMUN


class _Selects(HTMLParser):
    """Every <select> of a page: its attributes and its options, grouped."""

    def __init__(self):
        super().__init__()
        self.selects, self._select, self._group, self._option = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = {"attrs": attrs, "options": []}
            self._group = None
        elif tag == "optgroup" and self._select is not None:
            self._group = attrs.get("label")
        elif tag == "option" and self._select is not None:
            self._option = {
                "group": self._group,
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data.strip()

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "optgroup":
            self._group = None
        elif tag == "select" and self._select is not None:
            self.selects.append(self._select)
            self._select = None


def select_named(response, select_id):
    parser = _Selects()
    parser.feed(response.content.decode())
    (found,) = [s for s in parser.selects if s["attrs"].get("id") == select_id]
    return found


def groups_of(select):
    return list(dict.fromkeys(o["group"] for o in select["options"] if o["group"]))


def chosen(select):
    return [o["value"] for o in select["options"] if o["selected"]]


@pytest.fixture
def team():
    territory, manager, referent = territory_team(
        user__first_name="Camille", user__last_name="Durand"
    )
    worker = StaffProfileFactory(
        social_worker=True,
        structure=manager.structure,
        territories=[territory],
        user__first_name="Sacha",
        user__last_name="Roux",
    )
    return territory, manager, referent, worker


def _at_stage(person, manager, orientation, stage):
    orientation_decide(
        pathway=Pathway.objects.open().get(beneficiary=person),
        orientation=orientation,
        programme=DC,
        starting_stage=stage,
        acting_user=manager.user,
    )


def test_the_confier_a_select_has_its_own_id_and_starts_empty_and_required(login, team):
    territory, manager, referent, _worker = team
    person = new_applicant(territory)
    assignment = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)

    response = login(manager).get(reverse("console:person", args=[person.pk]))

    select = select_named(response, f"reaffecter-{assignment.pk}")
    assert f'for="reaffecter-{assignment.pk}">Confier à</label>' in response.content.decode()
    assert "required" in select["attrs"]
    assert select["options"][0] == {
        "group": None,
        "value": "",
        "selected": False,
        "text": "— choisir —",
    }
    assert chosen(select) == []


def test_the_person_page_offers_only_the_roles_the_stage_needs(login, team):
    territory, manager, _referent, worker = team
    person = new_applicant(territory)
    _at_stage(person, manager, Orientation.SOCIALE, Stage.SOCIAL)

    response = login(manager).get(reverse("console:person", args=[person.pk]))

    select = select_named(response, "affecter-referent")
    assert groups_of(select) == ["Travailleur social"]
    assert [o["value"] for o in select["options"][1:]] == [str(worker.pk)]


def test_a_request_for_a_sociopro_referent_offers_those_first(login, team):
    territory, manager, referent, worker = team
    person = new_applicant(territory)
    _at_stage(person, manager, Orientation.SOCIALE, Stage.SOCIAL)
    assignment_create(beneficiary=person, staff=worker, acting_user=manager.user)
    change_request = ReferentChangeRequest.objects.create(
        beneficiary=person,
        requested_by=worker.user,
        reason="Projet professionnel",
        requested_role=StaffRole.SOCIOPRO_REFERENT,
    )

    response = login(manager).get(reverse("console:requests"))

    select = select_named(response, f"accepter-{change_request.pk}")
    assert groups_of(select) == ["Référent socio-professionnel", "Travailleur social"]
    assert select["options"][1]["value"] == str(referent.pk)
    assert chosen(select) == []


def test_a_refused_over_cap_assignment_keeps_the_choice_and_offers_the_reason(login, team):
    territory, manager, referent, _worker = team
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )
    person = new_applicant(territory)

    response = login(manager).post(
        reverse("console:person_assign", args=[person.pk]),
        {"staff": referent.pk, "reason": "Proximité"},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert chosen(select_named(response, "affecter-referent")) == [str(referent.pk)]
    assert 'value="Proximité"' in html
    assert "vous pouvez dépasser le plafond en indiquant le motif du dépassement" in html
    assert 'name="over_cap_reason"' in html and 'id="affecter-depassement"' in html


def test_a_refused_over_cap_reassignment_shows_the_reason_field_with_the_choice(login, team):
    territory, manager, referent, worker = team
    set_cap(territory.departement, StaffRole.SOCIAL_WORKER, DC, 1)
    assignment_create(beneficiary=new_applicant(territory), staff=worker, acting_user=manager.user)
    person = new_applicant(territory)
    assignment = assignment_create(beneficiary=person, staff=referent, acting_user=manager.user)
    key = f"reaffecter-{assignment.pk}"
    client = login(manager)

    refused = client.post(
        reverse("console:assignment_reassign", args=[assignment.pk]),
        {"staff": worker.pk, "end_reason": "rebalancing", "reason": "Équilibrage"},
    )
    accepted = client.post(
        reverse("console:assignment_reassign", args=[assignment.pk]),
        {"staff": worker.pk, "end_reason": "rebalancing", "over_cap_reason": "Urgence sociale"},
    )

    assert refused.status_code == 422
    assert chosen(select_named(refused, key)) == [str(worker.pk)]
    assert f'id="{key}-depassement"' in refused.content.decode()
    assert accepted.status_code == 302
    assert Assignment.objects.active().get(beneficiary=person).over_cap_reason == (
        "Urgence sociale"
    )


def test_the_queue_bulk_form_offers_the_reason_to_exceed_a_cap(login, team):
    territory, manager, _referent, _worker = team
    new_applicant(territory)

    response = login(manager).get(reverse("console:queue"))

    html = response.content.decode()
    assert 'name="over_cap_reason"' in html and 'id="lot-depassement"' in html
    assert chosen(select_named(response, "lot-referent")) == []


def test_a_bulk_assignment_past_a_cap_goes_through_with_a_managers_reason(login, team):
    territory, manager, referent, _worker = team
    set_cap(territory.departement, StaffRole.SOCIOPRO_REFERENT, DC, 1)
    people = [new_applicant(territory) for _ in range(2)]
    client = login(manager)
    data = {"people": [p.pk for p in people], "staff": referent.pk}

    refused = client.post(reverse("console:queue_assign"), data)
    accepted = client.post(
        reverse("console:queue_assign"), {**data, "over_cap_reason": "Rentrée chargée"}
    )

    assert refused.status_code == 422
    assert chosen(select_named(refused, "lot-referent")) == [str(referent.pk)]
    assert all(f'value="{p.pk}"' in refused.content.decode() for p in people)
    assert refused.content.decode().count("checked") >= 2
    assert accepted.status_code == 302
    assert Assignment.objects.active().filter(staff=referent).count() == 2


def test_the_staff_bulk_reassignment_offers_the_reason_to_exceed_a_cap(login, team):
    territory, manager, referent, worker = team
    assignment_create(
        beneficiary=new_applicant(territory), staff=referent, acting_user=manager.user
    )

    response = login(manager).get(reverse("console:staff", args=[referent.pk]))

    html = response.content.decode()
    assert 'id="lot-depassement"' in html
    select = select_named(response, "lot-referent")
    assert select["options"][0]["value"] == "" and chosen(select) == []
    assert groups_of(select) == ["Travailleur social"]
    assert select["options"][1]["value"] == str(worker.pk)


def test_a_queue_row_fetches_the_select_of_every_referent_on_demand(login, team):
    territory, manager, _referent, _worker = team
    person = new_applicant(territory)
    client = login(manager)

    page = client.get(reverse("console:queue")).content.decode()
    fragment = client.get(
        reverse("console:queue_referents", args=[person.pk]), {"next": "/equipe/file/?q=a"}
    )

    select = select_named(fragment, f"autre-{person.pk}-referent")
    assert f'aria-controls="autre-{person.pk}"' in page
    assert f'id="autre-{person.pk}-referent"' not in page
    assert "data-autofocus" in select["attrs"]
    assert groups_of(select) == ["Référent socio-professionnel", "Travailleur social"]
    assert 'value="/equipe/file/?q=a"' in fragment.content.decode()


def test_the_fragment_of_referents_is_refused_for_a_person_out_of_scope(login, team):
    _territory, manager, _referent, _worker = team
    elsewhere, _other_manager, _other = territory_team()
    person = new_applicant(elsewhere)

    response = login(manager).get(reverse("console:queue_referents", args=[person.pk]))

    assert response.status_code == 404


def test_the_fragment_sends_back_to_the_queue_only(login, team):
    territory, manager, _referent, _worker = team
    person = new_applicant(territory)

    response = login(manager).get(
        reverse("console:queue_referents", args=[person.pk]), {"next": "https://ailleurs.example/"}
    )

    assert 'name="next" value="/equipe/file/"' in response.content.decode()
