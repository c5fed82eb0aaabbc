"""CSV: ``,`` or ``;``, its encoding detected, transcoded to UTF-8 in chunks when needed, read by DuckDB."""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb

from estimator.calibration.messages import CalibrationError
from estimator.calibration.sources.base import Source, check_header
from estimator.calibration.sql import sql_string as _sql_string

NAME = "csv"
#: Any file no other format claims is read as CSV.
MAGIC: tuple[bytes, ...] = ()
#: Bytes of the head of a CSV used to guess its encoding and delimiter.
_HEAD_BYTES = 1 << 20


def _guess_legacy_encoding(sample: bytes) -> str:
    """cp1250, ISO-8859-2 or cp1253 for bytes that are not UTF-8.

    Greek words are runs of high bytes; Central European words are ASCII with a high byte here and
    there. Between the two Central European pages, bytes 0x80–0x9F are letters only in cp1250, and
    otherwise the page that decodes more high bytes as letters wins.
    """
    positions = [i for i, b in enumerate(sample) if b >= 0x80]
    high = [sample[i] for i in positions]
    in_runs = sum(1 for i in positions if (i > 0 and sample[i - 1] >= 0x80) or (i + 1 < len(sample) and sample[i + 1] >= 0x80))
    if positions and in_runs / len(positions) > 0.6:
        return "cp1253"
    if any(0x80 <= b <= 0x9F for b in high):
        return "cp1250"

    def score(encoding: str) -> int:
        return sum(ch.isalpha() for ch in sample.decode(encoding, errors="replace") if ord(ch) >= 0x80)

    return max(("cp1250", "iso-8859-2"), key=score)


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

    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, [])
    return [h.lstrip("\ufeff").strip() for h in header]


def read(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, scratch: Path) -> Source:
    """Create the view ``src`` of the CSV ``path`` (every column as text)."""
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head.strip(b"\xef\xbb\xbf\r\n\t ,;"):
        raise CalibrationError("empty_file_blank")
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
    delimiter = _sniff_csv(head, "utf-16" if encoding == "utf-16" else encoding)
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
    columns = _read_header(readable, delimiter, "utf-8-sig")
    if not columns or not any(columns):
        raise CalibrationError("empty_file_no_header")
    check_header(columns)
    cols = "{" + ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in columns) + "}"
    relation = _csv_relation(readable, delimiter, encoding).replace("$cols", cols)
    con.execute(f"CREATE VIEW src AS SELECT * FROM {relation}")
    return Source(con, columns, NAME, encoding=encoding, delimiter=delimiter)
