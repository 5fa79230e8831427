"""Generated import files, hostile ones included."""

import csv
import datetime
import functools
import io
import zipfile

from beneficiaries.validators import nir_with_key

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


def nir_for(index, civility="MME", birth=datetime.date(1985, 4, 12)):
    sex = "2" if civility == "MME" else "1"
    return nir_with_key(f"{sex}{birth:%y%m}45234{index % 1000:03d}")


def person(index, **overrides):
    """A valid row (dict by header) of a demandeur."""
    civility = overrides.pop("civility", "MME")
    birth = datetime.date(1985, 4, 12)
    row = {
        "N° CAF": f"{3000000 + index}",
        "ROLE PERSONNE": "DEMANDEUR",
        "Civilité": civility,
        "Nom bénéficiaire": f"Nom{chr(65 + index % 26)}",
        "Nom de naissance": "",
        "Prénom": f"Prénom{chr(65 + index % 26)}",
        "Date de naissance": birth.strftime("%d/%m/%Y"),
        "DATE DEMANDE RSA": "02/11/2026",
        "DATE DEBUT DROITS - DEVOIRS": "01/11/2026",
        "CP Ville": "45200 MONTARGIS",
        "N° Téléphones": "06 12 34 56 78",
        "Adresses Mails": f"personne{index}@example.org",
        "NIR": nir_for(index, civility, birth),
    }
    row.update(overrides)
    return row


def csv_bytes(rows, *, headers=HEADERS, separator=";", encoding="utf-8", bom=False, lines=None):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers] if isinstance(row, dict) else row)
    text = buffer.getvalue()
    if lines is not None:
        text = lines(text)
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(sheets):
    """sheets: {name: [header row, row, ...]} (values written as given)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def zip_bomb():
    """An archive that looks like a workbook and inflates a thousandfold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"0" * (1024 * 1024)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(30):
                member.write(chunk)
    return buffer.getvalue()


def xlsx_with_dtd():
    data = xlsx_bytes({"Feuil1": [HEADERS]})
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;">]>' + content
            archive.writestr(item, content)
    return buffer.getvalue()


def _rebuilt(data, member, change):
    """A copy of an archive with one member's content changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item)
            archive.writestr(item, change(content) if item.filename == member else content)
    return buffer.getvalue()


def xlsx_with_dtd_after_comment(comment_bytes=5 * 1024):
    """The DTD comes after a long comment, past the first kilobytes."""
    data = xlsx_bytes({"Feuil1": [HEADERS]})

    def change(content):
        declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        comment = b"<!--" + b"x" * comment_bytes + b"-->"
        dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;">]>'
        return declaration + comment + b"\n" + dtd + content

    return _rebuilt(data, "xl/workbook.xml", change)


def xlsx_with_long_comment(comment_bytes=200 * 1024):
    data = xlsx_bytes({"Feuil1": [HEADERS, list(person(1).values())]})

    def change(content):
        declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        return declaration + b"<!--" + b"x" * comment_bytes + b"-->\n" + content

    return _rebuilt(data, "xl/workbook.xml", change)


def _member_offsets(data, member):
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset
    name_length, extra_length = (
        int.from_bytes(data[start + 26 : start + 28], "little"),
        int.from_bytes(data[start + 28 : start + 30], "little"),
    )
    return info, start, start + 30 + name_length + extra_length


def xlsx_with_bad_checksum():
    """A valid workbook whose sheet's CRC-32, in both zip headers, is wrong."""
    data = bytearray(xlsx_bytes({"Feuil1": [HEADERS, list(person(1).values())]}))
    member = "xl/worksheets/sheet1.xml"
    info, local, _data_start = _member_offsets(bytes(data), member)
    wrong = ((info.CRC + 1) % 2**32).to_bytes(4, "little")
    data[local + 14 : local + 18] = wrong
    central = bytes(data).index(b"PK\x01\x02")
    while True:  # the member's entry in the central directory
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if bytes(data[central + 46 : central + 46 + name_length]) == member.encode():
            break
        extra = int.from_bytes(data[central + 30 : central + 32], "little")
        comment = int.from_bytes(data[central + 32 : central + 34], "little")
        central += 46 + name_length + extra + comment
    data[central + 16 : central + 20] = wrong
    return bytes(data)


def xlsx_with_corrupt_data():
    """A valid workbook whose sheet's deflate stream starts with garbage."""
    data = bytearray(xlsx_bytes({"Feuil1": [HEADERS, list(person(1).values())]}))
    _info, _local, data_start = _member_offsets(bytes(data), "xl/worksheets/sheet1.xml")
    data[data_start : data_start + 8] = b"\xff" * 8
    return bytes(data)
