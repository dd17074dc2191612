"""One CSV writer for every table people download (not SPARQL results, which follow the W3C spec).

The motion tracer, a motion's answering actions, the network tables and `mkbgraph motions --csv`
all write through `write_csv`: a header row of readable column names (Dutch by default, English
when asked), values as text, lists joined with ``"; "``. Two dialects:

- ``csv``: RFC 4180 (comma, CRLF), UTF-8 without a byte order mark, decimals with a point: for
  programs (pandas, R, LibreOffice's import dialog).
- ``excel-nl``: what Excel with Dutch regional settings opens by a double click without garbling:
  semicolons (a Dutch Excel's list separator), a UTF-8 byte order mark (else "Wörsdörfer" and
  "€" come out as mojibake), CRLF, decimals with a comma.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mkbgraph.domain.labels import DEFAULT_LANGUAGE

#: Joins the items of a list inside one cell.
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class CsvDialect:
    """How a table is written: separator, byte order mark, line end, decimal mark."""

    name: str
    delimiter: str
    bom: bool
    decimal_comma: bool
    title_nl: str
    title_en: str


STANDARD = CsvDialect("csv", ",", False, False, "CSV", "CSV")
EXCEL_NL = CsvDialect("excel-nl", ";", True, True, "CSV voor Excel (NL)", "CSV for Excel (Dutch)")
#: Dialect name (the ``dialect=`` parameter) -> dialect.
DIALECTS: dict[str, CsvDialect] = {d.name: d for d in (STANDARD, EXCEL_NL)}


@dataclass(frozen=True)
class Column:
    """A column: the key of its value in a row, and its header in Dutch and English."""

    key: str
    nl: str
    en: str = ""

    def header(self, language: str) -> str:
        return self.en if language == "en" and self.en else self.nl


def dialect_named(name: str | None) -> CsvDialect:
    """The dialect for a ``dialect=`` value; unknown or empty names give the standard one."""
    return DIALECTS.get((name or "").strip().lower(), STANDARD)


def cell(value: Any, dialect: CsvDialect) -> str:
    """One value as the cell's text: lists joined, decimals with the dialect's mark, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a program reads true/false; a Dutch spreadsheet reader ja/nee
        return ("ja" if value else "nee") if dialect.decimal_comma else ("true" if value else "false")
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(cell(v, dialect) for v in items)
    if isinstance(value, Decimal | float) and dialect.decimal_comma:
        return _plain_number(value).replace(".", ",")
    if isinstance(value, Decimal | float):
        return _plain_number(value)
    return str(value)


def _plain_number(value: Decimal | float) -> str:
    """A number without exponent or thousands separators (5400000, 0.856)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def write_csv(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    dialect: CsvDialect = STANDARD,
    language: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The rows as CSV bytes: the header row, then one line per row (columns in the given order;
    a key a row lacks is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow([c.header(language) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c.key), dialect) for c in columns])
    text = buffer.getvalue()
    return ("\ufeff" + text if dialect.bom else text).encode("utf-8")


def media_type(dialect: CsvDialect) -> str:
    """The response's media type (``header=present`` tells a reader the first line names columns)."""
    return "text/csv; charset=utf-8; header=present"


def filename(stem: str, dialect: CsvDialect) -> str:
    """A download name that says which dialect it is (``motions-excel-nl.csv``)."""
    return f"{stem}.csv" if dialect is STANDARD else f"{stem}-{dialect.name}.csv"
