"""Benchmark of the applicant import, against django-import-export and COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_rsa SECRET_KEY=x \\
        python benchmarks/import_bench.py [--rows 100000]

Generates a CSV file as the CAF produces it (Windows-1252, `;`, `CP Ville`,
dd/mm/yyyy dates) with a realistic share of bad rows (5 %: bad NIR keys,
missing first names, impossible dates, duplicated rows, unknown roles) and
2 % of unknown communes, then imports it, each engine in its own process
(time and peak memory — `ru_maxrss` — of that process):

1. ours: the dry run, then the import (people, pathways, transitions,
   deadlines), through `ImportEngine`, as the Celery task runs it, then the
   same file again (everything unchanged);
2. django-import-export: a `ModelResource` on Beneficiary (matching on CAF
   number + role, bulk mode), the library a Django team would reach for; it
   writes the people only — no pathway, no deadline;
3. the floor: PostgreSQL `COPY` of the same file into a staging table of
   text columns, no validation at all.

Needs PostgreSQL (COPY) and the `bench` extra (`pip install --require-hashes -r requirements/bench.txt`).
Writes into a Département of its own (code "BN"), emptied before each run:
give it a database of its own (DATABASE_URL), where it is emptied by
TRUNCATE in a second; in a database shared with other Départements, its
people are deleted row by row (slow: every delete is traced).
"""

import argparse
import csv
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

DEPARTEMENT_CODE = "BN"
COMMUNES = 60
HEADERS = [
    "N° CAF",
    "ROLE PERSONNE",
    "Civilité",
    "Nom bénéficiaire",
    "Nom de naissance",
    "Prénom",
    "Date de naissance",
    "DATE DEMANDE RSA",
    "DATE DEBUT DROITS - DEVOIRS",
    "CP Ville",
    "N° Téléphones",
    "Adresses Mails",
    "NIR",
]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
FIRST_NAMES = ["Camille", "Léa", "Hugo", "Chloé", "Lucas", "Inès", "Noé", "Jade", "Éloïse"]


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _setup_django():
    import django

    django.setup()


def _nir(sex, birth, index):
    # Project imports must be lazy here: Django is set up at run time (the
    # database name and settings come from the command line).
    from beneficiaries.validators import nir_with_key

    return nir_with_key(f"{sex}{birth:%y%m}45{index // 1000 % 1000:03d}{index % 1000 + 1:03d}")


def generate(path, rows):
    """The file, and how many rows are bad on purpose."""
    bad = 0
    previous = None
    with open(path, "w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for index in range(rows):
            sex = "2" if index % 2 else "1"
            birth = datetime.date(1960 + index % 40, 1 + index % 12, 1 + index % 28)
            applied = datetime.date(2026, 1, 1) + datetime.timedelta(days=index % 300)
            commune = index % COMMUNES
            row = [
                f"{1000000 + index}",
                "DEMANDEUR" if index % 3 else "CONJOINT",
                "MME" if sex == "2" else "M",
                LAST_NAMES[index % len(LAST_NAMES)],
                "",
                FIRST_NAMES[index % len(FIRST_NAMES)],
                birth.strftime("%d/%m/%Y"),
                applied.strftime("%d/%m/%Y"),
                (applied - datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
                f"{45000 + commune:05d} COMMUNE {commune}" if index % 50 else "99999 INCONNUE",
                f"06 {index % 100:02d} {index // 100 % 100:02d} 00 {index % 97:02d}",
                f"personne{index}@example.org",
                _nir(sex, birth, index),
            ]
            if index % 20 == 19:
                bad += 1
                defect = index // 20 % 5
                if defect == 0:
                    row[12] = row[12][:13] + ("00" if row[12][13:] != "00" else "01")
                elif defect == 1:
                    row[5] = ""
                elif defect == 2:
                    row[7] = "31/02/2026"
                elif defect == 3 and previous:
                    row = previous
                else:
                    row[1] = "ENFANT"
            writer.writerow(row)
            previous = row
    return bad


def prepare():
    """The bench Département, its communes, and no people."""
    from django.db import connection

    # Project imports must be lazy here: Django is set up at run time (the
    # database name and settings come from the command line).
    from caseload.models import Commune, Departement, Territory
    from caseload.services import departement_create

    departement = Departement.objects.filter(code=DEPARTEMENT_CODE).first() or departement_create(
        code=DEPARTEMENT_CODE, name="Banc d'essai"
    )
    territory, _ = Territory.objects.get_or_create(departement=departement, name="Banc d'essai")
    for number in range(COMMUNES):
        Commune.objects.get_or_create(
            insee_code=f"{45000 + number:05d}",
            defaults={
                "name": f"Commune {number}",
                "postcode": f"{45000 + number:05d}",
                "territory": territory,
            },
        )
    with connection.cursor() as cursor:
        if not Departement.objects.exclude(pk=departement.pk).exists():
            # A database of its own (the usual case): emptied in a blink by
            # TRUNCATE, which fires no row trigger (the history and the
            # append-only access log would make a DELETE of 100,000 people
            # take minutes) — the people, everything that points to them, and
            # the audit tables.
            from beneficiaries.models import Beneficiary
            from core.db_roles import audit_tables

            tables = [Beneficiary._meta.db_table, *audit_tables()]
            cursor.execute(
                "TRUNCATE "
                + ", ".join(connection.ops.quote_name(table) for table in tables)
                + " RESTART IDENTITY CASCADE"
            )
            return departement
        cursor.execute(
            """
            DELETE FROM pathways_deadlinereminder WHERE deadline_id IN (
                SELECT d.id FROM pathways_deadline d JOIN pathways_pathway p
                ON p.id = d.pathway_id JOIN beneficiaries_beneficiary b
                ON b.id = p.beneficiary_id WHERE b.departement_id = %(d)s);
            DELETE FROM pathways_deadline WHERE pathway_id IN (
                SELECT p.id FROM pathways_pathway p JOIN beneficiaries_beneficiary b
                ON b.id = p.beneficiary_id WHERE b.departement_id = %(d)s);
            DELETE FROM pathways_stagetransition WHERE pathway_id IN (
                SELECT p.id FROM pathways_pathway p JOIN beneficiaries_beneficiary b
                ON b.id = p.beneficiary_id WHERE b.departement_id = %(d)s);
            DELETE FROM pathways_pathway WHERE beneficiary_id IN (
                SELECT id FROM beneficiaries_beneficiary WHERE departement_id = %(d)s);
            DELETE FROM beneficiaries_beneficiary WHERE departement_id = %(d)s;
            """,
            {"d": departement.pk},
        )
    return departement


def run_ours(path):
    # Project imports must be lazy here: Django is set up at run time (the
    # database name and settings come from the command line).
    from intake.imports import reading
    from intake.imports.columns import guess_columns
    from intake.imports.engine import ImportEngine, Recorder

    departement = prepare()
    results = {}
    for label, dry_run in (("dry_run", True), ("import", False), ("reimport", False)):
        start, cpu = time.perf_counter(), _cpu()
        with open(path, "rb") as fileobj:
            info = reading.detect(fileobj)
            columns = guess_columns(reading.read_headers(fileobj, info))
            recorder = Recorder()
            ImportEngine(
                departement=departement,
                fileobj=fileobj,
                info=info,
                columns=columns,
                dry_run=dry_run,
                recorder=recorder,
            ).run()
        results[label] = {
            "seconds": round(time.perf_counter() - start, 1),
            "cpu": round(_cpu() - cpu, 1),
            "counts": recorder.counts.summary(),
        }
    return results


def run_import_export(path):
    import tablib
    from import_export import fields, resources, widgets

    # Project imports must be lazy here: Django is set up at run time (the
    # database name and settings come from the command line).
    from beneficiaries.models import Beneficiary

    departement = prepare()
    date = widgets.DateWidget(format="%d/%m/%Y")
    columns = {
        "caf_number": "N° CAF",
        "household_role": "ROLE PERSONNE",
        "civility": "Civilité",
        "last_name": "Nom bénéficiaire",
        "birth_name": "Nom de naissance",
        "first_name": "Prénom",
        "birth_date": "Date de naissance",
        "rsa_application_date": "DATE DEMANDE RSA",
        "rights_opening_date": "DATE DEBUT DROITS - DEVOIRS",
        "phone": "N° Téléphones",
        "email": "Adresses Mails",
        "nir": "NIR",
    }

    class BeneficiaryResource(resources.ModelResource):
        caf_number = fields.Field("caf_number", column_name=columns["caf_number"])
        household_role = fields.Field("household_role", column_name=columns["household_role"])
        civility = fields.Field("civility", column_name=columns["civility"])
        last_name = fields.Field("last_name", column_name=columns["last_name"])
        birth_name = fields.Field("birth_name", column_name=columns["birth_name"])
        first_name = fields.Field("first_name", column_name=columns["first_name"])
        birth_date = fields.Field("birth_date", column_name=columns["birth_date"], widget=date)
        rsa_application_date = fields.Field(
            "rsa_application_date", column_name=columns["rsa_application_date"], widget=date
        )
        rights_opening_date = fields.Field(
            "rights_opening_date", column_name=columns["rights_opening_date"], widget=date
        )
        phone = fields.Field("phone", column_name=columns["phone"])
        email = fields.Field("email", column_name=columns["email"])
        nir = fields.Field("nir", column_name=columns["nir"])

        class Meta:
            model = Beneficiary
            fields = tuple(columns)
            import_id_fields = ("caf_number", "household_role")
            use_bulk = True
            batch_size = 2000
            skip_unchanged = True
            clean_model_instances = True

        def before_import_row(self, row, **kwargs):
            row[columns["household_role"]] = (row[columns["household_role"]] or "").lower()
            row[columns["civility"]] = {"MME": "mme", "M": "m"}.get(row[columns["civility"]], "")

        def get_queryset(self):
            return Beneficiary.objects.filter(departement=departement)

        def init_instance(self, row=None):
            return Beneficiary(departement=departement)

    start, cpu = time.perf_counter(), _cpu()
    with open(path, encoding="cp1252", newline="") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv", delimiter=";")
    result = BeneficiaryResource().import_data(dataset, dry_run=False, raise_errors=False)
    totals = result.totals
    return {
        "import": {
            "seconds": round(time.perf_counter() - start, 1),
            "cpu": round(_cpu() - cpu, 1),
            "counts": (
                f"created: {totals.get('new', 0)}, updated: {totals.get('update', 0)}, "
                f"unchanged: {totals.get('skip', 0)}, "
                f"rejected: {totals.get('invalid', 0) + totals.get('error', 0)}"
            ),
        }
    }


def run_copy(path):
    from django.db import connection

    start, cpu = time.perf_counter(), _cpu()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE import_staging ("
            + ", ".join(f"c{i} text" for i in range(len(HEADERS)))
            + ")"
        )
        with (
            open(path, "rb") as handle,
            cursor.copy(
                "COPY import_staging FROM STDIN WITH (FORMAT csv, DELIMITER ';', "
                "HEADER true, ENCODING 'WIN1252')"
            ) as copy,
        ):
            while chunk := handle.read(1024 * 1024):
                copy.write(chunk)
        cursor.execute("SELECT count(*) FROM import_staging")
        count = cursor.fetchone()[0]
    return {
        "import": {
            "seconds": round(time.perf_counter() - start, 1),
            "cpu": round(_cpu() - cpu, 1),
            "counts": f"rows: {count}",
        }
    }


ENGINES = {"ours": run_ours, "django-import-export": run_import_export, "copy": run_copy}


def child(engine, path):
    _setup_django()
    result = ENGINES[engine](path)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"engine": engine, "peak_mb": round(peak_mb), **result}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engines", default="ours,django-import-export,copy")
    parser.add_argument(
        "--iex-rows",
        type=int,
        default=None,
        help="django-import-export on the first N rows only (it is slow), the time scaled to the file",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demandeurs.csv"
        bad = generate(path, args.rows)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"file: {args.rows} rows, {bad} bad on purpose, {size_mb:.1f} MB")
        for engine in args.engines.split(","):
            source, scale = path, 1
            if engine == "django-import-export" and args.iex_rows and args.iex_rows < args.rows:
                source = Path(folder) / "subset.csv"
                with open(path, "rb") as full, open(source, "wb") as subset:
                    for number, line in enumerate(full):
                        if number > args.iex_rows:
                            break
                        subset.write(line)
                scale = args.rows / args.iex_rows
                print(f"django-import-export: first {args.iex_rows} rows, time scaled x{scale:g}")
            process = subprocess.run(
                [sys.executable, __file__, "--child", engine, "--file", str(source)],
                capture_output=True,
                text=True,
            )
            if process.returncode:
                sys.exit(f"{engine} failed:\n{process.stderr}")
            output = process.stdout.strip().splitlines()[-1]
            result = json.loads(output)
            for phase in ("dry_run", "import", "reimport"):
                if phase in result:
                    figures = result[phase]
                    if scale != 1:
                        figures["counts"] += f" (measured: {figures['seconds']} s)"
                        figures["seconds"] = round(figures["seconds"] * scale, 1)
                        figures["cpu"] = round(figures["cpu"] * scale, 1)
                    print(
                        f"{engine:22} {phase:8} {figures['seconds']:7.1f} s "
                        f"(CPU {figures['cpu']:5.1f} s)   "
                        f"peak {result['peak_mb']:4d} MB   {figures['counts']}"
                    )
    _setup_django()
    prepare()


if __name__ == "__main__":
    main()
