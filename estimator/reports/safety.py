"""Keeping what users typed harmless in the documents we write.

Three dangers: a spreadsheet cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by Excel and LibreOffice when the text reaches a cell (formula
injection, e.g. ``=HYPERLINK(...)`` or DDE payloads); text pasted into HTML can carry markup
and scripts; and a scenario name used as a file name can climb out of a folder (``../``),
hold control characters or be a name Windows reserves (``CON``, ``NUL``, ``COM1`` ...).
"""

from __future__ import annotations

import html
import re
import unicodedata

from estimator.text.user_text import FORMULA_TRIGGERS, neutralise_formula, unsafe_characters

__all__ = ["FORMULA_TRIGGERS", "escape_html", "neutralise_formula", "safe_filename"]

#: Device names Windows reserves, with or without an extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_UNSAFE_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_MAX_STEM = 100


def escape_html(text: object) -> str:
    """Any value as HTML text: ``<``, ``>``, ``&`` and both quotes escaped.

    >>> escape_html("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return html.escape(str(text), quote=True)


def safe_filename(name: str, extension: str, *, fallback: str = "scenario") -> str:
    """A file name made from ``name`` that stays in its folder on every operating system.

    Path separators, control characters, characters Windows forbids and spaces become ``_`` (one
    for a run); leading dots are dropped (no hidden files, no ``..``); Windows' reserved device names
    get a ``_`` suffix; the stem is cut to 100 characters.

    Parameters
    ----------
    name : str
        Typically the scenario's name.
    extension : str
        Without the dot, e.g. ``"xlsx"``.
    fallback : str, default "scenario"
        Used when nothing usable is left of ``name``.

    Returns
    -------
    str

    Examples
    --------
    >>> safe_filename("../../etc/passwd", "xlsx")
    'etc_passwd.xlsx'
    >>> safe_filename("CON", "pptx")
    'CON_.pptx'
    >>> safe_filename("Telecom and cable TV (modified)", "pptx")
    'Telecom_and_cable_TV_(modified).pptx'
    >>> safe_filename("report\u202exslx.exe", "html")
    'report_xslx.exe.html'
    """
    stem = unicodedata.normalize("NFC", name)
    # Format characters too: a right-to-left override makes "cod.exe\u202Excl" look like "cod.lx.exe".
    unsafe = set(unsafe_characters(stem))
    stem = "".join("_" if char in unsafe else char for char in stem)
    stem = _UNSAFE_CHARACTERS.sub("_", stem)
    stem = re.sub(r"_*\.\.+_*", "_", stem)  # no ".." left anywhere
    # No spaces: a downloaded file is named in mails, shells and links without quoting.
    stem = re.sub(r"[\s_]+", "_", stem).strip(" ._")
    stem = stem[:_MAX_STEM].rstrip(" ._")
    if not stem:
        stem = fallback
    if stem.split(".")[0].upper() in _RESERVED:
        stem += "_"
    return f"{stem}.{extension.lstrip('.')}"
