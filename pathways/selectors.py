"""Reads of pathways that the layers above need to assign people: the
programme each person counts in, the roles that follow each stage, and the
people waiting for a referent."""

from django.db import models
from django.db.models import Exists, OuterRef, Subquery

from beneficiaries.models import Beneficiary
from caseload.enums import Programme, StaffRole
from caseload.models import Assignment
from pathways.models import Deadline, Pathway
from pathways.stages import STAGE_ROLES


def open_programmes(beneficiary_ids):
    """{person id: programme of the person's open pathway}, droit commun for a
    person with no open pathway (one query).

    The one place of the rule "an assignment counts in the programme of the
    person's open pathway". The assignment services of `caseload` sit below
    pathways and take the programme as data: every caller that assigns people
    (the manager console) passes what this returns.
    """
    beneficiary_ids = list(beneficiary_ids)
    found = dict(
        Pathway.objects.open()
        .filter(beneficiary_id__in=beneficiary_ids)
        .values_list("beneficiary_id", "programme")
    )
    return {pk: found.get(pk, Programme.DROIT_COMMUN) for pk in beneficiary_ids}


# The roles that follow each stage; a person waiting for orientation (or with
# no stage to go by) may go to any referent role.
# Who may be suggested while a person waits for orientation: any referent.
PENDING_ROLES = (
    StaffRole.SOCIOPRO_REFERENT,
    StaffRole.SOCIAL_WORKER,
    StaffRole.PE_ADVISOR,
    StaffRole.JOB_CONSULTANT,
)


def roles_for_stage(stage):
    """The referent roles suggested for a person at `stage` (a Stage value or
    None): those the stage table names (`pathways.stages.STAGE_ROLES`), any
    referent before orientation."""
    return list(STAGE_ROLES.get(stage, PENDING_ROLES))


def unassigned_queue(user):
    """People of the manager's territories with no active referent (new
    applicants, people whose referent ended the follow-up or is no longer in
    post), with their open pathway and its
    most urgent open deadline; the oldest deadline first."""
    open_pathway = Pathway.objects.filter(beneficiary_id=OuterRef("pk"), closed_at__isnull=True)
    next_deadline = (
        Deadline.objects.open()
        .filter(pathway__beneficiary_id=OuterRef("pk"), pathway__closed_at__isnull=True)
        .order_by("due_on", "pk")
    )
    return (
        Beneficiary.objects.visible_to(user)
        .filter(anonymised_at__isnull=True)
        .filter(
            ~Exists(
                Assignment.objects.active().filter(
                    beneficiary_id=OuterRef("pk"), staff__is_active=True
                )
            )
        )
        .filter(Exists(open_pathway))
        .select_related("territory")
        .annotate(
            pathway_id=Subquery(open_pathway.values("pk")[:1]),
            pathway_stage=Subquery(open_pathway.values("stage")[:1]),
            pathway_programme=Subquery(open_pathway.values("programme")[:1]),
            deadline_kind=Subquery(next_deadline.values("kind")[:1]),
            deadline_due_on=Subquery(next_deadline.values("due_on")[:1]),
        )
        .order_by(models.F("deadline_due_on").asc(nulls_last=True), "last_name", "first_name", "pk")
    )
