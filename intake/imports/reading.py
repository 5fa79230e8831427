"""Reading CAF and Département files, streamed, whatever their shape.

- The type is decided by the content, never the name: an XLSX file is a zip
  archive holding `[Content_Types].xml` and `xl/workbook.xml`; a CSV file is
  text that decodes (UTF-8 with or without BOM, else Windows-1252, else
  Latin-1) and holds no NUL byte.
- CSV: the separator (`;`, `,` or tab) is the one the header line uses most; a
  row whose cell count is wrong is split again with the other separators
  before being reported (files assembled from several exports mix them).
- XLSX: refused before being opened when it would inflate past the limits
  (`IMPORT_XLSX_MAX_*` settings: zip bombs) or holds a DTD (XML entity
  attacks); openpyxl then parses it in read-only mode through defusedxml.
- Blank rows are skipped; line numbers are the ones a spreadsheet shows (the
  header is line 1 when it is the first line).

Every failure to read raises `UnreadableFile` with a French message.
"""

import codecs
import contextlib
import csv
import datetime
import io
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from core.date_ranges import day_text
from intake.imports.columns import ALIAS_TABLE, normalise_header

SEPARATORS = [";", ",", "\t"]
HEADER_SEARCH_ROWS = 10
SAMPLE_BYTES = 64 * 1024
XML_PROLOG_MAX_CHARS = 1024 * 1024
csv.field_size_limit(1024 * 1024)


class UnreadableFile(Exception):
    """The file cannot be read at all (as opposed to a row that is rejected)."""


@dataclass
class FileInfo:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    separator: str = ""
    sheet_names: list = field(default_factory=list)


@dataclass
class Row:
    line_number: int
    cells: list  # strings, dates, numbers, as read


def _rewind(fileobj):
    fileobj.seek(0)
    return fileobj


def detect(fileobj) -> FileInfo:
    """The kind of file (by content) and how to read it."""
    head = _rewind(fileobj).read(8)
    _rewind(fileobj)
    if head.startswith(b"PK\x03\x04"):
        sheet_names = _check_xlsx(fileobj)
        return FileInfo(kind="xlsx", sheet_names=sheet_names)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _(
                "Ce fichier est au format Excel 97-2003 (.xls), qui n'est pas accepté : "
                "enregistrez-le au format .xlsx ou CSV."
            )
        )
    if head.startswith(b"%PDF"):
        raise UnreadableFile(_("Ce fichier est un PDF : déposez un fichier CSV ou Excel (.xlsx)."))
    encoding = _detect_encoding(fileobj)
    separator = _detect_separator(fileobj, encoding)
    return FileInfo(kind="csv", encoding=encoding, separator=separator)


# --- CSV --------------------------------------------------------------------------


def _detect_encoding(fileobj):
    """UTF-8 (BOM or not) when the whole file decodes, else Windows-1252, else
    Latin-1. The whole file is checked, in chunks, so that a bad byte deep in
    the file is known before anything is written."""
    start = _rewind(fileobj).read(3)
    bom = start == codecs.BOM_UTF8
    candidates = ["utf-8-sig"] if bom else ["utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        _rewind(fileobj)
        try:
            while chunk := fileobj.read(1024 * 1024):
                text = decoder.decode(chunk)
                if "\x00" in text:
                    raise UnreadableFile(
                        _("Ce fichier n'est ni un fichier CSV ni un classeur Excel (.xlsx).")
                    )
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(
        _("Ce fichier n'est pas un texte lisible (UTF-8, Windows-1252 ou Latin-1).")
    )


def _text(fileobj, encoding):
    return io.TextIOWrapper(_rewind(fileobj), encoding=encoding, newline="")


def _detect_separator(fileobj, encoding):
    stream = _text(fileobj, encoding)
    try:
        sample = stream.read(SAMPLE_BYTES)
    finally:
        _detach(stream)
    lines = [line for line in sample.splitlines() if line.strip(" ;,\t")]
    if not lines:
        raise UnreadableFile(_("Le fichier est vide : il ne contient aucune ligne."))
    # The header line is the first that uses separators; control characters
    # other than tab and line ends mean this is not a text file.
    if sum(ch < " " and ch not in "\t\r\n" for ch in sample) > len(sample) // 100:
        raise UnreadableFile(_("Ce fichier n'est ni un fichier CSV ni un classeur Excel (.xlsx)."))
    first = lines[0]
    counts = {sep: first.count(sep) for sep in SEPARATORS}
    separator = max(SEPARATORS, key=lambda sep: counts[sep])
    return separator if counts[separator] else ";"


def _csv_rows(fileobj, info: FileInfo):
    stream = _text(fileobj, info.encoding)
    try:
        reader = csv.reader(stream, delimiter=info.separator)
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        # The csv module's reason is in English: a French one instead.
        raise UnreadableFile(
            _(
                "Le fichier CSV est mal formé vers la ligne %(line)s : une cellule est trop "
                "longue, ou des guillemets ne sont pas refermés. Vérifiez cette ligne dans un "
                "tableur, puis déposez le fichier de nouveau."
            )
            % {"line": reader.line_num}
        ) from exc
    finally:
        _detach(stream)


def _detach(stream):
    with contextlib.suppress(ValueError):  # the file was closed first
        stream.detach()


def _resplit(cells, expected, separator):
    """A row cut with the wrong separator, cut again with the other ones."""
    line = separator.join(cells)
    for other in SEPARATORS:
        if other == separator or other not in line:
            continue
        candidate = next(csv.reader([line], delimiter=other))
        if len(candidate) == expected:
            return candidate
    return None


# --- XLSX -------------------------------------------------------------------------


def _check_xlsx(fileobj):
    """Guards run before openpyxl sees the archive; returns the sheet names."""
    try:
        archive = zipfile.ZipFile(_rewind(fileobj))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(
            _("Le classeur Excel est endommagé : il ne peut pas être ouvert.")
        ) from exc
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnreadableFile(
                _("Ce fichier est une archive zip mais pas un classeur Excel (.xlsx).")
            )
        if len(members) > settings.IMPORT_XLSX_MAX_MEMBERS:
            raise UnreadableFile(_("Le classeur Excel contient trop d'éléments pour être ouvert."))
        total = sum(member.file_size for member in members)
        if total > settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES:
            raise UnreadableFile(
                _(
                    "Le classeur Excel décompressé dépasserait %(limit)s Mo : il est refusé "
                    "(protection contre les archives piégées)."
                )
                % {"limit": settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and ratio > settings.IMPORT_XLSX_MAX_RATIO:
                raise UnreadableFile(
                    _(
                        "Le classeur Excel est anormalement compressé (rapport %(ratio)s) : "
                        "il est refusé (protection contre les archives piégées)."
                    )
                    % {"ratio": round(ratio)}
                )
        for member in members:
            _check_member(archive, member)
    workbook = _open_workbook(fileobj)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _check_member(archive, member):
    """Every part of the archive is read to its end before openpyxl sees it:
    a corrupt compressed stream or a wrong checksum is refused here with a
    French message; the XML parts must declare no DTD before their root
    element."""
    try:
        with archive.open(member) as part:
            if member.filename.endswith((".xml", ".rels")) and _prolog_declares_dtd(part):
                raise UnreadableFile(
                    _("Le classeur Excel contient des déclarations XML interdites (DTD).")
                )
            while part.read(1024 * 1024):
                pass
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise UnreadableFile(
            _(
                "Le classeur Excel est endommagé (données compressées illisibles ou somme de "
                "contrôle fausse) : il ne peut pas être ouvert. Enregistrez-le de nouveau "
                "depuis Excel, puis déposez-le."
            )
        ) from exc


def _xml_decoder(head):
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head in (b"<\x00?\x00", b"\x00<\x00?"):
        return codecs.getincrementaldecoder("utf-16")(errors="replace")
    return codecs.getincrementaldecoder("utf-8-sig")(errors="replace")


def _prolog_declares_dtd(part):
    """True when the XML prolog — everything before the root element,
    however long its comments and processing instructions — holds a
    declaration (`<!DOCTYPE`, `<!ENTITY`…). A prolog longer than
    `XML_PROLOG_MAX_CHARS` counts as one: no real workbook has it."""
    head = part.read(4)
    decoder = _xml_decoder(head)
    buffer = decoder.decode(head)
    read = len(buffer)
    while True:
        buffer = buffer.lstrip(" \t\r\n\ufeff")
        if buffer.startswith("<?") or buffer.startswith("<!--"):
            end_mark = "?>" if buffer.startswith("<?") else "-->"
            end = buffer.find(end_mark, 2)
            if end >= 0:
                buffer = buffer[end + len(end_mark) :]
                continue
        elif buffer.startswith("<!") and len(buffer) >= 4:
            return True
        elif buffer.startswith("<!"):
            pass  # "<!-" cut by a chunk: read on
        elif len(buffer) >= 2 or (buffer and buffer[0] != "<"):
            return False  # the root element (or text a parser refuses anyway)
        if read > XML_PROLOG_MAX_CHARS:
            return True
        chunk = part.read(SAMPLE_BYTES)
        if not chunk:
            return False
        text = decoder.decode(chunk)
        read += len(text)
        buffer += text


def _open_workbook(fileobj):
    from openpyxl import load_workbook

    try:
        return load_workbook(_rewind(fileobj), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise UnreadableFile(
            _("Le classeur Excel ne peut pas être lu : il est endommagé.")
        ) from exc


def _xlsx_rows(fileobj, sheet_name):
    workbook = _open_workbook(fileobj)
    try:
        if sheet_name and sheet_name not in workbook.sheetnames:
            raise UnreadableFile(
                _("La feuille « %(sheet)s » n'existe pas dans ce classeur.") % {"sheet": sheet_name}
            )
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        try:
            for line_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line_number, list(values)
        except UnreadableFile:
            raise
        except Exception as exc:  # noqa: BLE001
            raise UnreadableFile(
                _("La feuille du classeur ne peut pas être lue : elle est endommagée.")
            ) from exc
    finally:
        workbook.close()


def best_sheet(fileobj, sheet_names):
    """The first sheet whose header names known columns (else the first)."""
    for name in sheet_names:
        try:
            headers = read_headers(fileobj, FileInfo(kind="xlsx"), name)
        except UnreadableFile:
            continue
        if sum(normalise_header(h) in ALIAS_TABLE for h in headers) >= 2:
            return name
    return sheet_names[0] if sheet_names else ""


# --- Both -------------------------------------------------------------------------


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return day_text(value)
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return day_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raw_rows(fileobj, info: FileInfo, sheet_name=""):
    if info.kind == "xlsx":
        return _xlsx_rows(fileobj, sheet_name)
    return _csv_rows(fileobj, info)


def _is_blank(cells):
    return all(_cell_text(c) == "" for c in cells)


def _header_position(rows):
    """(index, line, header cells) among the first rows: the first that names
    at least two known columns, else the first non-blank row."""
    first = None
    for index, (line, cells) in enumerate(rows):
        if _is_blank(cells):
            continue
        headers = [_cell_text(c) for c in cells]
        if first is None:
            first = (index, line, headers)
        if sum(normalise_header(h) in ALIAS_TABLE for h in headers) >= 2:
            return index, line, headers
    return first


def read_headers(fileobj, info: FileInfo, sheet_name=""):
    rows = []
    source = _raw_rows(fileobj, info, sheet_name)
    try:
        for item in source:
            rows.append(item)
            if len(rows) >= HEADER_SEARCH_ROWS:
                break
    finally:
        source.close()
    position = _header_position(rows)
    if position is None:
        raise UnreadableFile(_("Le fichier est vide : il ne contient aucune ligne."))
    headers = position[2]
    while headers and headers[-1] == "":
        headers.pop()
    if len(headers) > settings.IMPORT_MAX_COLUMNS:
        raise UnreadableFile(
            _(
                "Le fichier compte %(count)s colonnes ; %(limit)s au plus sont acceptées. "
                "Supprimez les colonnes inutiles (ou vérifiez le séparateur), puis déposez-le "
                "de nouveau."
            )
            % {"count": len(headers), "limit": settings.IMPORT_MAX_COLUMNS}
        )
    return headers


def iter_rows(fileobj, info: FileInfo, sheet_name=""):
    """(headers, generator of Row) — data rows only, blank ones skipped. A row
    whose cell count does not match the header keeps its cells as read; the
    caller reports it."""
    headers = read_headers(fileobj, info, sheet_name)
    width = len(headers)

    def generate():
        header_seen = False
        for line, cells in _raw_rows(fileobj, info, sheet_name):
            if _is_blank(cells):
                continue
            if not header_seen:
                texts = [_cell_text(c) for c in cells]
                while texts and texts[-1] == "":
                    texts.pop()
                header_seen = texts == headers
                continue
            if info.kind == "csv":
                while len(cells) > width and cells[-1].strip() == "":
                    cells = cells[:-1]
                if len(cells) != width:
                    cells = _resplit(cells, width, info.separator) or cells
            else:
                cells = cells[:width] if len(cells) > width and _is_blank(cells[width:]) else cells
                if len(cells) < width:
                    cells = cells + [None] * (width - len(cells))
            yield Row(line_number=line, cells=cells)

    return headers, generate()


def count_rows(fileobj, info: FileInfo, sheet_name=""):
    """Data rows in the file, for the progress bar: a fast pass over a CSV;
    for a workbook, the sheet's declared size when it has one (an estimate
    that counts blank rows; the engine corrects the total at the end)."""
    if info.kind == "xlsx":
        workbook = _open_workbook(fileobj)
        try:
            sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
            if sheet.max_row:
                return max(sheet.max_row - 1, 0)
        except KeyError:
            pass
        finally:
            workbook.close()
    headers, rows = iter_rows(fileobj, info, sheet_name)
    return sum(1 for _ in rows)


def cell_text(value):
    return _cell_text(value)
