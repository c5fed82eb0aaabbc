"""URLs as text: the one place a database or lake URL is written for a person, with every credential hidden.

A password can sit in a URL's userinfo (``postgresql://anna:s3cret@db/crm``), in a query key
(``?password=s3cret``, ``?sslpassword=``, ``?PGPASSWORD=``), or in a libpq conninfo string
(``host=db password=s3cret``). :func:`redact_url` hides all of them (``***``); :func:`redact_text`
does the same to a driver's message, with the secrets of the URL it was given (and their pieces, in
case a malformed URL was cut at an unencoded ``@``) taken out as well. The store, the calibration
engines, the CLI and the app all call these (never ``str(url)``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = [
    "HIDDEN",
    "is_url",
    "redact_text",
    "redact_url",
    "scheme",
    "unencoded_userinfo",
    "url_secrets",
]

#: What a hidden credential is shown as.
HIDDEN = "***"
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*)://")
#: Keys whose value is a credential, in a query string or a conninfo string (``password``, ``sslpassword``,
#: ``PGPASSWORD``, ``passwd``, ``pwd``, ``secret``, ``token``...).
_SECRET_KEY = r"[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token)[\w.-]*"
_KEY_VALUE = re.compile(rf"(?i)(?P<key>\b{_SECRET_KEY})(?P<equals>\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'|\"[^\"]*\"|[^\s&#;]*)")
#: A URL inside free text (a driver's message): up to a space or a quote.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")
#: Pieces of a password shorter than this are not searched for in free text (they would hide ordinary words).
_SHORTEST_PIECE = 3


def scheme(text: str) -> str | None:
    """The URL's scheme in lower case (``postgresql+psycopg``), or None when ``text`` is not ``scheme://...``."""
    found = _SCHEME.match(str(text))
    return found.group(1).lower() if found else None


def is_url(text: object) -> bool:
    """Whether ``text`` is written ``scheme://...`` (a URL, not a file path)."""
    return scheme(str(text)) is not None


def _split(url: str) -> tuple[str, str | None, str]:
    """``(scheme://, userinfo or None, the rest)``; the userinfo runs to the last ``@`` before the query.

    A password with an unencoded ``@`` is thus kept whole in the userinfo; one with an unencoded ``?``
    or ``/`` pushes the ``@`` past the query's start, and then everything up to the last ``@`` is taken
    for the userinfo (hiding too much rather than too little).
    """
    found = _SCHEME.match(url)
    if not found:
        return "", None, url
    start, rest = url[: found.end()], url[found.end() :]
    head = rest.split("?", 1)[0]
    at = head.rfind("@") if "@" in head else rest.rfind("@")
    if at < 0:
        return start, None, rest
    return start, rest[:at], rest[at + 1 :]


def _redact_pairs(text: str) -> str:
    return _KEY_VALUE.sub(lambda m: f"{m.group('key')}{m.group('equals')}{HIDDEN}" if m.group("value") else m.group(0), text)


def redact_url(url: object) -> str:
    """``url`` as text with every credential hidden: the userinfo's password and secret query keys.

    Parameters
    ----------
    url : str or sqlalchemy.engine.URL or object
        A URL (its text is taken with ``str``; a SQLAlchemy URL is rendered with its password first),
        or a conninfo string (``host=db password=...``).

    Returns
    -------
    str

    Examples
    --------
    >>> redact_url("postgresql://anna:s3cret@db.example:5432/library")
    'postgresql://anna:***@db.example:5432/library'
    >>> redact_url("postgresql://anna@db/crm?sslmode=require&password=s3cret")
    'postgresql://anna@db/crm?sslmode=require&password=***'
    >>> redact_url("postgresql://anna:se@cr@db/crm")
    'postgresql://anna:***@db/crm'
    >>> redact_url("host=db user=anna password='s e c'")
    'host=db user=anna password=***'
    """
    render = getattr(url, "render_as_string", None)
    text = render(hide_password=False) if callable(render) else str(url)
    start, userinfo, rest = _split(text)
    if userinfo is not None:
        user, colon, _password = userinfo.partition(":")
        text = f"{start}{user}{':' + HIDDEN if colon else ''}@{rest}"
    return _redact_pairs(text)


def url_secrets(url: object) -> list[str]:
    """The credentials written in ``url`` (as given and percent-decoded), longest first, with their pieces.

    The pieces (the password cut at ``@``, ``:``, ``/``, ``?``, ``#``) are there because a driver given a
    malformed URL may quote just a part of it ("failed to resolve host 'ret9@db'").
    """
    render = getattr(url, "render_as_string", None)
    text = render(hide_password=False) if callable(render) else str(url)
    found: set[str] = set()
    _start, userinfo, _rest = _split(text)
    if userinfo and ":" in userinfo:
        found.add(userinfo.partition(":")[2])
    for match in _KEY_VALUE.finditer(text):
        found.add(match.group("value").strip("'\""))
    for secret in list(found):
        for form in (secret, unquote(secret)):
            found.add(form)
            found.update(re.split(r"[@:/?#\s]", form))
    return sorted((s for s in found if len(s) >= _SHORTEST_PIECE), key=len, reverse=True)


def redact_text(text: str, *urls: object) -> str:
    """Free text (a driver's error) with URLs and ``key=value`` credentials in it hidden, and with the
    credentials of ``urls`` (and their pieces) replaced wherever they appear."""
    text = _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), str(text))
    text = _redact_pairs(text)
    for url in urls:
        for secret in url_secrets(url):
            text = text.replace(secret, HIDDEN)
    return text


def unencoded_userinfo(url: str) -> str | None:
    """The character that makes ``url``'s userinfo ambiguous (an unencoded ``@``, ``/``, ``?`` or ``#``), or None.

    ``postgresql://anna:se@cr@db/crm`` is read by libpq and SQLAlchemy as the password ``se`` on the
    host ``cr@db``: refused instead, before any driver sees it, asking for ``%40``.
    """
    _start, userinfo, _rest = _split(str(url))
    if userinfo is None or re.search(r"\?[\w.-]+=", userinfo):  # no userinfo, or an '@' in a query value
        return None
    return next((char for char in "@/?#" if char in userinfo), None)
