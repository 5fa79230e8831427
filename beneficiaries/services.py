"""Writes of the beneficiaries app."""

import datetime
import re
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.enums import AccessAction, BarrierState, ConsentDecision, OutreachResult
from beneficiaries.models import (
    Barrier,
    BarrierEvent,
    Beneficiary,
    BeneficiaryTag,
    ConsentEvent,
    HealthNote,
    OutreachAttempt,
    RecordAccessLog,
    Tag,
)
from beneficiaries.perms import can_write_health_notes
from beneficiaries.validators import normalise_email, normalise_phone, normalise_postcode
from core import audit, date_ranges
from core.bulk import insert_rows
from core.exceptions import StaleVersionError


def _access_context():
    """The columns an access row takes from the audit context (core.audit)."""
    context = audit.current()
    return {
        "command": (context.get("command") or "")[:100],
        "request_id": context.get("request_id"),
        "ip_address": context.get("ip"),
    }


def _acting_command(user, context):
    # A row names a user or, written without one, the command or task.
    if user is None and not context["command"]:
        context["command"] = "système"
    return context


def access_log_record(*, user, beneficiary, action=AccessAction.READ, detail=""):
    """Trace a read or a change of a person's record (append-only log).

    The detail names the section or the operation, never personal data; the
    request id, address or command come from the current audit context.
    """
    context = _acting_command(user, _access_context())
    return RecordAccessLog.objects.create(
        beneficiary_id=getattr(beneficiary, "pk", beneficiary),
        user_id=user.pk if user is not None else None,
        action=action,
        detail=detail[:200],
        **context,
    )


def access_logs_record_bulk(*, user, beneficiary_ids, action=AccessAction.CHANGE, detail=""):
    """`access_log_record` for many people at once (imports, bulk actions)."""
    context = _acting_command(user, _access_context())
    # Read once: `request.user` is a lazy proxy, costly per row of a batch.
    user_id = user.pk if user is not None else None
    insert_rows(
        RecordAccessLog,
        (
            {
                "beneficiary_id": pk,
                "user_id": user_id,
                "action": action,
                "detail": detail[:200],
                **context,
            }
            for pk in beneficiary_ids
        ),
    )


def access_log_list(*, user, detail, row_count, action=AccessAction.LIST):
    """Trace a list of people shown or exported: one row with the filters
    (described without the text typed in a search: it may be a name) and the
    number of rows, no person."""
    context = _acting_command(user, _access_context())
    return RecordAccessLog.objects.create(
        beneficiary_id=None,
        user_id=user.pk if user is not None else None,
        action=action,
        detail=detail[:200],
        row_count=row_count,
        **context,
    )


def barrier_set_state(*, acting_user, beneficiary, kind, state, on: datetime.date, interview=None):
    """Record a barrier's new state (identified → being lifted → lifted, or back):
    the barrier row holds the current state, a `BarrierEvent` the history.
    Returns the barrier, or None when the state does not change."""
    barrier = (
        Barrier.objects.select_for_update(of=("self",))
        .filter(beneficiary=beneficiary, kind=kind)
        .first()
    )
    if barrier is None:
        barrier = Barrier(beneficiary=beneficiary, kind=kind, identified_on=on)
    elif barrier.state == state:
        return None
    barrier.state = state
    if state == BarrierState.LIFTED:
        barrier.lifted_on = max(on, barrier.identified_on)
    else:
        barrier.lifted_on = None
    barrier.full_clean()
    barrier.save()
    BarrierEvent.objects.create(
        barrier=barrier, state=state, occurred_on=on, recorded_by=acting_user, interview=interview
    )
    return barrier


@transaction.atomic
def outreach_attempt_create(
    *, acting_user, beneficiary, channel, result, attempted_on: datetime.date, notes=""
):
    """A contact attempt and its result; a reached person counts as a contact."""
    today = timezone.localdate()
    if attempted_on > today:
        raise ValidationError({"attempted_on": _("Une tentative de contact ne peut être future.")})
    error = date_ranges.range_error(
        attempted_on,
        date_ranges.outreach_range(today, beneficiary.rsa_application_date),
        field_label=_("Date de la tentative de contact"),
    )
    if error:
        raise ValidationError({"attempted_on": error})
    attempt = OutreachAttempt(
        beneficiary=beneficiary,
        channel=channel,
        result=result,
        attempted_on=attempted_on,
        notes=notes,
        made_by=acting_user,
    )
    attempt.full_clean()
    attempt.save()
    if result in {OutreachResult.REACHED, OutreachResult.APPOINTMENT_SET}:
        beneficiary_touch_contact(beneficiary=beneficiary, on=attempted_on)
    access_log_record(
        user=acting_user, beneficiary=beneficiary, action=AccessAction.CHANGE, detail="contact"
    )
    return attempt


def beneficiary_touch_contact(*, beneficiary, on: datetime.date):
    """The person was met or reached: their last contact moves forward (never
    back) and they are no longer "jamais rencontré". Every service that
    records a held interview or an outreach that reached the person calls it
    (the demo generator, the one bulk writer of interviews, follows the same rule)."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Beneficiary.objects.filter(pk=beneficiary.pk).update(
        known_to_departement=True,
        last_contact_at=Case(
            When(
                Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=moment),
                then=Value(moment),
            ),
            default=F("last_contact_at"),
        ),
    )
    beneficiary.known_to_departement = True


CONTACT_FIELDS = ("phone", "email", "address_line", "postcode", "city")


CONTACT_NORMALISERS = {
    "phone": normalise_phone,
    "postcode": normalise_postcode,
    "email": normalise_email,
}


def contact_normalise(name, value):
    """A contact field in its stored form (the same rules as the imports'):
    the value itself when the rule refuses it, for the model's validator to
    name the problem."""
    value = (value or "").strip()
    normalise = CONTACT_NORMALISERS.get(name)
    if not value or normalise is None:
        return value
    return normalise(value) or value


@transaction.atomic
def beneficiary_update_contact(
    *, acting_user, beneficiary, expected_version: int, erase_all=False, **fields
):
    """Change a person's contact details, refusing a save based on an old
    version (two people editing the same record: the second is refused).

    Phone, postcode and email follow the imports' rules (`beneficiaries.validators`).
    Emptying every contact field of a person who had one needs `erase_all`:
    the user confirms that the person can no longer be reached.
    """
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables ici : {sorted(unknown)}")
    fields = {name: contact_normalise(name, value) for name, value in fields.items()}
    had_contact = any(getattr(beneficiary, name) for name in CONTACT_FIELDS)
    for name, value in fields.items():
        setattr(beneficiary, name, value)
    beneficiary.full_clean(validate_unique=False, validate_constraints=False)
    if had_contact and not erase_all and not any(getattr(beneficiary, n) for n in CONTACT_FIELDS):
        raise ValidationError(
            {"erase_all": _("Toutes les coordonnées seraient effacées : confirmez-le.")},
            code="erase_all",
        )
    updated = Beneficiary.objects.filter(pk=beneficiary.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleVersionError()
    beneficiary.version = expected_version + 1
    access_log_record(
        user=acting_user,
        beneficiary=beneficiary,
        action=AccessAction.CHANGE,
        detail="coordonnées",
    )
    return beneficiary


@transaction.atomic
def health_note_create(*, acting_user, beneficiary, text, disability_recognised=False):
    """A health note and the person's disability recognition (RQTH) as of
    today, written by the nurse or the person's social worker only
    (`can_write_health_notes`), and traced in the access log."""
    if not can_write_health_notes(acting_user, beneficiary):
        raise PermissionDenied(
            _(
                "Seuls l'infirmier et le travailleur social de la personne écrivent des notes de santé."
            )
        )
    note = HealthNote(
        beneficiary=beneficiary,
        text=(text or "").strip(),
        disability_recognised=disability_recognised,
        author=acting_user,
    )
    note.full_clean()
    note.save()
    access_log_record(
        user=acting_user, beneficiary=beneficiary, action=AccessAction.CHANGE, detail="santé"
    )
    return note


def disability_recognitions_from_import(*, acting_user, beneficiary_ids, detail):
    """The disability recognition (RQTH / AAH) a file gives: a health note
    "reconnaissance du handicap" for each person whose latest health note
    does not say so already (a second import adds nothing; a file never
    withdraws what the nurse or the social worker recorded). Health data:
    read on the record by the roles that see health notes only, traced in
    the access log ("santé") and in the notes' history. Returns how many
    notes were written."""
    ids = list(dict.fromkeys(beneficiary_ids))
    if not ids:
        return 0
    latest = {}
    for pk, recognised in (
        HealthNote.objects.filter(beneficiary_id__in=ids)
        .order_by("beneficiary_id", "-created_at", "-pk")
        .distinct("beneficiary_id")
        .values_list("beneficiary_id", "disability_recognised")
    ):
        latest[pk] = recognised
    to_write = [pk for pk in ids if not latest.get(pk)]
    if not to_write:
        return 0
    HealthNote.objects.bulk_create(
        HealthNote(
            beneficiary_id=pk,
            text=str(_("Reconnaissance du handicap (RQTH / AAH) indiquée par un fichier importé.")),
            disability_recognised=True,
            author=acting_user,
        )
        for pk in to_write
    )
    access_logs_record_bulk(
        user=acting_user, beneficiary_ids=to_write, detail=f"santé ({detail})"[:200]
    )
    return len(to_write)


_TAG_KEY_RE = re.compile(r"[^a-z0-9]+")


def tag_key(name):
    """How tag names compare: no accents, no case, single spaces."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    return _TAG_KEY_RE.sub(" ", text).strip()[:60]


def tags_attach(*, departement, names_by_person):
    """Tags given to people ({person pk: [names]}): the Département's tag of
    each name (compared by `tag_key`) is created when missing, and attached
    to the person unless already there. Idempotent; a few queries whatever
    the number of people. Returns how many tags were attached."""
    wanted = {}
    for names in names_by_person.values():
        for name in names:
            key = tag_key(name)
            if key:
                wanted.setdefault(key, name.strip()[:60])
    if not wanted:
        return 0
    tags = dict(
        Tag.objects.filter(departement=departement, key__in=wanted).values_list("key", "pk")
    )
    missing = [key for key in wanted if key not in tags]
    if missing:
        Tag.objects.bulk_create(
            [Tag(departement=departement, key=key, name=wanted[key]) for key in missing],
            ignore_conflicts=True,
        )
        tags = dict(
            Tag.objects.filter(departement=departement, key__in=wanted).values_list("key", "pk")
        )
    links = {
        (pk, tags[tag_key(name)])
        for pk, names in names_by_person.items()
        for name in names
        if tag_key(name) in tags
    }
    existing = set(
        BeneficiaryTag.objects.filter(
            beneficiary_id__in={pk for pk, _tag in links}, tag_id__in={t for _pk, t in links}
        ).values_list("beneficiary_id", "tag_id")
    )
    new = sorted(links - existing)
    BeneficiaryTag.objects.bulk_create(
        [BeneficiaryTag(beneficiary_id=pk, tag_id=tag) for pk, tag in new],
        ignore_conflicts=True,
    )
    return len(new)


@transaction.atomic
def reinforced_consent_record(
    *, acting_user, beneficiary, expected_version: int, decision, occurred_on, channel
):
    """The person gives, refuses or withdraws their consent to reinforced
    accompaniment: the answer on the person (with its date), one history row
    (how they said it, who recorded it), the version bumped, the change traced.

    A withdrawal needs a consent to withdraw; a date is neither in the future
    nor before the RSA application. A save based on an old version is refused.
    """
    errors = {}
    today = timezone.localdate()
    if occurred_on > today:
        errors["occurred_on"] = _("La date ne peut être future.")
    elif beneficiary.rsa_application_date and occurred_on < beneficiary.rsa_application_date:
        errors["occurred_on"] = _("La date ne peut précéder la demande de RSA.")
    if decision == ConsentDecision.WITHDRAWN and beneficiary.reinforced_consent is not True:
        errors["decision"] = _("La personne n'a pas donné de consentement à retirer.")
    if errors:
        raise ValidationError(errors)
    event = ConsentEvent(
        beneficiary=beneficiary,
        decision=decision,
        occurred_on=occurred_on,
        channel=channel,
        recorded_by=acting_user,
    )
    event.full_clean()
    consent = decision == ConsentDecision.GIVEN
    updated = Beneficiary.objects.filter(pk=beneficiary.pk, version=expected_version).update(
        reinforced_consent=consent,
        reinforced_consent_on=occurred_on,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise StaleVersionError()
    event.save()
    beneficiary.reinforced_consent = consent
    beneficiary.reinforced_consent_on = occurred_on
    beneficiary.version = expected_version + 1
    access_log_record(
        user=acting_user,
        beneficiary=beneficiary,
        action=AccessAction.CHANGE,
        detail="consentement",
    )
    return event
