"""The import engine: rows in, people out, in batches.

Rows are read and checked `IMPORT_BATCH_SIZE` at a time (in a second
thread), and written `IMPORT_WRITE_BATCH_SIZE` at a time (a few hundred: the
progress is saved with each). For each written batch:

1. every row is checked (`validation.RowChecker`); rows naming the same
   person as an earlier row of the file (same CAF number and role, same NIR
   or same internal id) are reported as duplicates;
2. in ONE transaction, holding a per-Département advisory lock (so that two
   imports of the same Département — even of the same file at the same
   instant — take turns batch by batch and the second sees what the first
   wrote), the people the rows name are read (and locked when they are about
   to change), each row is matched
   (CAF number + role, else NIR, else internal id; a row whose keys name two
   different people, or whose NIR differs from the one on record, is rejected
   for a human to decide), new people are created in bulk with their pathway
   and deadlines (`beneficiaries_create_bulk`), matched people get the fields
   the file gives — and only those, never what referents entered — and the
   import's counts and rejected rows are written.

What a failure leaves: the batches committed before it, each made of whole
people (person, pathway, transition, deadlines, access log) and counted in
the import, which is marked failed with those counts; nothing of the failed
batch. Re-running the same file is idempotent: committed people match and
count as unchanged. The database constraints (unique CAF number + role, NIR,
internal id) are the last guard: a batch that still meets one (a person
created by hand at the same instant) is rolled back and replayed.
"""

import datetime
import functools
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beneficiaries.enums import Civility, HouseholdRole, ReferenceDateSource
from beneficiaries.models import Beneficiary
from beneficiaries.services import (
    access_logs_record_bulk,
    disability_recognitions_from_import,
    tags_attach,
)
from caseload.enums import Programme
from caseload.models import Assignment, Commune, StaffProfile, Structure
from caseload.services import assignment_auto_for_import, assignment_create
from caseload.unassigned import unassigned_deferred
from core.date_ranges import day_text
from intake.enums import ChangeKind, IssueSeverity
from intake.imports.columns import FIELDS, missing_required
from intake.imports.reading import Row, UnreadableFile, cell_text, iter_rows
from intake.imports.validation import RowChecker, simplify
from intake.people import beneficiaries_create_bulk, reference_date
from pathways.enums import DeadlineKind, Orientation, Stage
from pathways.models import OrientationDecision, Pathway
from pathways.services.deadlines import deadline_meet
from pathways.services.orientation import orientation_decide

logger = logging.getLogger(__name__)

ADVISORY_LOCK_NAMESPACE = 715_001
MAX_BATCH_ATTEMPTS = 3

# Fields an import may write on an existing person: the identity and contact
# data the CAF and the Département own. Everything else (consent, contacts,
# pathway, referents' notes) belongs to the people who work with the person.
FILE_OWNED_FIELDS = [
    "caf_number",
    "household_role",
    "civility",
    "last_name",
    "birth_name",
    "first_name",
    "birth_date",
    "rsa_application_date",
    "rights_opening_date",
    "address_line",
    "postcode",
    "city",
    "phone",
    "email",
    "nir",
    "external_id",
    "france_travail_id",
    "structure_id",
]
# What a CAF contact file may change: nothing but how to reach the person.
CONTACT_OWNED_FIELDS = ["phone", "email"]
STARTING_STAGES = {
    Orientation.SOCIALE: Stage.SOCIAL,
    Orientation.SOCIO_PROFESSIONNELLE: Stage.SOCIOPRO,
    Orientation.PROFESSIONNELLE: Stage.EMPLOYMENT,
}
KIND_PEOPLE = "people"
KIND_CONTACTS = "contacts"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    assigned: int = 0

    def add(self, other):
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self):
        return _(
            "créées : %(created)s, mises à jour : %(updated)s, inchangées : %(unchanged)s, "
            "rejetées : %(rejected)s"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


@dataclass
class Issue:
    line_number: int
    severity: str
    problems: list  # [(column, reason)]
    cells: list
    # A row "à confirmer": the person of the same names and birth date.
    candidate: int | None = None


@dataclass
class Outcome:
    """A person the row creates or updates, named for the report: the
    changed fields as (label, old, new), shown as the admin reads them (the
    NIR masked)."""

    line_number: int
    kind: str  # ChangeKind
    name: str
    beneficiary_id: int | None = None
    changes: list = field(default_factory=list)


def mask_nir(nir):
    """Only the sex digit and the key are shown: "2 •• •• •• ••• ••• 42"."""
    return f"{nir[:1]} •• •• •• ••• ••• {nir[13:]}" if nir else ""


def display_name(values):
    return " ".join(
        part for part in (values.get("last_name", "").upper(), values.get("first_name", "")) if part
    )


@dataclass
class _Pending:
    row: object
    checked: object
    commune_id: int | None = None
    territory_id: int | None = None
    structure_id: int | None = None
    keys: list = field(default_factory=list)


def _same_names(person, values):
    return simplify(person.last_name) == simplify(values.get("last_name", "")) and simplify(
        person.first_name
    ) == simplify(values.get("first_name", ""))


def _changes(person, wanted):
    return {name: value for name, value in wanted.items() if getattr(person, name) != value}


class Recorder:
    """Where the engine reports each batch; `batch_done` runs inside the
    batch's transaction when writing."""

    def __init__(self):
        self.counts = Counts()
        self.processed = 0

    def begin(self, total):
        pass

    def batch_done(self, counts, processed, issues, outcomes=()):
        self.counts.add(counts)
        self.processed += processed


class MemoryRecorder(Recorder):
    def __init__(self):
        super().__init__()
        self.issues = []
        self.outcomes = []

    def batch_done(self, counts, processed, issues, outcomes=()):
        super().batch_done(counts, processed, issues, outcomes)
        self.issues.extend(issues)
        self.outcomes.extend(outcomes)


class CommuneIndex:
    """The communes of a Département, in memory: by INSEE code, by postcode
    and town, by postcode alone, by town alone."""

    def __init__(self, departement):
        self.by_insee, self.by_postcode_city, self.by_postcode, self.by_city = {}, {}, {}, {}
        self.names = {}
        for pk, insee, name, postcode, territory_id in Commune.objects.filter(
            territory__departement=departement
        ).values_list("pk", "insee_code", "name", "postcode", "territory_id"):
            entry = (pk, territory_id)
            self.names[pk] = name
            self.by_insee[insee] = entry
            self.by_postcode_city[(postcode, simplify(name))] = entry
            self.by_postcode.setdefault(postcode, set()).add(entry)
            self.by_city.setdefault(simplify(name), set()).add(entry)

    def resolve(self, insee, postcode, city):
        if insee:
            return self.by_insee.get(insee)
        city_key = simplify(city).removesuffix(" CEDEX").strip() if city else ""
        if postcode and city_key and (postcode, city_key) in self.by_postcode_city:
            return self.by_postcode_city[(postcode, city_key)]
        if postcode:
            found = self.by_postcode.get(postcode, ())
            return next(iter(found)) if len(found) == 1 else None
        if city_key:
            found = self.by_city.get(city_key, ())
            return next(iter(found)) if len(found) == 1 else None
        return None


class StructureIndex:
    """The structures of a Département by name, compared without accents or
    case (read once, only when the file has a structure column)."""

    def __init__(self, departement):
        self.by_name, self.names = {}, {}
        for pk, name in Structure.objects.filter(departement=departement).values_list("pk", "name"):
            self.by_name[simplify(name)] = pk
            self.names[pk] = name

    def resolve(self, text):
        return self.by_name.get(simplify(text))


def _ids_by_keys(departement_id, keys):
    """The ids of the Département's people holding one of the keys
    ({"nir": {...}, "caf_number": {...}, ...}), each key looked up on its
    unique index (departement, key).

    Raw SQL, one lateral lookup per key value: written as `key IN (...)` OR-ed
    (what the ORM builds), the planner weighs hundreds of index probes
    against reading "the Département's few people" when the statistics
    predate the rows the import itself is writing (a first import into a
    Département; PostgreSQL without autovacuum): every batch then read all
    the people written before it, and a 100,000-row file took minutes. A
    probe per value is the cheaper plan whatever the statistics say
    (`OFFSET 0` keeps the planner from turning the lookups back into a join).
    Other databases (the embedded SQLite) take the OR-ed filter.
    """
    keys = {column: values for column, values in keys.items() if values}
    if not keys:
        return []
    if connection.vendor != "postgresql":
        condition = Q()
        for column, values in keys.items():
            condition |= Q(**{f"{column}__in": values})
        people = Beneficiary.objects.filter(condition, departement_id=departement_id)
        return list(people.values_list("pk", flat=True))
    table = Beneficiary._meta.db_table
    parts, params = [], []
    for column, values in keys.items():
        parts.append(
            f"SELECT found.id FROM unnest(%s::text[]) AS wanted(value) "
            f"CROSS JOIN LATERAL (SELECT b.id FROM {table} b WHERE b.departement_id = %s "
            f"AND b.{column} = wanted.value AND b.{column} <> '' OFFSET 0) AS found"
        )
        params += [sorted(values), departement_id]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), params)
        return [row[0] for row in cursor.fetchall()]


class ImportEngine:
    def __init__(
        self,
        *,
        departement,
        fileobj,
        info,
        columns,
        sheet_name="",
        acting_user=None,
        dry_run=False,
        recorder=None,
        batch_size=None,
        label="import",
        auto_assign=None,
        kind=KIND_PEOPLE,
        fixes=None,
        decisions=None,
    ):
        self.departement = departement
        # Rows "à confirmer" an admin decided in the dry run: line number →
        # (the person proposed, same person or not).
        self.decisions = decisions or {}
        self.kind = kind
        # Rows an admin corrected in the dry run: line number → cells.
        self.fixes = fixes or {}
        self.fileobj = fileobj
        self.info = info
        self.columns = columns
        self.sheet_name = sheet_name
        self.acting_user = acting_user
        self.dry_run = dry_run
        self.recorder = recorder or MemoryRecorder()
        self.batch_size = batch_size or settings.IMPORT_BATCH_SIZE
        self.write_size = min(self.batch_size, settings.IMPORT_WRITE_BATCH_SIZE)
        self.label = label
        self.auto_assign = (
            departement.auto_assign_imports if auto_assign is None else auto_assign
        ) and not dry_run
        # Identities seen in the file so far: key → line; person pk → line.
        self.seen = {}
        self.matched = {}

    def run(self, *, total=None, resume_after=0):
        """Import the whole file; `resume_after` rows already committed (a
        task restarted after a worker died) are only re-read to know their
        keys. Returns the recorder."""
        missing = missing_required(self.columns, self.kind)
        if missing:
            raise UnreadableFile(
                _("Colonnes obligatoires absentes du fichier : %(fields)s.")
                % {"fields": ", ".join(str(FIELDS[name][0]) for name in missing)}
            )
        headers, rows = iter_rows(self.fileobj, self.info, self.sheet_name)
        self.headers = headers
        self.checker = RowChecker(
            headers, self.columns, **({"required": ()} if self.kind == KIND_CONTACTS else {})
        )
        self.today = timezone.localdate()
        self.communes = CommuneIndex(self.departement)
        self.structures = self._structure_index()
        self.recorder.begin(total)
        # Reading and checking the next batch (pure Python) overlaps with
        # writing the current one (mostly waiting for PostgreSQL), in a
        # second thread; the matching and the writes stay in order.
        language = translation.get_language()

        def checked_batches():
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= self.batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        def read_and_check():
            with translation.override(language):
                return [(row, self.checker.check(row.cells)) for row in fixed(next(batches, []))]

        def fixed(rows):
            if self.fixes:
                for row in rows:
                    if row.line_number in self.fixes:
                        row.cells = list(self.fixes[row.line_number])
            return rows

        done = 0
        batches = checked_batches()
        with ThreadPoolExecutor(max_workers=1) as pool:
            upcoming = pool.submit(read_and_check)
            while True:
                checked = upcoming.result()
                if not checked:
                    break
                upcoming = pool.submit(read_and_check)
                # Written (and the progress saved) a few hundred rows at a
                # time, so that the progress bar moves on a large file.
                for start in range(0, len(checked), self.write_size):
                    part = checked[start : start + self.write_size]
                    self._batch(part, replay_only=done + len(part) <= resume_after)
                    done += len(part)
        return self.recorder

    def check_one(self, headers, line_number, cells, seen=None):
        """One row checked and matched as the dry run does (a corrected row):
        the recorder holds its outcome or its problems. `seen` holds the keys
        of the file's other rows (key → line): a row naming the same person
        is a duplicate."""
        self.seen = dict(seen or {})
        self.headers = headers
        self.checker = RowChecker(
            headers, self.columns, **({"required": ()} if self.kind == KIND_CONTACTS else {})
        )
        self.today = timezone.localdate()
        self.communes = CommuneIndex(self.departement)
        self.structures = self._structure_index()
        row = Row(line_number=line_number, cells=list(cells))
        self._batch([(row, self.checker.check(row.cells))])
        return self.recorder

    def _structure_index(self):
        return (
            StructureIndex(self.departement)
            if self.kind == KIND_PEOPLE and "structure" in self.checker.fields
            else None
        )

    # -- one batch ------------------------------------------------------------------

    def _batch(self, checked_rows, replay_only=False):
        pending, issues, counts = [], [], Counts()
        local_seen = {}
        for row, checked in checked_rows:
            if checked.errors:
                issues.append(self._issue(row, IssueSeverity.ERROR, checked.errors))
                counts.rejected += 1
                continue
            item = _Pending(row=row, checked=checked)
            values = checked.values
            if self.kind == KIND_CONTACTS:
                values = checked.values = {
                    name: value
                    for name, value in values.items()
                    if name in ("nir", "caf_number", "household_role", *CONTACT_OWNED_FIELDS)
                }
                checked.extras = {}
            item.keys = []
            if values.get("nir"):
                item.keys.append(("nir", values["nir"]))
            if values.get("caf_number"):
                item.keys.append(("caf", values["caf_number"], values["household_role"]))
            if values.get("external_id"):
                item.keys.append(("ext", values["external_id"]))
            if values.get("france_travail_id"):
                item.keys.append(("ft", values["france_travail_id"]))
            duplicate = next(
                (
                    (key, self.seen.get(key) or local_seen.get(key))
                    for key in item.keys
                    if key in self.seen or key in local_seen
                ),
                None,
            )
            if duplicate:
                key, line = duplicate
                reason = {
                    "caf": _("même numéro allocataire et même rôle que la ligne %(line)s"),
                    "nir": _("même NIR que la ligne %(line)s"),
                    "ext": _("même identifiant départemental que la ligne %(line)s"),
                    "ft": _("même identifiant France Travail que la ligne %(line)s"),
                }[key[0]] % {"line": line}
                if key[0] == "caf" and checked.role_defaulted:
                    reason = _(
                        "rôle dans le foyer absent : la ligne %(line)s est déjà le demandeur "
                        "de ce numéro allocataire ; indiquez le rôle (DEM ou CJT)"
                    ) % {"line": line}
                issues.append(
                    self._issue(
                        row,
                        IssueSeverity.ERROR,
                        [(_("(toute la ligne)"), _("ligne en double : ") + reason)],
                    )
                )
                counts.rejected += 1
                continue
            for key in item.keys:
                local_seen[key] = row.line_number
            if self.kind == KIND_PEOPLE:
                self._place(item)
                self._structure(item)
            pending.append(item)
        if replay_only:
            self.seen.update(local_seen)
            return
        for attempt in range(1, MAX_BATCH_ATTEMPTS + 1):
            try:
                # The unassigned queue is refreshed once for the batch, not
                # after each of its statements (people, pathways, deadlines).
                with (
                    transaction.atomic(),
                    nullcontext() if self.dry_run else unassigned_deferred(),
                ):
                    matched = self._write(pending, issues, counts)
            except IntegrityError:
                if attempt == MAX_BATCH_ATTEMPTS:
                    raise
                logger.warning("import batch met a constraint, replaying (attempt %s)", attempt)
                continue
            break
        self.seen.update(local_seen)
        self.matched.update(matched)

    def _issue(self, row, severity, problems):
        return Issue(
            line_number=row.line_number,
            severity=severity,
            problems=[(str(column), str(reason)) for column, reason in problems],
            cells=[cell_text(c) for c in row.cells],
        )

    def _place(self, item):
        checked = item.checked
        if not (checked.insee_code or checked.postcode or checked.city):
            return
        found = self.communes.resolve(checked.insee_code, checked.postcode, checked.city)
        if found:
            item.commune_id, item.territory_id = found
            return
        column = next(
            (
                self.checker.column(name)
                for name in ("insee_code", "postcode_city", "postcode", "city")
                if name in self.checker.fields
            ),
            "",
        )
        checked.warnings.append(
            (
                column,
                _(
                    "commune inconnue dans ce Département : la personne est importée sans "
                    "territoire et attend dans la file des personnes non affectées"
                ),
            )
        )

    def _structure(self, item):
        """The structure the row names, when it is one of the Département's
        (by name, without accents or case); otherwise a warning."""
        text = item.checked.extras.pop("structure", "")
        if not text or self.structures is None:
            return
        item.structure_id = self.structures.resolve(text)
        if item.structure_id is None:
            item.checked.warnings.append(
                (
                    self.checker.column("structure"),
                    _(
                        "structure « %(name)s » inconnue dans ce Département : elle n'est pas "
                        "enregistrée"
                    )
                    % {"name": text[:60]},
                )
            )

    def _write(self, pending, issues, batch_counts):
        """The database part of a batch, inside its transaction. Works on
        copies of the counts and issues so that a replayed batch starts over."""
        counts = Counts(rejected=batch_counts.rejected)
        issues = list(issues)
        if not self.dry_run:
            self._lock_departement()
        existing = self._existing(pending)
        to_create, to_update, matched = [], [], {}
        with_extras = []  # (index in to_create or person pk, extras, row)
        created, outcomes = [], []
        changed_fields = set()
        decided = []
        for item in pending:
            values = item.checked.values
            person, reason = self._match(item.checked, existing, matched)
            if person is None and reason is None:
                reason = self._cannot_create(values)
            decided.append((item, person, reason))
        namesakes = self._namesakes(
            [item for item, person, reason in decided if person is None and reason is None]
        )
        confirmed = self._confirmed_people(decided)
        for item, person, reason in decided:
            values = item.checked.values
            candidate = None
            if person is None and reason is None:
                candidate, reason = self._namesake_reason(values, namesakes)
                if candidate is not None:
                    person, reason = self._decided(item, candidate, reason, confirmed, matched)
            if reason:
                issues.append(
                    self._issue(item.row, IssueSeverity.ERROR, [(_("(toute la ligne)"), reason)])
                )
                issues[-1].candidate = candidate
                counts.rejected += 1
                continue
            if item.checked.warnings:
                issues.append(self._issue(item.row, IssueSeverity.WARNING, item.checked.warnings))
                counts.warnings += 1
            if person is None:
                created.append(
                    Outcome(
                        item.row.line_number,
                        ChangeKind.CREATED,
                        display_name(values),
                        changes=[self._reference_shown(values)],
                    )
                )
                counts.created += 1
                if item.checked.extras:
                    created[-1].changes.extend(self._extras_shown(item.checked.extras))
                if not self.dry_run:
                    if item.checked.extras:
                        with_extras.append((len(to_create), item.checked.extras, item.row))
                    to_create.append(
                        {
                            **values,
                            "commune_id": item.commune_id,
                            "territory_id": item.territory_id,
                            "structure_id": item.structure_id,
                        }
                    )
                continue
            matched[person.pk] = item.row.line_number
            if item.checked.extras and not self.dry_run:
                with_extras.append((-person.pk, item.checked.extras, item.row))
            wanted = dict(values)
            if item.checked.role_defaulted or not values.get("caf_number"):
                # A role the file does not give never changes the one on record.
                wanted.pop("household_role", None)
            if self.kind == KIND_CONTACTS:
                wanted = {name: wanted[name] for name in CONTACT_OWNED_FIELDS if name in wanted}
            if item.commune_id:
                wanted.update(commune_id=item.commune_id, territory_id=item.territory_id)
            if item.structure_id:
                wanted["structure_id"] = item.structure_id
            if _changes(person, wanted):
                to_update.append((person, wanted, item.row.line_number))
            else:
                counts.unchanged += 1
        if to_update and not self.dry_run:
            # Only the people about to change are locked (a lock writes to
            # the row), then compared again under the lock.
            locked = {
                person.pk: person
                for person in Beneficiary.objects.select_for_update(of=("self",))
                .filter(pk__in=[person.pk for person, _wanted, _line in to_update])
                .only("pk", "commune_id", "territory_id", *FILE_OWNED_FIELDS)
                .order_by("pk")
            }
            to_update = [(locked[person.pk], wanted, line) for person, wanted, line in to_update]
        people_to_update = self._apply_changes(to_update, changed_fields, counts, outcomes)
        if not self.dry_run:
            ids = self._save(to_create, people_to_update, changed_fields, counts)
            for outcome, pk in zip(created, ids, strict=True):
                outcome.beneficiary_id = pk
            self._apply_extras(
                [(ids[key] if key >= 0 else -key, extras, row) for key, extras, row in with_extras],
                issues,
                counts,
            )
            self._trace_fixes(created + outcomes, matched)
        self.recorder.batch_done(
            counts, len(pending) + batch_counts.rejected, issues, created + outcomes
        )
        return matched

    def _extras_shown(self, extras):
        shown = []
        if extras.get("orientation"):
            shown.append(
                (str(FIELDS["orientation"][0]), "", str(Orientation(extras["orientation"]).label))
            )
        if extras.get("interview_held_on"):
            shown.append(
                (str(FIELDS["interview_held_on"][0]), "", f"{extras['interview_held_on']:%d/%m/%Y}")
            )
        if extras.get("referent"):
            shown.append((str(FIELDS["referent"][0]), "", extras["referent"]))
        if extras.get("tags"):
            shown.append((str(FIELDS["tags"][0]), "", ", ".join(extras["tags"])))
        # The disability recognition is health data: never in the report.
        return shown

    def _apply_extras(self, people, issues, counts):
        """What a row says beyond the person, through the services that own
        it, in the batch's transaction: an interview already held meets the
        entry deadline; an orientation decision on a pathway still pending
        orientation is recorded by `orientation_decide` (its deadlines
        follow); a referent found among the Département's active staff is
        assigned by `assignment_create`, under the caps. What cannot be
        applied is a warning on the row. Only rows that give these columns
        cost queries; a second import of the same file changes nothing."""
        if not people:
            return
        tags_attach(
            departement=self.departement,
            names_by_person={
                pk: extras["tags"] for pk, extras, _row in people if extras.get("tags")
            },
        )
        disability_recognitions_from_import(
            acting_user=self.acting_user,
            beneficiary_ids=[pk for pk, extras, _row in people if extras.get("disability")],
            detail=self.label,
        )
        people = [
            (pk, extras, row)
            for pk, extras, row in people
            if {"orientation", "interview_held_on", "referent"} & extras.keys()
        ]
        if not people:
            return
        pathways = {
            pathway.beneficiary_id: pathway
            for pathway in Pathway.objects.open().filter(
                beneficiary_id__in=[pk for pk, _extras, _row in people]
            )
        }
        decided = set(
            OrientationDecision.objects.filter(pathway__in=list(pathways.values())).values_list(
                "pathway_id", flat=True
            )
        )
        for pk, extras, row in people:
            problems = []
            pathway = pathways.get(pk)
            held = extras.get("interview_held_on")
            if held and pathway is not None:
                deadline_meet(pathway=pathway, kind=DeadlineKind.ENTRY, on=held)
            orientation = extras.get("orientation")
            if (
                orientation
                and pathway is not None
                and pathway.stage == Stage.PENDING
                and pathway.pk not in decided
            ):
                try:
                    orientation_decide(
                        pathway=pathway,
                        orientation=orientation,
                        programme=pathway.programme or Programme.DROIT_COMMUN,
                        starting_stage=STARTING_STAGES[orientation],
                        acting_user=self.acting_user,
                        decided_on=self.today,
                    )
                except ValidationError as exc:
                    problems.append((self.checker.column("orientation"), exc.messages[0]))
            if extras.get("referent"):
                problems += self._assign_referent(pk, extras["referent"], pathway)
            if problems:
                issues.append(self._issue(row, IssueSeverity.WARNING, problems))
                counts.warnings += 1

    def _assign_referent(self, pk, text, pathway):
        column = self.checker.column("referent")
        first = re.split(r"[/;,]| et ", text)[0].strip()
        staff = self._find_staff(first)
        if staff is None:
            return [
                (
                    column,
                    _(
                        "référent « %(name)s » introuvable parmi les agents en poste du "
                        "Département : la personne n'est pas affectée"
                    )
                    % {"name": first[:60]},
                )
            ]
        if Assignment.objects.filter(
            beneficiary_id=pk, staff=staff, ended_at__isnull=True
        ).exists():
            return []
        try:
            assignment_create(
                beneficiary=Beneficiary.objects.get(pk=pk),
                staff=staff,
                acting_user=self.acting_user,
                reason=f"{self.label} : référent indiqué par le fichier",
                programme=pathway.programme if pathway is not None else Programme.DROIT_COMMUN,
            )
        except ValidationError as exc:
            return [(column, exc.messages[0])]
        return []

    def _find_staff(self, text):
        """The one active staff member of the Département this email or name
        designates, else None."""
        staff = StaffProfile.objects.filter(
            structure__departement=self.departement, is_active=True
        ).select_related("user")
        if "@" in text:
            found = list(staff.filter(user__email__iexact=text)[:2])
        else:
            words = set(simplify(text).split())
            found = (
                [
                    profile
                    for profile in staff.filter(
                        user__last_name__iregex=r"^("
                        + "|".join(re.escape(word) for word in words)
                        + r")$"
                    )[:20]
                    if words
                    and words
                    == set(simplify(f"{profile.user.first_name} {profile.user.last_name}").split())
                ]
                if words
                else []
            )
        return found[0] if len(found) == 1 else None

    def _trace_fixes(self, outcomes, matched):
        """The people written from a row an admin corrected: traced in their
        access log, with the line, in the batch's transaction."""
        if not self.fixes or self.acting_user is None:
            return
        lines = {o.beneficiary_id: o.line_number for o in outcomes if o.beneficiary_id}
        lines.update(matched)
        for pk, line in lines.items():
            if line in self.fixes:
                access_logs_record_bulk(
                    user=self.acting_user,
                    beneficiary_ids=[pk],
                    detail=f"{self.label} : ligne {line} corrigée dans l'analyse",
                )

    def _lock_departement(self):
        """One import writes in a Département at a time (an advisory lock held
        until the batch commits)."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            # A batch's commit need not wait for the disk: a server crash
            # may lose the last batches, but atomically — people and the
            # import's counts together — and a re-run imports them again.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [ADVISORY_LOCK_NAMESPACE, self.departement.pk],
            )

    def _match(self, checked, existing, matched):
        """(the person a row designates or None, the reason to reject the row
        or None). Looked up by NIR, then allocation number + role, then the
        Département's internal id, then the France Travail id: keys that
        designate different people, or a NIR (an internal id) that differs
        from the one on record, are rejected for a human to decide, and a
        person is given once per import."""
        values = checked.values
        by_nir, by_caf, by_ext, by_ft = existing
        found = [
            ("nir", by_nir.get(values.get("nir")) if values.get("nir") else None),
            (
                "caf",
                by_caf.get((values["caf_number"], values["household_role"]))
                if values.get("caf_number")
                else None,
            ),
            ("ext", by_ext.get(values.get("external_id")) if values.get("external_id") else None),
            (
                "ft",
                by_ft.get(values.get("france_travail_id"))
                if values.get("france_travail_id")
                else None,
            ),
        ]
        candidates = {}
        for key, person in found:
            if person is not None:
                candidates.setdefault(person.pk, (key, person))
        reason = None
        if len(candidates) > 1:
            reason = _(
                "conflit d'identité : le NIR, le numéro allocataire, l'identifiant "
                "départemental ou l'identifiant France Travail désignent des personnes "
                "différentes déjà enregistrées ; à trancher par un administrateur"
            )
        key, person = next(iter(candidates.values()), (None, None))
        if person is not None and reason is None:
            if values.get("nir") and person.nir and person.nir != values["nir"]:
                reason = _(
                    "conflit d'identité : la personne enregistrée sous ce numéro allocataire "
                    "et ce rôle a un autre NIR ; à trancher par un administrateur"
                )
            elif (
                values.get("external_id")
                and person.external_id
                and person.external_id != values["external_id"]
            ):
                reason = _(
                    "conflit d'identité : la personne enregistrée a un autre identifiant "
                    "départemental ; à trancher par un administrateur"
                )
            elif key == "caf" and checked.role_defaulted and not _same_names(person, values):
                reason = _(
                    "rôle dans le foyer absent : le demandeur de ce numéro allocataire est "
                    "une autre personne ; indiquez le rôle (DEM ou CJT)"
                )
            elif person.pk in self.matched or person.pk in matched:
                line = self.matched.get(person.pk) or matched.get(person.pk)
                reason = _("ligne en double : même personne que la ligne %(line)s") % {"line": line}
        return person, reason

    def _cannot_create(self, values):
        """Why a row that finds nobody cannot make a new person, or None."""
        if self.kind == KIND_CONTACTS:
            return _(
                "personne introuvable : ni le NIR ni le numéro allocataire et le rôle ne "
                "désignent une personne connue (un fichier de contacts ne crée personne)"
            )
        if not (values.get("last_name") and values.get("first_name")):
            return _(
                "personne introuvable par son NIR : le nom et le prénom sont obligatoires "
                "pour créer une personne"
            )
        return None

    def _namesakes(self, items):
        """People already recorded with the same birth date as rows about to
        create someone, by (names, birth date): a row without a NIR meets
        everyone, a row with one only the people without a NIR (two NIRs
        that differ are two people). One or two queries per batch, on the
        birth-date indexes."""
        dated = [item.checked.values for item in items if item.checked.values.get("birth_date")]
        if not dated:
            return {}
        all_dates = {values["birth_date"] for values in dated}
        no_nir_dates = {values["birth_date"] for values in dated if not values.get("nir")}
        base = Beneficiary.objects.filter(departement=self.departement).values_list(
            "pk", "last_name", "first_name", "birth_date", "nir"
        )
        rows = list(base.filter(nir="", birth_date__in=all_dates))
        if no_nir_dates:
            rows += list(base.filter(birth_date__in=no_nir_dates).exclude(nir=""))
        found = {}
        for pk, last_name, first_name, birth_date, nir in rows:
            key = (simplify(last_name), simplify(first_name), birth_date)
            found.setdefault(key, []).append((pk, bool(nir)))
        return found

    @staticmethod
    def _namesake_reason(values, namesakes):
        """(the person of the same names and birth date, the reason to ask
        the admin) or (None, None)."""
        if not values.get("birth_date") or not namesakes:
            return None, None
        key = (
            simplify(values.get("last_name", "")),
            simplify(values.get("first_name", "")),
            values["birth_date"],
        )
        people = [
            pk for pk, has_nir in namesakes.get(key, ()) if not (has_nir and values.get("nir"))
        ]
        if not people:
            return None, None
        return people[0], _(
            "à confirmer : une personne de même nom, prénom et date de naissance existe déjà "
            "(fiche n° %(pk)s) sans identifiant commun avec cette ligne ; si c'est elle, "
            "ajoutez à la ligne son NIR ou son numéro allocataire et son rôle, sinon un "
            "identifiant qui les distingue, ou tranchez ci-dessous"
        ) % {"pk": people[0]}

    def _confirmed_people(self, decided):
        """The people an admin said are the ones of rows "à confirmer" of
        this batch (one query, none without such a decision)."""
        pks = {
            self.decisions[item.row.line_number][0]
            for item, person, reason in decided
            if person is None
            and reason is None
            and item.row.line_number in self.decisions
            and self.decisions[item.row.line_number][1]
        }
        if not pks:
            return {}
        return {
            person.pk: person
            for person in Beneficiary.objects.filter(pk__in=pks, departement=self.departement).only(
                "pk", "commune_id", "territory_id", *FILE_OWNED_FIELDS
            )
        }

    def _decided(self, item, candidate, reason, confirmed, matched):
        """(person, reason) of a row "à confirmer" once the admin decided for
        that very person: "same" → that person (unless their NIR differs, or
        another row already gave them); "different" → a new person."""
        decision = self.decisions.get(item.row.line_number)
        if decision is None or decision[0] != candidate:
            return None, reason
        if not decision[1]:
            return None, None
        person = confirmed.get(candidate)
        if person is None:
            return None, reason
        values = item.checked.values
        if values.get("nir") and person.nir and person.nir != values["nir"]:
            return None, _(
                "conflit d'identité : la personne confirmée a un autre NIR ; à trancher par "
                "un administrateur"
            )
        if person.pk in self.matched or person.pk in matched:
            line = self.matched.get(person.pk) or matched.get(person.pk)
            return None, _("ligne en double : même personne que la ligne %(line)s") % {"line": line}
        return person, None

    def _reference_shown(self, values):
        """(label, "", shown) of the date a new person's deadlines start from."""
        date, source = reference_date(
            values.get("rsa_application_date"), values.get("rights_opening_date"), self.today
        )
        title, labels = self._reference_labels
        return (title, "", f"{date:%d/%m/%Y} ({labels[source]})")

    @functools.cached_property
    def _reference_labels(self):
        """The translated texts of `_reference_shown`, once per import rather
        than once per new person (the dry run of 100,000 rows felt it)."""
        return (
            str(_("Date de référence des délais")),
            {source: str(source.label) for source in ReferenceDateSource},
        )

    def _apply_changes(self, to_update, changed_fields, counts, outcomes):
        """The people whose fields the file changes, with the new values set
        (compared again: under the lock, another import may have written
        them), each named in `outcomes` with what changes."""
        people_to_update = []
        for person, wanted, line in to_update:
            changes = _changes(person, wanted)
            if not changes:
                counts.unchanged += 1
                continue
            outcomes.append(
                Outcome(
                    line,
                    ChangeKind.UPDATED,
                    display_name({"last_name": person.last_name, "first_name": person.first_name}),
                    person.pk,
                    [
                        (
                            str(self._label(name)),
                            self._shown(name, getattr(person, name)),
                            self._shown(name, value),
                        )
                        for name, value in changes.items()
                        if name != "territory_id"
                    ],
                )
            )
            for name, value in changes.items():
                setattr(person, name, value)
            changed_fields.update(changes)
            people_to_update.append(person)
            counts.updated += 1
        return people_to_update

    @staticmethod
    def _label(name):
        if name == "commune_id":
            return _("Commune")
        if name == "structure_id":
            return FIELDS["structure"][0]
        return FIELDS[name][0]

    def _shown(self, name, value):
        if value in (None, ""):
            return ""
        if name == "nir":
            return mask_nir(value)
        if name == "commune_id":
            return self.communes.names.get(value, "")
        if name == "structure_id":
            return self.structures.names.get(value, "") if self.structures else ""
        if name == "household_role":
            return str(HouseholdRole(value).label)
        if name == "civility":
            return str(Civility(value).label)
        if isinstance(value, datetime.date):
            return day_text(value)
        return str(value)

    def _existing(self, pending):
        """The people the batch's keys name: (by NIR, by (allocation number,
        role), by internal id, by France Travail id)."""
        by_nir, by_caf, by_ext, by_ft = {}, {}, {}, {}
        values = [item.checked.values for item in pending]
        keys = {
            name: {v[name] for v in values if v.get(name)}
            for name in ("nir", "caf_number", "external_id", "france_travail_id")
        }
        ids = _ids_by_keys(self.departement.pk, keys)
        if not ids:
            return by_nir, by_caf, by_ext, by_ft
        qs = Beneficiary.objects.filter(pk__in=ids).only(
            "pk", "commune_id", "territory_id", *FILE_OWNED_FIELDS
        )
        for person in qs.order_by("pk"):
            if person.caf_number:
                by_caf[(person.caf_number, person.household_role)] = person
            if person.nir:
                by_nir[person.nir] = person
            if person.external_id:
                by_ext[person.external_id] = person
            if person.france_travail_id:
                by_ft[person.france_travail_id] = person
        return by_nir, by_caf, by_ext, by_ft

    def _save(self, to_create, to_update, changed_fields, counts):
        """Writes the batch; returns the new people's ids, in order."""
        ids = []
        if to_create:
            ids = beneficiaries_create_bulk(
                acting_user=self.acting_user,
                departement=self.departement,
                people=to_create,
                detail=self.label,
            )
            if self.auto_assign:
                counts.assigned += self._assign(
                    [
                        Beneficiary(
                            pk=pk,
                            departement_id=self.departement.pk,
                            territory_id=values["territory_id"],
                        )
                        for pk, values in zip(ids, to_create, strict=True)
                    ]
                )
        if to_update:
            now = timezone.now()
            for person in to_update:
                person.updated_at = now
                # A form opened before the import is then refused (optimistic
                # locking) instead of silently undoing what the file changed.
                person.version = F("version") + 1
            Beneficiary.objects.bulk_update(
                to_update, sorted(changed_fields | {"updated_at", "version"}), batch_size=500
            )
            # Without a user (the command line), the rows name the command.
            access_logs_record_bulk(
                user=self.acting_user,
                beneficiary_ids=[p.pk for p in to_update],
                detail=f"mise à jour ({self.label})",
            )
        return ids

    def _assign(self, people):
        assigned = 0
        for person in people:
            if person.territory_id and assignment_auto_for_import(
                beneficiary=person, acting_user=self.acting_user
            ):
                assigned += 1
        return assigned
