"""Files shaped like the exports Départements and the CAF really send:
workbooks whose first sheet is named after the team, headers with line
breaks and tabs inside the cells, number cells for NIRs, phones and
allocation numbers, date cells, formatted empty rows after the data; CAF
contact CSV files with `,` or `;`."""

import csv
import datetime
import io

from beneficiaries.validators import nir_with_key

DEPARTEMENT_HEADERS = [
    "ID IODAS\t",
    "N° allocataire",
    "Nom",
    "Prénom",
    "Date de\nNaissance",
    "NIR",
    "Rôle",
    "DATE DEBUT DROITS - DEVOIRS",
    "N° Téléphones",
    "Adresses Mails",
    "CP Ville",
    "ID France\nTravail",
    "Observations",
    "Reçu en entretien le",
    "DECISION ORIENTATION",
    "Référent(s)",
    "Structure",
    "Étiquettes",
    "RQTH / AAH",
]


def nir13(index, sex="2", birth=datetime.date(1985, 4, 12)):
    return f"{sex}{birth:%y%m}45234{index % 1000:03d}"


def departement_row(index, **overrides):
    """A row (dict by header) with number and date cells, no RSA date."""
    row = {
        "ID IODAS\t": 50000 + index,
        "N° allocataire": 875200 + index,  # a number cell: leading zero lost
        "Nom": f"Nom{chr(65 + index % 26)}",
        "Prénom": f"Prénom{chr(65 + index % 26)}",
        "Date de\nNaissance": datetime.datetime(1985, 4, 12),
        "NIR": int(nir13(index)),  # 13 digits, a number cell
        "Rôle": "",
        "DATE DEBUT DROITS - DEVOIRS": datetime.datetime(2026, 11, 3),
        "N° Téléphones": 612345678,  # a number cell: leading zero lost
        "Adresses Mails": f"personne{index}@example.org",
        "CP Ville": "45200 MONTARGIS",
        "ID France\nTravail": f"FT{index:05d}",
        "Observations": "RAS",
        "Reçu en entretien le": None,
        "DECISION ORIENTATION": None,
        "Référent(s)": None,
        "Structure": None,
        "Étiquettes": None,
        "RQTH / AAH": None,
    }
    row.update(overrides)
    return row


def departement_xlsx(
    rows, *, headers=DEPARTEMENT_HEADERS, empty_rows=20, sheet="ENTRETIENS PHYSIQUES"
):
    """The first sheet named after the team, formatted empty rows after the data."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, PatternFill, Side

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(headers)
    for row in rows:
        worksheet.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    fill = PatternFill("solid", fgColor="FFFF00")
    border = Border(bottom=Side(style="thin"))
    first_empty = len(rows) + 2
    for line in range(first_empty, first_empty + empty_rows):
        for column in range(1, len(headers) + 1):
            cell = worksheet.cell(row=line, column=column)
            cell.fill = fill
            cell.border = border
            cell.number_format = "DD/MM/YYYY"
    workbook.create_sheet("Listes")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTACT_HEADERS = [
    "MATRICULE",
    "ROLE PERSONNE",
    "TYPE PERSONNE",
    "NIR",
    "NUMERO DEMANDE RSA",
    "DATE DEMANDE RSA",
    "DATE DEBUT DROITS - DEVOIRS",
    "NOM RESPONSABLE DOSSIER",
    "PRENOM RESPONSABLE DOSSIER",
    "NUMERO TELEPHONE DOSSIER",
    "NUMERO TELEPHONE 2 DOSSIER",
    "ADRESSE ELECTRONIQUE DOSSIER",
]


def contact_row(matricule, role="DEM", nir="", phone="", phone2="", email=""):
    return {
        "MATRICULE": matricule,
        "ROLE PERSONNE": role,
        "TYPE PERSONNE": "ALLOCATAIRE",
        "NIR": nir,
        "NUMERO DEMANDE RSA": "RSA123456",
        "DATE DEMANDE RSA": "02/11/2026",
        "DATE DEBUT DROITS - DEVOIRS": "01/11/2026",
        "NOM RESPONSABLE DOSSIER": "RESPONSABLE",
        "PRENOM RESPONSABLE DOSSIER": "Dossier",
        "NUMERO TELEPHONE DOSSIER": phone,
        "NUMERO TELEPHONE 2 DOSSIER": phone2,
        "ADRESSE ELECTRONIQUE DOSSIER": email,
    }


def contact_csv(rows, separator=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(CONTACT_HEADERS)
    for row in rows:
        writer.writerow([row.get(h, "") for h in CONTACT_HEADERS])
    return buffer.getvalue().encode("utf-8")


def full_nir(index):
    return nir_with_key(nir13(index))
