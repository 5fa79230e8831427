"""The right of access (RGPD art. 15): everything the application holds on one
person, in labelled French sections, as a PDF to hand over and a JSON file a
machine can read.

`subject_access_sections` reads it in a fixed number of queries whatever the
size of the record; `subject_access_export` makes both files for a user
(through the expiring links of `privacy.exports`) and traces the export in the
person's access log, with its purpose. Health notes are given only to a
reader allowed to see them (`caseload.perms.can_view_health_notes`: the nurse
and the person's social worker); anyone else learns how many there are and
how the person obtains them.
"""

import dataclasses

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from appointments.models import Appointment, Message
from beneficiaries.enums import AccessAction
from beneficiaries.models import (
    BarrierEvent,
    Beneficiary,
    ConsentEvent,
    HealthNote,
    OutreachAttempt,
    RecordAccessLog,
)
from beneficiaries.services import access_log_record
from caseload.models import Assignment
from caseload.perms import can_view_health_notes
from pathways.models import (
    Contract,
    Deadline,
    Interview,
    OrientationDecision,
    Pathway,
    Prescription,
    StageTransition,
)
from privacy.enums import ExportKind
from privacy.exports import export_file_create
from privacy.models import Restriction
from privacy.subject_access_documents import PURPOSE, subject_access_json, subject_access_pdf

__all__ = [
    "PURPOSE",
    "Section",
    "export_stem",
    "subject_access_export",
    "subject_access_files",
    "subject_access_sections",
]


@dataclasses.dataclass
class Section:
    """One labelled part of the export: `items` are lists of
    (key, label, value); a section with `single` holds one item."""

    key: str
    title: str
    items: list
    note: str = ""
    single: bool = False


def _key(label):
    """A French label as a JSON key: « nom d'usage » → "nom_d_usage"."""
    words = str(label).replace("'", " ").replace("’", " ")
    return slugify(words).replace("-", "_")


def _user(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _fields(obj, names):
    """(key, label, value) of the model fields named, labels from the models'
    French verbose names, choices by their label, users by their name."""
    rows = []
    for name in names:
        field = obj._meta.get_field(name)
        if field.choices:
            value = getattr(obj, f"get_{name}_display")()
        elif isinstance(field, models.ForeignKey):
            related = getattr(obj, name)
            value = _user(related) if hasattr(related, "get_full_name") else related
            value = "" if value is None else str(value)
        else:
            value = getattr(obj, name)
        label = str(field.verbose_name)
        rows.append((_key(label), label[:1].upper() + label[1:], value))
    return rows


def _field(key_label, value):
    label = str(key_label)
    return (_key(label), label, value)


def _masked_nir(nir):
    """The NIR is never written in full in an export (décret « cadre NIR »):
    its first five characters (sex, year and month of birth), the rest hidden."""
    if not nir:
        return ""
    return f"{nir[:1]} {nir[1:3]} {nir[3:5]} •• ••• ••• ••"


# --- Reading -------------------------------------------------------------------------


def _person(person_id):
    return Beneficiary.objects.select_related("departement", "territory", "commune").get(
        pk=person_id
    )


def subject_access_sections(person_id, *, viewer=None):
    """Every section of the export of one person, in a fixed number of
    queries (21) whatever the size of their record."""
    person = _person(person_id)
    pathways = list(
        Pathway.objects.filter(beneficiary_id=person.pk)
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related("by").order_by("occurred_at", "pk"),
            ),
            Prefetch(
                "orientations",
                queryset=OrientationDecision.objects.select_related("decided_by").order_by(
                    "decided_on", "pk"
                ),
            ),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "pk")),
        )
        .order_by("opened_on", "pk")
    )
    interviews = list(
        Interview.objects.filter(beneficiary_id=person.pk)
        .select_related("author")
        .prefetch_related("attendees__user")
        .order_by("occurred_on", "pk")
    )
    barriers = list(
        person.barriers.prefetch_related(
            Prefetch(
                "events",
                queryset=BarrierEvent.objects.select_related("recorded_by").order_by(
                    "occurred_on", "pk"
                ),
            )
        ).order_by("kind", "pk")
    )
    contracts = list(
        Contract.objects.filter(beneficiary_id=person.pk)
        .select_related("created_by")
        .prefetch_related("objectives")
        .order_by("signed_on", "pk")
    )
    prescriptions = list(
        Prescription.objects.filter(beneficiary_id=person.pk)
        .select_related("offer", "prescribed_by")
        .order_by("prescribed_on", "pk")
    )
    outreach = list(
        OutreachAttempt.objects.filter(beneficiary_id=person.pk)
        .select_related("made_by")
        .order_by("attempted_on", "pk")
    )
    consents = list(
        ConsentEvent.objects.filter(beneficiary_id=person.pk)
        .select_related("recorded_by")
        .order_by("occurred_on", "pk")
    )
    assignments = list(
        Assignment.objects.filter(beneficiary_id=person.pk)
        .select_related("staff__user")
        .order_by("started_at", "pk")
    )
    appointments = list(
        Appointment.objects.filter(beneficiary_id=person.pk)
        .select_related("slot__place", "slot__referent__user")
        .order_by("slot__starts_at", "pk")
    )
    sent = list(Message.objects.filter(beneficiary_id=person.pk).order_by("created_at", "pk"))
    show_health = viewer is not None and can_view_health_notes(
        viewer,
        person,
        current_referent_ids={a.staff_id for a in assignments if a.is_active},
    )
    health_notes = (
        list(
            HealthNote.objects.filter(beneficiary_id=person.pk)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        if show_health
        else None
    )
    health_count = (
        len(health_notes)
        if health_notes is not None
        else HealthNote.objects.filter(beneficiary_id=person.pk).count()
    )
    restrictions = list(
        Restriction.objects.filter(beneficiary_id=person.pk)
        .select_related("recorded_by", "lifted_by")
        .order_by("requested_on", "pk")
    )
    accesses = list(
        RecordAccessLog.objects.filter(beneficiary_id=person.pk)
        .select_related("user")
        .order_by("at", "pk")
    )

    return [
        Section(
            "identite",
            _("Identité"),
            [
                _fields(
                    person,
                    [
                        "civility",
                        "last_name",
                        "birth_name",
                        "first_name",
                        "birth_date",
                        "caf_number",
                        "household_role",
                    ],
                )
                + [_field(_("NIR (masqué)"), _masked_nir(person.nir))]
                + _fields(person, ["external_id", "france_travail_id"])
            ],
            note=_(
                "Le NIR n'est jamais écrit en entier dans un export ; il est communiqué à la "
                "personne sur place, sur justificatif d'identité."
            )
            if person.nir
            else "",
            single=True,
        ),
        Section(
            "coordonnees",
            _("Coordonnées"),
            [
                _fields(person, ["address_line", "postcode", "city", "commune", "phone", "email"])
                + [_field(_("Territoire"), str(person.territory or ""))]
                + [_field(_("Département"), str(person.departement))]
            ],
            single=True,
        ),
        Section(
            "droits_rsa",
            _("RSA et suivi"),
            [
                _fields(
                    person,
                    [
                        "rsa_application_date",
                        "rights_opening_date",
                        "reference_date_source",
                        "known_to_departement",
                        "reinforced_consent",
                        "reinforced_consent_on",
                        "last_contact_at",
                        "created_at",
                    ],
                )
            ],
            single=True,
        ),
        Section(
            "consentements",
            _("Consentement à l'accompagnement renforcé"),
            [_fields(c, ["decision", "occurred_on", "channel", "recorded_by"]) for c in consents],
        ),
        Section(
            "referents",
            _("Référents"),
            [
                [
                    _field(_("Référent"), _user(a.staff.user)),
                    _field(_("Fonction"), a.staff.get_role_display()),
                ]
                + _fields(a, ["programme", "started_at", "ended_at", "reason"])
                for a in assignments
            ],
        ),
        Section(
            "parcours",
            _("Parcours, étapes et délais"),
            [_pathway_rows(p) for p in pathways],
        ),
        Section(
            "entretiens",
            _("Entretiens"),
            [
                _fields(i, ["occurred_on", "kind", "status"])
                + [
                    _field(
                        _("Participants"),
                        ", ".join(_user(s.user) for s in i.attendees.all()),
                    )
                ]
                + _fields(i, ["other_attendees", "notes", "next_appointment_at", "author"])
                for i in interviews
            ],
        ),
        Section(
            "freins",
            _("Freins"),
            [
                _fields(b, ["kind", "state", "identified_on", "lifted_on"])
                + [
                    _field(
                        _("Évolutions"),
                        "; ".join(
                            f"{e.get_state_display()} ({e.occurred_on:%d/%m/%Y})"
                            for e in b.events.all()
                        ),
                    )
                ]
                for b in barriers
            ],
        ),
        Section(
            "contrats",
            _("Contrats d'engagement"),
            [
                _fields(
                    c,
                    [
                        "kind",
                        "signed_on",
                        "review_on",
                        "weekly_hours",
                        "hours_reduction_reason",
                        "hours_reduction_detail",
                        "created_by",
                    ],
                )
                + [
                    _field(
                        _("Objectifs"),
                        "; ".join(
                            f"{o.label} ({o.get_state_display()})" for o in c.objectives.all()
                        ),
                    )
                ]
                for c in contracts
            ],
        ),
        Section(
            "prescriptions",
            _("Actions prescrites"),
            [
                [_field(_("Action"), p.offer.title)]
                + _fields(
                    p,
                    [
                        "hours_per_week",
                        "status",
                        "prescribed_on",
                        "starts_on",
                        "ends_on",
                        "prescribed_by",
                    ],
                )
                for p in prescriptions
            ],
        ),
        Section(
            "contacts",
            _("Tentatives de contact"),
            [
                _fields(o, ["attempted_on", "channel", "result", "notes", "made_by"])
                for o in outreach
            ],
        ),
        Section(
            "rendez_vous",
            _("Rendez-vous"),
            [
                [
                    _field(_("Date"), a.slot.starts_at),
                    _field(_("Lieu"), a.slot.place.name),
                    _field(_("Référent"), _user(a.slot.referent.user)),
                ]
                + _fields(a, ["status", "attendance", "confirmed_at", "cancelled_at"])
                for a in appointments
            ],
        ),
        Section(
            "messages",
            _("Messages envoyés (convocations, rappels, invitations)"),
            [
                _fields(
                    m,
                    [
                        "created_at",
                        "kind",
                        "channel",
                        "recipient",
                        "status",
                        "skip_reason",
                        "sent_at",
                    ],
                )
                for m in sent
            ],
        ),
        _health_section(health_notes, health_count),
        Section(
            "oppositions_et_limitations",
            _("Oppositions et limitations du traitement"),
            [
                _fields(
                    r,
                    [
                        "kind",
                        "reason",
                        "requested_on",
                        "recorded_by",
                        "lifted_on",
                        "lifted_by",
                        "lift_reason",
                    ],
                )
                for r in restrictions
            ],
        ),
        Section(
            "acces_au_dossier",
            _("Accès au dossier (qui l'a consulté ou modifié)"),
            [
                [
                    _field(_("Date"), row.at),
                    _field(_("Par"), _user(row.user) or row.command),
                    _field(_("Action"), row.get_action_display()),
                    _field(_("Détail"), row.detail),
                ]
                for row in accesses
            ],
        ),
    ], person


def _pathway_rows(pathway):
    today = timezone.localdate()
    return _fields(
        pathway,
        ["programme", "stage", "opened_on", "entered_on", "closed_at", "outcome", "outcome_detail"],
    ) + [
        _field(
            _("Étapes"),
            "; ".join(
                f"{t.occurred_at:%d/%m/%Y} : {t.get_from_stage_display() or '—'} → "
                f"{t.get_to_stage_display()}" + (f" ({t.reason})" if t.reason else "")
                for t in pathway.transitions.all()
            ),
        ),
        _field(
            _("Orientations"),
            "; ".join(
                f"{o.decided_on:%d/%m/%Y} : {o.get_orientation_display()}, "
                f"{o.get_programme_display()}" + (f" ({o.reason})" if o.reason else "")
                for o in pathway.orientations.all()
            ),
        ),
        _field(
            _("Délais"),
            "; ".join(
                f"{d.get_kind_display()} : échéance {d.due_on:%d/%m/%Y}, "
                f"{_deadline_state(d, today)}"
                for d in pathway.deadlines.all()
            ),
        ),
    ]


def _deadline_state(deadline, today):
    if deadline.met_on:
        return _("respecté le %(date)s") % {"date": f"{deadline.met_on:%d/%m/%Y}"}
    if deadline.cancelled_on:
        return _("annulé le %(date)s") % {"date": f"{deadline.cancelled_on:%d/%m/%Y}"}
    if deadline.due_on < today:
        return _("dépassé")
    return _("en cours")


def _health_section(notes, count):
    title = _("Données de santé")
    if notes is not None:
        return Section(
            "notes_de_sante",
            title,
            [_fields(n, ["created_at", "text", "disability_recognised", "author"]) for n in notes],
        )
    if not count:
        return Section("notes_de_sante", title, [], note=_("Aucune note de santé."))
    return Section(
        "notes_de_sante",
        title,
        [[_field(_("Notes de santé enregistrées"), count)]],
        note=_(
            "Ces notes (données de santé, RGPD art. 9) ne figurent pas dans cet export : seuls "
            "l'infirmier ou l'infirmière et le travailleur social qui suivent la personne "
            "peuvent les lire. La personne les obtient en le demandant à l'un d'eux, qui les "
            "lui remet en main propre."
        ),
        single=True,
    )


def subject_access_files(person_id, *, viewer=None, generated_by=""):
    """(person, PDF bytes, JSON bytes): the reading and both files."""
    sections, person = subject_access_sections(person_id, viewer=viewer)
    generated_at = timezone.now()
    by = generated_by or _user(viewer)
    return (
        person,
        subject_access_pdf(sections, person=person, generated_at=generated_at, generated_by=by),
        subject_access_json(sections, person=person, generated_at=generated_at, generated_by=by),
    )


def export_stem(person, generated_at=None):
    """The files' name: the record's id and the date, no name, no number."""
    day = timezone.localdate(generated_at or timezone.now())
    return f"droit-d-acces-personne-{person.pk}-{day:%Y%m%d}"


def subject_access_export(*, acting_user, person):
    """Make the PDF and the JSON of one person for `acting_user`, kept for
    `EXPORT_LINK_VALIDITY_HOURS` behind their expiring links, and trace the
    export (with its purpose) in the person's access log. Returns the two
    `ExportFile` rows."""
    # The export itself is an access: traced first, so it lists itself.
    access_log_record(
        user=acting_user, beneficiary=person, action=AccessAction.EXPORT, detail=PURPOSE
    )
    person, pdf, data = subject_access_files(person.pk, viewer=acting_user)
    stem = export_stem(person)
    return [
        export_file_create(
            owner=acting_user,
            kind=ExportKind.SUBJECT_ACCESS_PDF,
            beneficiary=person,
            content=pdf,
            filename=f"{stem}.pdf",
            content_type="application/pdf",
        ),
        export_file_create(
            owner=acting_user,
            kind=ExportKind.SUBJECT_ACCESS_JSON,
            beneficiary=person,
            content=data,
            filename=f"{stem}.json",
            content_type="application/json",
        ),
    ]
