import datetime
import io

import pytest

from intake.imports import reading
from intake.imports.reading import UnreadableFile
from tests.beneficiaries.imports.files import (
    HEADERS,
    csv_bytes,
    person,
    xlsx_bytes,
    xlsx_with_dtd,
    zip_bomb,
)


def _rows(data, sheet=""):
    fileobj = io.BytesIO(data)
    info = reading.detect(fileobj)
    headers, rows = reading.iter_rows(fileobj, info, sheet)
    return info, headers, list(rows)


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", True, "utf-8-sig"),
        ("utf-8", False, "utf-8"),
        ("cp1252", False, "cp1252"),
        ("latin-1", False, "cp1252"),
    ],
)
def test_encodings_are_detected_and_accents_survive(encoding, bom, expected):
    data = csv_bytes(
        [person(1, **{"Nom bénéficiaire": "Lefèvre-Çelik"})], encoding=encoding, bom=bom
    )

    info, headers, rows = _rows(data)

    assert info.encoding == expected
    assert headers[0] == "N° CAF"
    assert "Lefèvre-Çelik" in rows[0].cells


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators_are_detected(separator):
    info, headers, rows = _rows(csv_bytes([person(1), person(2)], separator=separator))

    assert info.separator == separator
    assert headers == HEADERS
    assert [len(r.cells) for r in rows] == [len(HEADERS)] * 2


def test_a_row_with_another_separator_is_split_again_and_blank_lines_are_skipped():
    def mangle(text):
        lines = text.split("\r\n")
        lines[2] = lines[2].replace(";", ",")  # second person written with commas
        return "\r\n".join([lines[0], "", lines[1], ";;;", lines[2], ""])

    info, headers, rows = _rows(csv_bytes([person(1), person(2)], lines=mangle))

    assert [r.line_number for r in rows] == [3, 5]
    assert rows[1].cells[0] == "3000002"
    assert len(rows[1].cells) == len(HEADERS)


def test_a_title_line_before_the_header_is_skipped():
    data = ("Extraction CAF du 02/11/2026\n" + csv_bytes([person(1)]).decode()).encode()

    info, headers, rows = _rows(data)

    assert headers[0] == "N° CAF"
    assert rows[0].line_number == 3


def test_xlsx_sheet_with_known_headers_is_chosen_and_dates_are_read():
    data = xlsx_bytes(
        {
            "Notes": [["Fichier transmis par la CAF"]],
            "Demandeurs": [
                ["N° CAF", "Rôle", "Nom", "Prénom", "DATE DEMANDE RSA"],
                [1234567, "DEM", "Martin", "Paul", datetime.datetime(2026, 11, 2)],
                [None, None, None, None, None],
                [7654321, "CJT", "Martin", "Julie", 46328],
            ],
        }
    )
    fileobj = io.BytesIO(data)
    info = reading.detect(fileobj)

    assert info.kind == "xlsx"
    assert info.sheet_names == ["Notes", "Demandeurs"]
    assert reading.best_sheet(fileobj, info.sheet_names) == "Demandeurs"
    headers, rows = reading.iter_rows(fileobj, info, "Demandeurs")
    rows = list(rows)
    assert [r.line_number for r in rows] == [2, 4]
    assert rows[0].cells[4] == datetime.datetime(2026, 11, 2)


def test_a_zip_bomb_is_refused_before_being_opened(settings):
    with pytest.raises(UnreadableFile, match="archives piégées"):
        reading.detect(io.BytesIO(zip_bomb()))


def test_an_xml_entity_declaration_is_refused():
    with pytest.raises(UnreadableFile, match="DTD"):
        reading.detect(io.BytesIO(xlsx_with_dtd()))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04not really a zip archive at all", "endommagé"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "97-2003"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "ni un fichier CSV"),
        (b"", "vide"),
        (b"\n\n;;\n", "vide"),
    ],
)
def test_files_that_are_not_readable_say_why(data, message):
    with pytest.raises(UnreadableFile, match=message):
        fileobj = io.BytesIO(data)
        info = reading.detect(fileobj)
        reading.read_headers(fileobj, info)


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(UnreadableFile, match="pas un classeur"):
        reading.detect(io.BytesIO(buffer.getvalue()))
