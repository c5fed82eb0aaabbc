"""Text that came from a user, a file or a link: checked once, shown escaped.

Three rules, one place. A *name* (scenario, workspace, author) is normalised to NFC and holds no
control or format character: a zero-width space, a right-to-left override, U+0085 or U+2028
would make two names that look alike ("Base" and "Base\\u200b"), reverse what a reader sees or
break a line. A *note* may hold line breaks and tabs but no other control character (an ANSI
escape would reach the terminal). On a terminal, whatever is stored is shown with every
control and format character escaped (:func:`terminal_text`), so an older library cannot
inject either.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_NAME_LENGTH",
    "MAX_NOTES_LENGTH",
    "NAME_CHARACTERS",
    "NOTES_ALLOWED",
    "escaped",
    "normalise_text",
    "terminal_text",
    "unsafe_characters",
]

#: First characters that make a spreadsheet treat a cell's text as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Longest note (scenario notes, a version's note): a page of text, not a file pasted in.
MAX_NOTES_LENGTH = 10_000
#: Longest name (a scenario, a workspace, an author).
MAX_NAME_LENGTH = 100
#: What a name may hold, in the words of the error messages.
NAME_CHARACTERS = "without control or invisible formatting characters (line breaks, tabs, zero-width spaces, direction marks)"
#: What a note may hold.
NOTES_ALLOWED = f"up to {MAX_NOTES_LENGTH:,} characters of text; line breaks and tabs, but no other control characters"

# Cc: controls (C0, DEL, C1 such as U+0085); Cf: format (zero-width, bidi overrides); Zl/Zp: U+2028/U+2029;
# Cs: lone surrogates (bytes that were not UTF-8, kept by Python's surrogateescape).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def unsafe_characters(text: str, *, allow: str = "") -> list[str]:
    """The distinct control and format characters of ``text`` (those in ``allow`` excepted), in order.

    >>> unsafe_characters("Base\\u200b\\u202e"), unsafe_characters("a\\nb", allow="\\n")
    (['\\u200b', '\\u202e'], [])
    """
    found: list[str] = []
    for char in text:
        if char not in allow and char not in found and unicodedata.category(char) in _UNSAFE_CATEGORIES:
            found.append(char)
    return found


def escaped(text: str, *, allow: str = "", limit: int | None = 80) -> str:
    """``text`` with every control and format character written as ``\\uXXXX`` (``\\n`` as ``\\n``), shortened.

    >>> escaped("Base\\u202eevil\\x1b[31m")
    'Base\\\\u202eevil\\\\x1b[31m'
    """
    shown = text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
    unsafe = set(unsafe_characters(shown, allow=allow))
    if not unsafe:
        return shown
    return "".join(ascii(char)[1:-1] if char in unsafe else char for char in shown)


def normalise_text(text: str, *, multiline: bool = False) -> tuple[str, list[str]]:
    """``text`` in NFC, and the characters it may not hold (empty when it is fine).

    A name (``multiline=False``) may hold no control or format character; a note
    (``multiline=True``) may hold line breaks and tabs (``\\r\\n`` becomes ``\\n``).

    >>> normalise_text("Cafe\\u0301")
    ('Café', [])
    >>> normalise_text("Base\\u2028")[1]
    ['\\u2028']
    """
    try:
        normal = unicodedata.normalize("NFC", text)
    except UnicodeError:  # lone surrogates cannot be normalised
        normal = text
    if multiline:
        normal = normal.replace("\r\n", "\n")
    return normal, unsafe_characters(normal, allow="\n\t" if multiline else "")


def terminal_text(text: str, *, multiline: bool = False, indent: str = "") -> str:
    """Stored text as a terminal may show it: control and format characters escaped.

    With ``multiline``, line breaks are kept, each following line starting with ``indent``;
    otherwise they are escaped too.

    >>> terminal_text("a\\x1b]0;title\\x07b")
    'a\\\\x1b]0;title\\\\x07b'
    >>> terminal_text("one\\ntwo", multiline=True, indent="  ")
    'one\\n  two'
    """
    if not multiline:
        return escaped(text, limit=None)
    lines = text.replace("\r\n", "\n").split("\n")
    return ("\n" + indent).join(escaped(line, allow="\t", limit=None) for line in lines)


def neutralise_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: a leading formula trigger gets an apostrophe.

    Parameters
    ----------
    text : str
        Text a user typed (a scenario name, a note, a column name).

    Returns
    -------
    str
        ``"'" + text`` when ``text`` starts with one of :data:`FORMULA_TRIGGERS`, else ``text``.

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("Plan B")
    ("'=1+1", 'Plan B')
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
