"""Benchmark of the batch letters: N convocation letters in one PDF.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_rsa \
        .venv/bin/python benchmarks/letters_bench.py --letters 500

The appointments are built in memory (people, places, slots, referents, as
the batch view reads them with one query), so that the figure is the PDF's
own cost; it prints the wall time, the number of pages and the size.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from appointments.letters import letters_pdf  # noqa: E402
from appointments.models import Appointment, Place, Slot  # noqa: E402
from beneficiaries.models import Beneficiary  # noqa: E402
from caseload.models import StaffProfile  # noqa: E402
from core.models import User  # noqa: E402


def appointments(count):
    user = User(username="referente", first_name="Camille", last_name="Hervé")
    referent = StaffProfile(user=user)
    place = Place(
        pk=1,
        kind="structure",
        name="Maison du Département de Montargis",
        address_line="12 rue de la République",
        postcode="45200",
        city="Montargis",
        access_notes="Bus ligne 2, arrêt Mairie ; rampe d'accès à gauche de l'entrée.",
    )
    start = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    rows = []
    for index in range(count):
        slot = Slot(
            pk=index + 1,
            referent=referent,
            place=place,
            starts_at=start + datetime.timedelta(days=3, minutes=30 * index),
            ends_at=start + datetime.timedelta(days=3, minutes=30 * index + 30),
        )
        person = Beneficiary(
            pk=index + 1,
            civility="mme",
            first_name=f"Prénom{index}",
            last_name=f"Nom{index}",
            address_line=f"{index} rue des Lilas",
            postcode="45200",
            city="Montargis",
        )
        rows.append(
            Appointment(pk=index + 1, beneficiary=person, slot=slot, link_nonce=f"nonce{index}")
        )
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=500)
    args = parser.parse_args()
    rows = appointments(args.letters)
    began = time.perf_counter()
    content = letters_pdf(rows)
    elapsed = time.perf_counter() - began
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(content)).pages)
    print(f"{args.letters} letters: {elapsed:.2f} s, {pages} pages, {len(content) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
