"""The permission table of docs/security.md, read as data, and the walk of
the URLConf it is checked against.

A row of the table:

    | `route` | name | method | objects | anonymous | sociopro_referent | … |

- `route`: the URL pattern as Django prints it (`str(pattern.pattern)`,
  prefixes joined), in backticks: the key of the row.
- method: GET or POST (POST is sent empty: the permission check comes first).
- objects: what the URL's arguments point to, `kwarg=key` separated by
  commas; a key of the objects built by `_build` (tests/security/test_permission_matrix.py) or a
  literal value; `—` when the URL takes none.
- one cell per role: a word, optionally a status code (`|` between
  alternatives), optionally a note in parentheses, e.g. `allowed 400 (empty
  form refused)`. Words and their default status: see `WORDS`.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START = "<!-- permission-table:start -->"
END = "<!-- permission-table:end -->"

ROLES = [
    "anonymous",
    "sociopro_referent",
    "social_worker",
    "pe_advisor",
    "job_consultant",
    "nurse",
    "manager",
    "admin",
    "operator",
]

# word: default status codes
WORDS = {
    "login": {302},  # redirected to a login page (the site's or the admin's)
    "open": {200},  # served to anyone, logged in or not
    "allowed": {200},  # served to this role
    "redirect": {302},  # sent elsewhere (not a login page)
    "denied": {403},  # the role may not use it
    "scoped": {404},  # the object belongs to another territory/Département or user
    "missing": {404},  # the object does not exist (placeholder id)
    "method": {405},  # method not allowed
}


@dataclass(frozen=True)
class Expected:
    word: str
    statuses: frozenset
    text: str

    def matches(self, response):
        if response.status_code not in self.statuses:
            return False
        location = response.get("Location", "")
        is_login = "/connexion/" in location or "/admin/login/" in location
        if self.word == "login":
            return is_login
        if self.word == "redirect":
            return not is_login
        return True


@dataclass(frozen=True)
class Row:
    route: str
    name: str
    method: str
    objects: dict
    cells: dict  # role -> Expected
    line: int


def parse_cell(text):
    """'allowed 400 (note)' -> Expected('allowed', {400})."""
    bare = re.sub(r"\(.*?\)", "", text).strip()
    parts = bare.split()
    if not parts or parts[0] not in WORDS:
        raise ValueError(f"unknown outcome {text!r} (one of {', '.join(WORDS)})")
    statuses = WORDS[parts[0]]
    if len(parts) > 1:
        statuses = {int(code) for code in parts[1].split("|")}
    return Expected(parts[0], frozenset(statuses), text.strip())


def _cell(text, role, route, lineno):
    try:
        return parse_cell(text)
    except ValueError as error:
        raise ValueError(f"docs/security.md line {lineno}, `{route}`, {role}: {error}") from None


def _split(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_table(path=DOC):
    """{route: Row} from the permission table of docs/security.md."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END)
    first_line = text[:start].count("\n") + 1
    lines = text[start:end].splitlines()
    header = None
    rows = {}
    for offset, line in enumerate(lines):
        if not line.startswith("|"):
            continue
        # A `|` inside a cell is written `\|` (alternatives of status codes).
        cells = [c.replace("\\|", "|") for c in _split(line.replace("\\|", "\0"))]
        cells = [c.replace("\0", "|") for c in cells]
        if header is None:
            header = cells
            missing = [role for role in ROLES if role not in header]
            if missing:
                raise ValueError(f"docs/security.md: the table has no column {missing}")
            continue
        if set(line.replace("|", "").strip()) <= {"-", ":", " "}:
            continue
        values = dict(zip(header, cells, strict=True))
        route = values["URL"].strip("`")
        objects = {}
        if values["objects"] not in {"—", "-", ""}:
            for pair in values["objects"].split(","):
                key, _sep, value = pair.strip().partition("=")
                objects[key.strip()] = value.strip().strip("`")
        lineno = first_line + offset
        if route in rows:
            raise ValueError(f"docs/security.md line {lineno}: {route!r} twice")
        rows[route] = Row(
            route=route,
            name=values["name"].strip("`"),
            method=values["method"].upper(),
            objects=objects,
            cells={role: _cell(values[role], role, route, lineno) for role in ROLES},
            line=lineno,
        )
    return rows


def url_patterns(patterns=None, prefix="", namespace=None):
    """[(route, name, pattern)] of every URL pattern of the URLConf, recursively
    (included apps and the admin too)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            found += url_patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            found.append((prefix + str(pattern.pattern), name or "", pattern))
    return found


def template_row(route, name):
    """A row to paste in the table for a new URL pattern (outcomes to fill)."""
    kwargs = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    names = [a or b for a, b in kwargs]
    objects = ", ".join(f"{kwarg}=?" for kwarg in names) or "—"
    cells = " | ".join("?" for _role in ROLES)
    return f"| `{route}` | `{name}` | GET | {objects} | {cells} |"
