"""The Département's tags in the Django admin: an admin sees, renames and
deletes only their own Département's tags; a name that compares equal to
another tag is refused in French; a tag still carried by people is kept."""

from django.urls import reverse

from beneficiaries.models import Tag
from beneficiaries.services import tag_key, tags_attach
from tests.caseload.helpers import new_applicant


def tag_of(side, name="Jeunes 18-25"):
    return Tag.objects.create(departement=side.departement, name=name, key=tag_key(name))


def test_an_admin_lists_only_their_departements_tags(as_admin, a, b):
    mine, theirs = tag_of(a), tag_of(b)

    response = as_admin.get(reverse("admin:beneficiaries_tag_changelist"))

    listed = set(response.context["cl"].result_list)
    assert mine in listed
    assert theirs not in listed


def test_an_admin_opening_another_departements_tag_gets_a_404(as_admin, b):
    response = as_admin.get(reverse("admin:beneficiaries_tag_change", args=[tag_of(b).pk]))

    assert response.status_code == 404


def test_renaming_a_tag_updates_its_comparison_key(as_admin, a):
    tag = tag_of(a)

    response = as_admin.post(
        reverse("admin:beneficiaries_tag_change", args=[tag.pk]),
        {"departement": a.departement.pk, "name": "Quartier prioritaire"},
    )

    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.key) == ("Quartier prioritaire", "quartier prioritaire")


def test_a_name_equal_to_another_tag_but_for_accents_and_case_is_refused(as_admin, a):
    tag_of(a, "Équipe mobile")
    other = tag_of(a, "QPV")

    response = as_admin.post(
        reverse("admin:beneficiaries_tag_change", args=[other.pk]),
        {"departement": a.departement.pk, "name": "EQUIPE  mobile"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "Ce Département a déjà une étiquette de ce nom."
    ]
    other.refresh_from_db()
    assert other.name == "QPV"


def test_a_tag_carried_by_a_person_cannot_be_deleted(as_admin, a):
    person = new_applicant(a.territory)
    tags_attach(departement=a.departement, names_by_person={person.pk: ["QPV"]})
    tag = Tag.objects.get(departement=a.departement)

    response = as_admin.post(
        reverse("admin:beneficiaries_tag_delete", args=[tag.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_an_unused_tag_is_deleted(as_admin, a):
    tag = tag_of(a)

    as_admin.post(reverse("admin:beneficiaries_tag_delete", args=[tag.pk]), {"post": "yes"})

    assert not Tag.objects.filter(pk=tag.pk).exists()
