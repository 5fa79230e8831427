"""HTTP helpers of `make bench`, shared by the harness and the locust file:
read a page's forms, fill them as a browser would, log in (password, then the
second factor), compute a TOTP code. They drive the application through its
URLs and pages only, never through its Python internals, so that the
benchmark keeps working while the pages change. Standard library only (the
locust workers import it too).
"""

import hashlib
import hmac
import re
import struct
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

LOGIN_PATH = "/connexion/"
SECOND_FACTOR_PATH = "/compte/double-authentification/"
RECORD_LINK = re.compile(r'href="(/portefeuille/personnes/(\d+)/)"')


def totp_code(key_hex, at=None, step=30, digits=6):
    """The RFC 6238 code of a hex key (SHA-1, django-otp's defaults)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list = field(default_factory=list)  # [name, value] pairs, in page order
    files: list = field(default_factory=list)  # names of <input type=file>
    submits: list = field(default_factory=list)  # (name, value) of named submit buttons

    def data(self, **overrides):
        """The values a browser would send, with `overrides` replacing (or
        adding) fields by name; a None override drops the field."""
        pairs = [(name, value) for name, value in self.fields if name not in overrides]
        for name, value in overrides.items():
            if value is None:
                continue
            if isinstance(value, list | tuple):
                pairs.extend((name, item) for item in value)
            else:
                pairs.append((name, value))
        return pairs

    def names(self):
        return {name for name, _value in self.fields}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None  # [name, first value, selected value, multiple]
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self._form = Form(
                action=attrs.get("action", ""),
                method=attrs.get("method", "get").lower(),
                enctype=attrs.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind == "file":
                self._form.files.append(name)
            elif kind in {"submit", "image", "button"}:
                self._form.submits.append((name, attrs.get("value", "")))
            elif kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._form.fields.append([name, attrs.get("value", "on")])
            else:
                self._form.fields.append([name, attrs.get("value", "")])
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            self._form.submits.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = [name, None, [], "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            if self._select[1] is None and value:
                self._select[1] = value
            if "selected" in attrs and value is not None:
                self._select[2].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, selected, multiple = self._select
            if selected:
                for value in selected if multiple else selected[:1]:
                    self._form.fields.append([name, value])
            elif first is not None and not multiple:
                self._form.fields.append([name, first])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append([self._textarea, "".join(self._text).lstrip("\n")])
            self._textarea = None


def forms_of(html):
    """Every form of a page, as a browser would submit it untouched."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html, *names, action_contains=None):
    """The first form having every field in `names` (and whose action contains
    `action_contains`), or None."""
    for form in forms_of(html):
        if action_contains is not None and action_contains not in form.action:
            continue
        if set(names) <= form.names() | set(form.files):
            return form
    return None


def record_links(html):
    """The paths of the person records a page links to, without duplicates."""
    return list(dict.fromkeys(match.group(1) for match in RECORD_LINK.finditer(html)))


def path_of(url):
    return urlsplit(url).path


class LoginFailed(Exception):
    pass


def login(session, username, password, totp_key=None, name_prefix=""):
    """Log in through the pages: the login form, then, when the application
    asks for it, the second-factor form with the current TOTP code. `session`
    is a requests.Session taking paths (locust's HttpSession, or
    `BaseUrlSession`). Returns the path landed on."""
    page = session.get(LOGIN_PATH, name=f"{name_prefix}{LOGIN_PATH}")
    form = form_with(page.text, "username", "password")
    if form is None:
        raise LoginFailed(f"no login form at {LOGIN_PATH} ({page.status_code})")
    response = session.post(
        urljoin(LOGIN_PATH, form.action) if form.action else LOGIN_PATH,
        data=form.data(username=username, password=password),
        headers={"Referer": page.url},
        name=f"{name_prefix}{LOGIN_PATH} POST",
    )
    landed = path_of(response.url)
    if landed.startswith(LOGIN_PATH):
        raise LoginFailed(f"password refused for {username} ({response.status_code})")
    if landed.startswith(SECOND_FACTOR_PATH):
        if totp_key is None:
            raise LoginFailed(f"{username} is asked for a second factor and has no key")
        form = form_with(response.text, "code")
        if form is None:
            raise LoginFailed(f"no second-factor form ({response.status_code})")
        code_page = response
        response = session.post(
            urljoin(landed, form.action) if form.action else landed,
            data=form.data(code=totp_code(totp_key)),
            headers={"Referer": code_page.url},
            name=f"{name_prefix}{SECOND_FACTOR_PATH} POST",
        )
        landed = path_of(response.url)
        if landed.startswith(SECOND_FACTOR_PATH):
            raise LoginFailed(f"second factor refused for {username}")
    return landed


def base_url_session(base_url):
    """A requests.Session taking paths, like locust's HttpSession."""
    import requests

    class BaseUrlSession(requests.Session):
        def request(self, method, url, *args, name=None, **kwargs):
            return super().request(method, urljoin(base_url, url), *args, **kwargs)

    return BaseUrlSession()
