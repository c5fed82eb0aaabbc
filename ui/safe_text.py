"""Text from a link, a file or another user, made harmless before Streamlit shows it.

Streamlit renders the text of ``st.markdown``, ``st.caption``, ``st.info`` ... as Markdown: a
scenario name ``[log in again](https://evil)`` or ``![](https://tracker/pixel)`` from a link
would become a link or a remote image on the client's screen. The catalogue's own words are
Markdown; every value from outside is passed through :func:`plain` (or :func:`code` inside
the catalogue's code spans) before it is put into them. Tables are shown as text by
Streamlit, but its "Download as CSV" writes cells as they are: :func:`safe_table` neutralises
those a spreadsheet would run as a formula.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from estimator.text.user_text import FORMULA_TRIGGERS, escaped

if TYPE_CHECKING:  # pandas is not imported by the first screen (tests/test_startup.py)
    import pandas as pd

__all__ = ["code", "plain", "safe_cell", "safe_table", "seen"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")
# GitHub-flavoured Markdown (Streamlit's) links bare addresses (https://..., www...., a@b.c) even when
# escaped: a word joiner (U+2060, invisible) after the scheme or "www" and before "@" breaks them.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www|xmpp)(?=\\[:.])|(?=@)")
_WORD_JOINER = "\u2060"
# A figure as the app writes it ("-1,234", "-12.5 %", "-€1,234"): a spreadsheet reads it as a number, not a formula.
_FIGURE = re.compile(r"[-+]?[^\w=+\-@\t\r(|!]{0,3}[\d.,\s\u00a0\u202f]+[^\w=+\-@(|!]{0,4}")


def plain(text: object, limit: int | None = 80) -> str:
    """Outside text as Markdown that shows it literally: markup escaped, control characters written out, shortened.

    Parameters
    ----------
    text : object
        A name, a note, a file's column or value, a link's value (anything: ``str()`` of it).
    limit : int or None, default 80
        Longest text shown (an ellipsis ends a longer one); ``None`` keeps it whole.

    Examples
    --------
    >>> plain("**bold** <b>x</b>")
    '\\\\*\\\\*bold\\\\*\\\\* \\\\<b\\\\>x\\\\</b\\\\>'
    >>> plain("![](http://t/p.png)")
    '\\\\!\\\\[\\\\]\\\\(http\\u2060\\\\://t/p\\\\.png\\\\)'
    >>> plain("a\\n\\n# b")
    'a\\\\\\\\n\\\\\\\\n\\\\# b'
    """
    shown = escaped(str(text), limit=limit)  # a line break would end the paragraph, and the escaping with it
    return _AUTOLINK.sub(lambda match: (match.group(1) or "") + _WORD_JOINER, _MARKDOWN_SPECIAL.sub(r"\\\1", shown))


def seen(markdown: str) -> str:
    """What a reader sees of Markdown escaped by :func:`plain` (the escapes removed), to compare texts.

    >>> seen(plain("[a](b) 5.0%")) == "[a](b) 5.0%"
    True
    """
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:&=])", r"\1", markdown).replace(_WORD_JOINER, "")


def code(text: object, limit: int | None = 40) -> str:
    """Outside text for inside a catalogue code span (`` `{value}` ``), where backslashes show as they are.

    A backtick would close the span and what follows would be Markdown again: it is shown as
    a modifier letter grave accent (ˋ); control characters are written out.

    >>> code("x`[a](http://e)`")
    'xˋ[a](http://e)ˋ'
    """
    return escaped(str(text), limit=limit).replace("`", "\u02cb")


def safe_cell(value: object) -> object:
    """A cell as a spreadsheet opening the table's CSV shows it: text a spreadsheet would run as a
    formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) gets a leading apostrophe;
    figures (``-1,234``) and anything not text stay as they are.

    >>> safe_cell('=HYPERLINK("http://e","x")'), safe_cell("@SUM(A1)"), safe_cell("-1,234 €"), safe_cell(-3)
    ('\\'=HYPERLINK("http://e","x")', "'@SUM(A1)", '-1,234 €', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _FIGURE.fullmatch(value):
        return "'" + value
    return value


def safe_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell, column label and index label passed through :func:`safe_cell`.

    Every table the app shows goes through it: the toolbar's "Download as CSV" writes the cells
    as shown.
    """
    import pandas as pd

    safe = frame.copy()
    safe.columns = pd.Index([safe_cell(label) for label in safe.columns], name=frame.columns.name)
    safe.index = pd.Index([safe_cell(label) for label in safe.index], name=safe_cell(frame.index.name))
    for column in range(safe.shape[1]):
        values = safe.iloc[:, column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            safe.isetitem(column, values.map(safe_cell))
    return safe
