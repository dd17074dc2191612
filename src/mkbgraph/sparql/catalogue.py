"""The canned query catalogue: one ``queries/<name>.rq`` file per question, with a header block.

A header is the leading run of ``# key: value`` comment lines (continuation lines start with
``#`` and two or more spaces)::

    # title: Actions per organisation
    # title_nl: Acties per organisatie
    # description_nl: Welke acties een organisatie trekt en bij welke zij betrokken is.
    # description_en: Which actions an organisation leads and which it is involved in.
    # audience: beleidsonderzoekers, Kamerstaf
    # tags: responsibility
    # param: org | iri | optional | orgn:ezk | The organisation (IRI or prefixed name).

A ``param`` line reads ``name | type | required|optional|default=VALUE | example | description``.

Parameters are bound safely: each value is parsed by its type into an rdflib term and written
as a one-line SPARQL term (`sparql_term`: quotes, backslashes and control characters escaped) inside a ``VALUES ?name { ... }`` block that opens the query's outer ``WHERE`` group.
The value never touches the query text in any other way, and an absent optional parameter
leaves its variable unbound, so the query (still valid SPARQL without the block, runnable as-is
in any editor) answers for every value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from mkbgraph.vocab import PREFIXES


class QueryFileError(Exception):
    """A canned query file has a malformed header; ``str()`` says which file, line and why."""


class ParameterError(ValueError):
    """A parameter value is missing, unknown or does not fit its type (an HTTP 400)."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(f"parameter {name!r}: {message}")


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:([\w.%-]*)$")
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iri(value: str) -> URIRef:
    """An absolute IRI (``<...>`` or bare) or a project prefixed name such as ``orgn:ezk``."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    match = _PREFIXED.match(text)
    if match and match.group(1) in PREFIXES:
        text = PREFIXES[match.group(1)] + match.group(2)
    elif match and match.group(1) is not None and "//" not in text:
        raise ValueError(f"unknown prefix {match.group(1)!r} (known: {', '.join(sorted(PREFIXES))})")
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise ValueError(f"{value!r} is not an absolute IRI or a known prefixed name")
    if _IRI_FORBIDDEN.search(text):
        raise ValueError(f"{value!r} contains characters not allowed in an IRI")
    return URIRef(text)


def parse_string(value: str) -> Literal:
    """Any text, as a plain string literal (escaped on output by rdflib)."""
    if len(value) > 500:
        raise ValueError("longer than 500 characters")
    return Literal(value)


def parse_integer(value: str) -> Literal:
    """A whole number."""
    try:
        return Literal(int(value.strip()), datatype=XSD.integer)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a whole number") from exc


def parse_decimal(value: str) -> Literal:
    """A decimal number such as ``5400000`` or ``2.5``."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a decimal number") from exc
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return Literal(number, datatype=XSD.decimal)


def parse_year(value: str) -> Literal:
    """A four-digit year, bound as an integer so queries can compare it with date parts."""
    if not _YEAR.match(value.strip()):
        raise ValueError(f"{value!r} is not a four-digit year")
    return Literal(int(value.strip()), datatype=XSD.integer)


def parse_date(value: str) -> Literal:
    """A calendar date ``YYYY-MM-DD``."""
    if not _DATE.match(value.strip()):
        raise ValueError(f"{value!r} is not a date YYYY-MM-DD")
    return Literal(value.strip(), datatype=XSD.date)


def parse_boolean(value: str) -> Literal:
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``)."""
    text = value.strip().lower()
    if text in ("true", "1", "yes", "ja"):
        return Literal(True)
    if text in ("false", "0", "no", "nee"):
        return Literal(False)
    raise ValueError(f"{value!r} is not true or false")


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_term(node: Node) -> str:
    """An IRI or literal written as a SPARQL term on one line, every quote and control escaped."""
    if isinstance(node, URIRef):
        if _IRI_FORBIDDEN.search(str(node)):
            raise ValueError(f"{node!r} contains characters not allowed in an IRI")
        return f"<{node}>"
    if not isinstance(node, Literal):
        raise TypeError(f"cannot bind {node!r}")
    text = "".join(_ESCAPES.get(c, c) for c in str(node))
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype is not None:
        return f'"{text}"^^<{node.datatype}>'
    return f'"{text}"'


#: Parameter type name -> parser from the text a user typed to an rdflib term.
PARAMETER_TYPES: dict[str, Callable[[str], Node]] = {
    "iri": parse_iri,
    "string": parse_string,
    "integer": parse_integer,
    "decimal": parse_decimal,
    "year": parse_year,
    "date": parse_date,
    "boolean": parse_boolean,
}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a canned query: bound to the query variable of the same name."""

    name: str
    type: str
    description: str
    example: str
    required: bool = False
    default: str | None = None

    def parse(self, value: str) -> Node:
        """The value as an RDF term, or `ParameterError` saying why not."""
        try:
            return PARAMETER_TYPES[self.type](value)
        except ValueError as exc:
            raise ParameterError(self.name, f"expected {self.type}: {exc}") from exc

    def as_dict(self) -> dict[str, object]:
        """JSON-ready metadata, for ``/api/queries`` and the form pages."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "example": self.example,
            "description": self.description,
        }


@dataclass(frozen=True)
class CannedQuery:
    """A stored question: its metadata from the header and the SPARQL text."""

    name: str
    title: str
    description_nl: str
    description_en: str
    audience: str
    parameters: tuple[Parameter, ...]
    text: str
    title_nl: str = ""
    tags: tuple[str, ...] = ()
    path: Path | None = None

    @property
    def form(self) -> str:
        """The query form (SELECT, ASK, CONSTRUCT or DESCRIBE), read from the text."""
        return query_form(self.text)

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; `ParameterError` when there is none."""
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(name, f"unknown parameter of {self.name} (known: {known})")

    def bind(self, values: Mapping[str, str | Sequence[str]] | None = None) -> str:
        """The query text with each given parameter bound through a VALUES block.

        ``values`` maps parameter names to one value or a list of values (several values
        mean "any of these"). Empty strings count as absent. Raises `ParameterError` for an
        unknown name, a missing required parameter or a value of the wrong type.
        """
        values = dict(values or {})
        for name in values:
            self.parameter(name)
        blocks: list[str] = []
        for p in self.parameters:
            given = values.get(p.name)
            items = [given] if isinstance(given, str) else list(given or [])
            items = [v for v in items if v.strip() != ""]
            if not items and p.default is not None:
                items = [p.default]
            if not items:
                if p.required:
                    raise ParameterError(p.name, f"required (e.g. {p.example})")
                continue
            terms = " ".join(sparql_term(p.parse(v)) for v in items)
            blocks.append(f"VALUES ?{p.name} {{ {terms} }}")
        return inject_values(self.text, blocks)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready metadata (without the text), for ``/api/queries``."""
        return {
            "name": self.name,
            "title": self.title,
            "title_nl": self.title_nl,
            "description_nl": self.description_nl,
            "description_en": self.description_en,
            "audience": self.audience,
            "tags": list(self.tags),
            "form": self.form,
            "parameters": [p.as_dict() for p in self.parameters],
        }


_HEADER_LINE = re.compile(r"^#\s?([a-z_]+):\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
_REQUIRED_KEYS = ("title", "description_nl", "description_en", "audience")


def parse_query_file(path: Path) -> CannedQuery:
    """Read one ``.rq`` file and its header; `QueryFileError` says what is wrong and where."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    last_key: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        cont = _CONTINUATION.match(line)
        head = _HEADER_LINE.match(line)
        if cont and last_key is not None and not head:
            if last_key == "param":
                params[-1] = _param_more(params[-1], cont.group(1))
            else:
                fields[last_key] += " " + cont.group(1).strip()
            continue
        if head is None:
            last_key = None
            continue
        key, value = head.group(1), head.group(2).strip()
        if key == "param":
            params.append(_parse_param(path, number, value))
        else:
            fields[key] = value
        last_key = key
    missing = [k for k in _REQUIRED_KEYS if not fields.get(k)]
    if missing:
        raise QueryFileError(f"{path.name}: header lacks {', '.join(missing)}")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryFileError(f"{path.name}: a parameter is declared twice")
    for p in params:
        if not re.search(rf"[?$]{re.escape(p.name)}\b", text):
            raise QueryFileError(f"{path.name}: parameter {p.name!r} is not a variable of the query")
    return CannedQuery(
        name=path.stem,
        title=fields["title"],
        title_nl=fields.get("title_nl", ""),
        description_nl=fields["description_nl"],
        description_en=fields["description_en"],
        audience=fields["audience"],
        tags=tuple(t.strip() for t in fields.get("tags", "").split(",") if t.strip()),
        parameters=tuple(params),
        text=text,
        path=path,
    )


def _parse_param(path: Path, number: int, value: str) -> Parameter:
    parts = [p.strip() for p in value.split("|")]
    where = f"{path.name}:{number}"
    if len(parts) != 5:
        raise QueryFileError(
            f"{where}: param needs 5 fields 'name | type | required|optional|default=V | example | description'"
        )
    name, type_, need, example, description = parts
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise QueryFileError(f"{where}: {name!r} is not a SPARQL variable name")
    if type_ not in PARAMETER_TYPES:
        raise QueryFileError(f"{where}: unknown type {type_!r} (known: {', '.join(PARAMETER_TYPES)})")
    default = need[len("default=") :] if need.startswith("default=") else None
    if need not in ("required", "optional") and default is None:
        raise QueryFileError(f"{where}: third field must be required, optional or default=VALUE")
    param = Parameter(name, type_, description, example, need == "required", default)
    try:
        param.parse(example)
        if default is not None:
            param.parse(default)
    except ParameterError as exc:
        raise QueryFileError(f"{where}: {exc}") from exc
    return param


def _param_more(param: Parameter, more: str) -> Parameter:
    return Parameter(
        param.name,
        param.type,
        f"{param.description} {more.strip()}",
        param.example,
        param.required,
        param.default,
    )


@dataclass
class Catalogue:
    """All canned queries of a folder, by name (the file stem)."""

    queries: dict[str, CannedQuery] = field(default_factory=dict)
    directory: Path | None = None

    @classmethod
    def load(cls, directory: Path) -> Catalogue:
        """Read every ``*.rq`` file of ``directory``; a malformed header raises `QueryFileError`."""
        found = {p.stem: parse_query_file(p) for p in sorted(Path(directory).glob("*.rq"))}
        return cls(found, Path(directory))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: object) -> bool:
        return name in self.queries

    def get(self, name: str) -> CannedQuery | None:
        """The query called ``name`` or None."""
        return self.queries.get(name)

    def names(self) -> list[str]:
        """Names in alphabetical order."""
        return sorted(self.queries)


# --- locating the outer WHERE group -------------------------------------------------------

_WORD = re.compile(r"[A-Za-z_]\w*")
_IRI_REF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _code_tokens(text: str):  # type: ignore[no-untyped-def]
    """Yield (position, token) for words and braces outside comments, strings and IRIs."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<":
            m = _IRI_REF.match(text, i)
            i = m.end() if m else i + 1
        elif c in "{}":
            yield i, c
            i += 1
        elif c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            assert m is not None
            if i == 0 or text[i - 1] not in "?$:":
                yield i, m.group(0)
            i = m.end()
        else:
            i += 1


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword outside comments."""
    for _, token in _code_tokens(text):
        if token.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return token.upper()
    return "SELECT"


def inject_values(text: str, blocks: Sequence[str]) -> str:
    """Insert VALUES blocks right after the brace that opens the outer WHERE group."""
    if not blocks:
        return text
    depth = 0
    after_where = False
    form = None
    for pos, token in _code_tokens(text):
        upper = token.upper()
        if form is None and upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = upper
        if token == "{":
            if depth == 0 and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
                insert = "\n  " + "\n  ".join(blocks) + "\n"
                return text[: pos + 1] + insert + text[pos + 1 :]
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and upper == "WHERE":
            after_where = True
    raise ParameterError("*", "the query has no WHERE group to bind parameters in")
