"""The logins of `make bench`, in the benchmark database only.

    DATABASE_URL=…_bench python benchmarks/accounts.py --out var/bench/accounts.json \\
        [--referents 60] [--managers 12] [--admins 1] [--import-rows 2000]

Picks the referents with the largest portfolios, the managers and a
Département administrator of the seeded data (`seed_demo`), gives them one
known password and the managers and administrators each a TOTP device of
their own (a second factor that can be used once per 30-second step, so
that every simulated manager has their own), adding managers to a territory
when the data has fewer than asked. Writes the accounts (usernames, the
password, the TOTP keys) and a CAF-like CSV for the administrator's
Département (communes of that Département, new CAF numbers at each call) to
a JSON file the harness and the locust file read. It refuses a database
whose name does not end in `_bench`.
"""

import argparse
import csv
import json
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BENCH_PASSWORD = "banc-d-essai-parcours-2026"
BENCH_PREFIX = "banc."


def _import_csv(path, communes, rows):
    """A CAF-like file (the headers of benchmarks/import_bench.py) with new
    CAF numbers at each call, living in the given communes."""
    from benchmarks.import_bench import FIRST_NAMES, HEADERS, LAST_NAMES

    start = 5_000_000 + int(time.time()) % 400_000 * 10
    with open(path, "w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for index in range(rows):
            postcode, name = communes[index % len(communes)]
            applied = f"{1 + index % 28:02d}/{1 + index % 12:02d}/2026"
            writer.writerow(
                [
                    f"{start + index}",
                    "DEMANDEUR",
                    "MME" if index % 2 else "M",
                    LAST_NAMES[index % len(LAST_NAMES)],
                    "",
                    FIRST_NAMES[index % len(FIRST_NAMES)],
                    f"{1 + index % 28:02d}/{1 + index % 12:02d}/{1960 + index % 40}",
                    applied,
                    applied,
                    f"{postcode} {name}".encode("cp1252", "replace").decode("cp1252"),
                    "",
                    "",
                    "",
                ]
            )


def prepare(referents, managers, admins, import_rows, out):
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Count, Q
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from caseload.enums import StaffRole
    from caseload.models import Commune, StaffProfile
    from core.models import User

    if not settings.DATABASES["default"]["NAME"].endswith("_bench"):
        sys.exit("accounts.py: the database name must end in _bench")
    with transaction.atomic():
        chosen_referents = list(
            StaffProfile.objects.filter(role__in=StaffRole.referent_roles(), is_active=True)
            .annotate(people=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
            .order_by("-people", "pk")
            .select_related("user")[:referents]
        )
        chosen_managers = list(
            StaffProfile.objects.filter(role=StaffRole.MANAGER, is_active=True)
            .select_related("user")
            .order_by("pk")[:managers]
        )
        # More simulated managers than the data has: new managers of the
        # first ones' territories (benchmark accounts, named banc.*).
        for index in range(managers - len(chosen_managers)):
            model = chosen_managers[index % len(chosen_managers)]
            username = f"{BENCH_PREFIX}chef{index}"
            user, _created = User.objects.get_or_create(
                username=username, defaults={"first_name": "Chef", "last_name": f"Banc {index}"}
            )
            profile, created = StaffProfile.objects.get_or_create(
                user=user,
                defaults={"role": StaffRole.MANAGER, "structure_id": model.structure_id},
            )
            if created:
                profile.territories.set(model.territories.all())
            chosen_managers.append(profile)
        chosen_admins = list(
            StaffProfile.objects.filter(role=StaffRole.ADMIN, is_active=True)
            .select_related("user", "structure")
            .order_by("pk")[:admins]
        )
        # No administrator in the data (e.g. `pages_bench`'s generator): one
        # for the first manager's Département (a benchmark account).
        for index in range(admins - len(chosen_admins)):
            user, _created = User.objects.get_or_create(
                username=f"{BENCH_PREFIX}admin{index}",
                defaults={"first_name": "Admin", "last_name": f"Banc {index}"},
            )
            profile, _created = StaffProfile.objects.get_or_create(
                user=user,
                defaults={
                    "role": StaffRole.ADMIN,
                    "structure_id": chosen_managers[0].structure_id,
                },
            )
            chosen_admins.append(profile)
        everyone = [p.user_id for p in chosen_referents + chosen_managers + chosen_admins]
        User.objects.filter(pk__in=everyone).update(
            password=make_password(BENCH_PASSWORD), is_active=True
        )
        keys = {}
        second_factor = [p.user for p in chosen_managers + chosen_admins]
        # Devices the data may hold are replaced (a referent with one would be
        # asked for a code the simulated user does not have).
        TOTPDevice.objects.filter(user_id__in=everyone).delete()
        StaticDevice.objects.filter(user_id__in=everyone).delete()
        for user in second_factor:
            keys[user.username] = secrets.token_hex(20)
            TOTPDevice.objects.create(
                user=user, name="Banc d'essai", key=keys[user.username], confirmed=True
            )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_path = out.with_suffix(".csv")
    if chosen_admins:
        departement_id = chosen_admins[0].structure.departement_id
        communes = list(
            Commune.objects.filter(territory__departement_id=departement_id)
            .order_by("insee_code")
            .values_list("postcode", "name")
        )
        _import_csv(csv_path, communes, import_rows)
    accounts = {
        "password": BENCH_PASSWORD,
        "referents": [{"username": p.user.username} for p in chosen_referents],
        "managers": [
            {"username": p.user.username, "totp_key": keys[p.user.username]}
            for p in chosen_managers
        ],
        "admins": [
            {"username": p.user.username, "totp_key": keys[p.user.username]} for p in chosen_admins
        ],
        "import_csv": str(csv_path) if chosen_admins else None,
        "import_rows": import_rows,
    }
    out.write_text(json.dumps(accounts, indent=1))
    print(
        f"{len(chosen_referents)} référents, {len(chosen_managers)} chefs de service, "
        f"{len(chosen_admins)} administrateurs : {out}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--referents", type=int, default=60)
    parser.add_argument("--managers", type=int, default=12)
    parser.add_argument("--admins", type=int, default=1)
    parser.add_argument("--import-rows", type=int, default=2000)
    args = parser.parse_args()
    prepare(args.referents, args.managers, args.admins, args.import_rows, args.out)


if __name__ == "__main__":
    main()
