"""CSV: ``,`` or ``;``, its encoding detected, transcoded to UTF-8 in chunks when needed, read by DuckDB."""

from __future__ import annotations

import codecs
import tomllib
import unicodedata
from functools import cache
from pathlib import Path

import duckdb

from estimator.calibration.formats.base import FileView, check_header
from estimator.calibration.messages import CalibrationError
from estimator.calibration.sql import sql_string as _sql_string
from estimator.paths import data_dir

NAME = "csv"
#: Any file no other format claims is read as CSV.
MAGIC: tuple[bytes, ...] = ()
#: Bytes of the head of a CSV used to guess its encoding and delimiter.
_HEAD_BYTES = 1 << 20


@cache
def _encodings() -> tuple[tuple[str, ...], frozenset[str]]:
    """The candidate code pages and the non-ASCII characters our languages write (``[encodings]``)."""
    with open(data_dir() / "calibration_columns.toml", "rb") as handle:
        raw = tomllib.load(handle)["encodings"]
    return tuple(raw["candidates"]), frozenset(raw["letters"] + raw["symbols"])


def _foreign(text: str) -> int:
    """Characters none of our languages writes: the sign of a wrong code page."""
    _, ours = _encodings()
    return sum(1 for ch in text if ord(ch) >= 0x80 and ch not in ours and not unicodedata.name(ch, "").startswith("GREEK"))


#: Further code pages offered when none of ours fits (those that decode the head without an error).
_FURTHER = ("cp1252", "iso8859_15", "cp852", "mac_latin2", "cp437")


def _decodes(sample: bytes) -> list[str]:
    out = []
    for encoding in _FURTHER:
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        out.append(encoding)
    return out[:4]


def _guess_legacy_encoding(sample: bytes) -> str:
    """The code page of bytes that are not UTF-8: charset-normalizer among our candidates, ties broken by our letters.

    Raises :class:`CalibrationError` naming the encodings the file might be when none fits.
    """
    import charset_normalizer

    candidates, _ = _encodings()
    matches = list(charset_normalizer.from_bytes(sample, cp_isolation=list(candidates)))
    if not matches:
        others = [m.encoding for m in charset_normalizer.from_bytes(sample)][:4] or _decodes(sample)
        raise CalibrationError(
            "wrong_encoding_guess",
            tried=", ".join(candidates),
            candidates=", ".join(others) or "—",
            first=others[0] if others else "cp1252",
        )
    ranked = sorted(matches, key=lambda m: (_foreign(str(m)), m.chaos, candidates.index(m.encoding)))
    return ranked[0].encoding


def _transcode(path: Path, encoding: str, target: Path) -> None:
    """Re-encode ``path`` to UTF-8 in chunks (never the whole file in memory)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(1 << 22):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))


def _sniff_csv(head: bytes, encoding: str) -> str:
    """The delimiter, from the header line: ``,`` or ``;`` (others are refused with a message)."""
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    header = text.splitlines()[0] if text.splitlines() else ""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    if counts[";"] > counts[","]:
        return ";"
    if counts[","]:
        return ","
    other = max(("\t", "|"), key=counts.get)
    if counts[other]:
        raise CalibrationError(
            "wrong_delimiter_tab" if other == "\t" else "wrong_delimiter", delimiter=other, example=header[:120]
        )
    return ","


def _csv_relation(path: Path, delimiter: str, encoding: str) -> str:
    return (
        f"read_csv({_sql_string(str(path))}, delim={_sql_string(delimiter)}, header=true, all_varchar=true, "
        f"quote='\"', escape='\"', encoding={_sql_string(encoding)}, null_padding=false, auto_detect=false, "
        "columns=$cols)"
    )


def _read_header(path: Path, delimiter: str, encoding: str) -> list[str]:
    import csv

    # The header is under a megabyte (checked before): let a field be that long, no longer.
    limit = csv.field_size_limit(_HEAD_BYTES)
    try:
        with open(path, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, [])
    except csv.Error:
        raise CalibrationError("line_too_long", limit=_HEAD_BYTES // 2**20) from None
    finally:
        csv.field_size_limit(limit)
    return [h.lstrip("\ufeff").strip() for h in header]


#: DuckDB's longest line (its default ``max_line_size``).
MAX_LINE_BYTES = 2_000_000


def long_line(path: Path, limit: int = MAX_LINE_BYTES) -> int | None:
    """The number (1-based) of the first line longer than ``limit`` bytes, read in chunks; None if there is none.

    Only asked after DuckDB failed: a line too long is then the likeliest cause to name.
    """
    line, since = 1, 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            parts = chunk.split(b"\n")
            for index, part in enumerate(parts):
                since += len(part)
                if since > limit:
                    return line
                if index < len(parts) - 1:
                    line, since = line + 1, 0
    return None


def _check_last_line(path: Path) -> None:
    """Refuse a last line longer than DuckDB reads: DuckDB 2.0 drops such a line without a word."""
    size = path.stat().st_size
    if size <= MAX_LINE_BYTES:
        return
    with open(path, "rb") as handle:
        handle.seek(size - MAX_LINE_BYTES - 2)
        tail = handle.read()
    if b"\n" not in tail.rstrip(b"\r\n") and b"\r" not in tail.rstrip(b"\r\n"):
        raise CalibrationError("line_too_long_row", detail="the last line")


def sniff(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The encoding and delimiter of the CSV ``path``, from its first megabyte (for every engine).

    Raises :class:`CalibrationError` for a blank file, a first line over a megabyte, NUL bytes without
    a BOM, and a delimiter other than ``,`` or ``;``.
    """
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head.strip(b"\xef\xbb\xbf\r\n\t ,;"):
        raise CalibrationError("empty_file_blank")
    if len(head) == _HEAD_BYTES and not any(end in head for end in (b"\n", b"\r", b"\n\x00", b"\x00\n")):
        # No line end in the first megabyte: a header that long is no customer extract (and would be read whole).
        raise CalibrationError("line_too_long", limit=_HEAD_BYTES // 2**20)
    if encoding is None:
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif b"\x00" in head:
            raise CalibrationError("wrong_encoding_nul")
        else:
            try:
                head.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError as error:
                # A cut in the middle of a character at the end of the head is still UTF-8.
                encoding = "utf-8" if error.start >= len(head) - 3 else _guess_legacy_encoding(head)
    return encoding, _sniff_csv(head, "utf-16" if encoding == "utf-16" else encoding)


def read(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, scratch: Path) -> FileView:
    """Create the view ``src`` of the CSV ``path`` (every column as text)."""
    encoding, delimiter = sniff(path, encoding)
    readable = path
    if encoding not in ("utf-8", "utf-16"):
        readable = scratch / "transcoded.csv"
        try:
            _transcode(path, encoding, readable)
        except (UnicodeDecodeError, LookupError) as error:
            raise CalibrationError("wrong_encoding_page", encoding=encoding, detail=str(error)) from None
        encoding = "utf-8"
    elif encoding == "utf-16":
        readable = scratch / "transcoded.csv"
        _transcode(path, "utf-16", readable)
        encoding = "utf-8"
    _check_last_line(readable)
    columns = _read_header(readable, delimiter, "utf-8-sig")
    if not columns or not any(columns):
        raise CalibrationError("empty_file_no_header")
    check_header(columns)
    cols = "{" + ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in columns) + "}"
    relation = _csv_relation(readable, delimiter, encoding).replace("$cols", cols)
    con.execute(f"CREATE VIEW src AS SELECT * FROM {relation}")
    return FileView(con, columns, NAME, encoding=encoding, delimiter=delimiter, path=readable)


def first_bad_utf8(path: Path) -> int | None:
    """The byte offset of the first byte that is not UTF-8 (read in chunks), or None."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    offset = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset + error.start
            offset += len(chunk)
    return None


def later_encoding_error(path: Path) -> CalibrationError | None:
    """For a CSV read as UTF-8 that fails: where it stops being UTF-8 and what it might be instead."""
    position = first_bad_utf8(path)
    if position is None:
        return None
    with open(path, "rb") as handle:
        handle.seek(max(0, position - 4096))
        window = handle.read(1 << 16)
    try:
        found = _guess_legacy_encoding(window)
        others = [found]
    except CalibrationError as error:
        others = error.values["candidates"].split(", ")
    return CalibrationError("wrong_encoding_later", position=position, candidates=", ".join(others), first=others[0])
