"""The screen every SPARQL text passes before any engine sees it: a lexer, not a parser.

Why a screen at all: it is a courtesy, not the wall. The wall is the worker sandbox, where a
seccomp filter denies every socket family but AF_UNIX, so no query can open a connection
whatever its text says. The screen answers early with a clear 403 for what this read-only
service refuses (``SERVICE``, ``FROM`` / ``FROM NAMED``, SPARQL Update), and it tells the query
form (SELECT, ASK, CONSTRUCT, DESCRIBE) so the caller can negotiate a result format.

Why a lexer and not rdflib's parser: the rdflib parser was slow (6-110 ms a text), not thread
safe, and it read texts differently from Oxigraph, the engine that actually executes them; a
``#`` comment ended by a bare carriage return hid a ``SERVICE`` from rdflib that Oxigraph ran.
A screen that disagrees with the engine about where a comment, string or IRI ends lets through
what it claims to refuse. So this module lexes the way the executing engine does, and refuses
only what it is sure about; every syntax error is left to the engine, which reports it with a
line and column (an unterminated string or IRI, or a bad escape, is not an error here).

How the executing engine lexes (pyoxigraph 0.5, checked against its parser and by the tests):

- the tokens of the SPARQL grammar (https://www.w3.org/TR/sparql11-query/#grammar, section
  19.8): ``#`` comments run to the end of the line, which is CR *or* LF; the four string forms
  with their ``\\t \\b \\n \\r \\f \\" \\' \\\\`` escapes are single tokens; ``<...>`` is an IRI
  only if it is an IRIREF, else ``<`` is the less-than operator; variables, prefixed names
  (``ex:from`` and ``:service`` are names, not keywords), blank nodes, numbers;
- ``\\uXXXX`` / ``\\UXXXXXXXX`` are decoded *inside* strings and IRIs only, as in SPARQL 1.2 and
  Turtle. Oxigraph does not apply section 19.2 (decoding escapes over the whole text before
  lexing): that is an optional build feature of its parser that pyoxigraph leaves off, and
  newer Oxigraph dropped it. So ``"a\\u005C"`` is the string ``a\\`` and the ``"`` after the
  escape closes it. The screen lexes that reading, and when the text holds such an escape it
  also lexes the section 19.2 reading and refuses what *either* reading shows;
- keywords are matched case-insensitively by length, *without* a word boundary, by a
  backtracking (PEG) parser. So ``SERVICESILENT<x>``, ``?o trueSERVICE <x>``, ``FROMNAMED<g>``
  and ``ASKFROM<g>`` hold keywords, and so can a prefixed name: ``service:x { ... }`` is a
  SERVICE call to ``:x``, and when ``ns + local`` is not a valid IRI the engine backs off to the
  bare ``ns:`` and reads the local part as keywords (``rdfs:SERVICE:e\\#x { ... }``). No SPARQL
  keyword or function name contains "service" or "from", so a bare word that contains one is
  refused; prefixed names are refused only where the keyword reading can parse (see
  `_scan`), so ordinary names such as ``ex:service`` or ``?from`` pass;
- a local name takes at most one run of dots (``ex:a.b.c`` is ``ex:a.b`` then ``.c``);
- whether ``<`` starts an IRI depends on grammar context: right after an operand inside an
  expression it is less-than (``FILTER(?a <1#>`` starts a comment at ``#``), elsewhere it
  starts an IRI (``?s <p#> ?o``). The screen keeps a stack of brackets to know which; where a
  ``(`` could be either an expression or a collection and the reading matters (the would-be
  IRI holds a ``#`` or ``'``), it lexes the rest of the text both ways and refuses what either
  way shows, within `MAX_READINGS`.

What it decides, from the tokens:

- only whitespace and comments: 400, "the query is empty"; over `MAX_QUERY_CHARS`: 413;
- the first keyword after the prologue (``BASE`` / ``PREFIX`` / ``VERSION``) is an update
  keyword (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH): 403. Only the
  first keyword counts: a query followed by ``; INSERT ...`` is a syntax error to the engine;
- ``SERVICE`` anywhere (``SILENT`` or a variable endpoint included): 403;
- ``FROM`` / ``FROM NAMED`` anywhere: 403, because this service has one fixed default graph;
- otherwise the form is the first keyword after the prologue: SELECT, ASK, CONSTRUCT or
  DESCRIBE; anything else: 400 with the line and column of that token.

Verdicts are cached by text. Lexing takes about 15 microseconds for a one-line query and
about 15 milliseconds for 100 KB.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from mkbgraph.errors import ServiceError

#: Longest text screened at all; a longer one is refused with 413 before it is lexed.
MAX_QUERY_CHARS = 100_000

#: How many readings of one text the screen lexes when ``<`` is ambiguous (see `_scan`).
MAX_READINGS = 8

#: Deepest bracket nesting the screen lets through. Oxigraph's parser is recursive: at a few
#: thousand nested brackets it overflows its stack and the worker dies (a segmentation fault,
#: not an error), so such texts get a clear 400 here instead; no query a person writes comes near.
MAX_DEPTH = 256

#: The query forms this service answers, as their keywords.
QUERY_FORMS: tuple[str, ...] = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

#: Keywords an update operation starts with (after its prologue).
UPDATE_KEYWORDS: tuple[str, ...] = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
)


class QueryRejected(ServiceError):
    """A query or request parameter this service will not run with; a 400 unless a subclass says
    otherwise. ``line`` and ``column`` (1-based) point at the problem in the query text."""

    status = 400
    code = "bad_query"
    title = "Bad query"

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        where = {"line": line, "column": column} if line is not None else {}
        super().__init__(message, status=status, code=code, title=title, extra={**where, **(extra or {})})
        self.line = line
        self.column = column


class QuerySyntaxError(QueryRejected):
    """Not a SPARQL 1.1 query, as far as the screen can tell: 400."""

    status = 400
    code = "bad_query"


class QueryRefused(QueryRejected):
    """A well-formed request for something this service refuses to do: 403."""

    status = 403
    code = "refused"
    title = "Refused"


class QueryTooLong(QueryRejected):
    """A text over `MAX_QUERY_CHARS`: 413, refused before it is lexed."""

    status = 413
    code = "too_large"
    title = "Query too large"


@dataclass(frozen=True)
class ScreenedQuery:
    """A query that passed the screen, with its form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""

    text: str
    form: str


def screen(text: str) -> ScreenedQuery:
    """Lex ``text`` as the engine will; return it with its form or raise a `QueryRejected`."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(
            f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}".replace(",", " ")
        )
    if not text.strip():
        raise QuerySyntaxError("the query is empty")
    verdict = _verdict(text)
    if isinstance(verdict, ScreenedQuery):
        return verdict
    kind, message, line, column = verdict
    if kind == "update":
        raise refuse_update()
    if kind == "refused":
        raise QueryRefused(message, line, column)
    raise QuerySyntaxError(message, line, column)


def refuse_update() -> QueryRefused:
    """The error for an update sent through any door (``update=``, sparql-update body)."""
    return QueryRefused("SPARQL Update is not allowed: this endpoint is read-only")


_SERVICE_MESSAGE = "SERVICE (federated query) is not allowed: this endpoint makes no outbound requests"
_FROM_MESSAGE = (
    "FROM and FROM NAMED are not supported: this service answers over its one default graph "
    "and loads no other graph"
)
_NOT_A_QUERY = "not a SELECT, ASK, CONSTRUCT or DESCRIBE query"
_AMBIGUOUS = (
    "the screen cannot tell in too many places whether '<' starts an IRI or means less-than; "
    "write a space after '<' where it means less-than"
)

# --- the lexer ------------------------------------------------------------------------------
# Character classes as Oxigraph 0.5 has them (its PN_CHARS_BASE stops at U+FFFD).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_VARCHARS = _U + "0-9\u00b7\u0300-\u036f\u203f-\u2040"
_HEX = "[0-9A-Fa-f]"
_UCHAR = r"\\u" + _HEX + "{4}|\\\\U" + _HEX + "{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PLX = "%" + _HEX + r"{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_BASE}][{_CHARS}]*+(?:\\.++[{_CHARS}]++)*+"
_LOCAL_CHAR = f"(?:[{_CHARS}:]|{_PLX})"
# One optional run of dots, as Oxigraph's PN_LOCAL rule has it (the grammar allows several).
_PN_LOCAL = f"(?:[{_U}:0-9]|{_PLX}){_LOCAL_CHAR}*+(?:\\.++{_LOCAL_CHAR}++)?+"
_STRING = "|".join(
    (
        f"'''(?>(?:''|')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*+'''",
        f'"""(?>(?:""|")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*+"""',
        f"'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*+'",
        f'"(?:[^"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*+"',
    )
)
_IRIREF = '<(?:[^<>"{}|^`\\\\\\x00-\\x20]|' + _UCHAR + ")*+>"
_NUMBER = (
    r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
    r"|[0-9]*\.[0-9]+|[0-9]+"
)
_TOKENS = (
    ("punct", r"[{}()\[\],;*=!&|/^+\-]"),  # the common one-character tokens first: it is faster
    ("str", _STRING),
    ("iri", _IRIREF),
    ("var", f"[?$][0-9{_U}][{_VARCHARS}]*+"),
    ("bnode", f"_:[0-9{_U}][{_CHARS}]*+(?:\\.++[{_CHARS}]++)*+"),
    ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("num", _NUMBER),
    ("lang", "@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+"),
    ("word", f"[{_U}][{_CHARS}]*+"),
    ("eof", r"\Z"),
    ("other", "."),
)
#: One token after any run of whitespace and comments (a comment ends at CR or LF).
_TOKEN = re.compile(
    r"(?:[ \t\r\n]++|#[^\r\n]*+)*+(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx in _TOKENS) + ")",
    re.DOTALL,
)
#: Token kind by group number (the token patterns hold no capturing group of their own).
_KINDS: tuple[str, ...] = ("", *("punct" if name == "other" else name for name, _ in _TOKENS))
#: Kinds whose text no decision reads: only their kind is kept.
_PLAIN = frozenset({"str", "var", "bnode", "num", "lang"})
#: Could the text after a less-than sign start an expression? (else that reading cannot parse)
_OPERAND_START = re.compile(
    f"[?$0-9.'(+!-]|(?:true|false)(?![{_CHARS}:])|[A-Za-z_][A-Za-z0-9_]*\\(|(?:{_PN_PREFIX})?:(?!//)"
)
#: Section 19.2 codepoint escapes (Oxigraph's optional decoder also takes a '+' sign).
_CODEPOINT = re.compile(r"\\u(\+" + _HEX + "{3}|" + _HEX + r"{4})|\\U(\+" + _HEX + "{7}|" + _HEX + "{8})")

#: Tokens after which ``<`` inside an expression is less-than (``true`` / ``false`` and a
#: ``)>>`` triple term are checked apart).
_OPERAND = frozenset({"str", "iri", "var", "bnode", "pname", "num", "lang", ")", "]"})

# Bracket frames, kept as [kind, in_clause]: no frame is the top level, P a pattern (``{``,
# ``[``, a collection), E an expression ``(``, UP / UE a ``(`` that may be either (guessed
# pattern / expression). in_clause: a SELECT, GROUP BY, ORDER BY or HAVING clause is open.


@dataclass
class _Reading:
    """Where one reading of the text resumes: the lexer state at a ``<`` read the other way."""

    pos: int
    frames: list[list[object]]
    recent: tuple[str, str, str, str, str]
    pending: int
    pending_at: int
    forced: tuple[int, bool] | None


@dataclass
class _Findings:
    """What the readings of one text showed; positions are offsets into the text lexed."""

    service: int | None = None
    dataset: int | None = None
    ambiguous: int | None = None
    too_deep: int | None = None
    head: list[tuple[str, str, int]] = field(default_factory=list)
    queue: list[_Reading] = field(default_factory=list)
    readings: int = 1


def _analyse(text: str) -> _Findings:
    """Lex every reading of ``text`` (one, unless ``<`` is ambiguous somewhere)."""
    found = _Findings()
    start = _Reading(0, [], ("", "", "", "", ""), 0, 0, None)
    _scan(text, start, found, record=True)
    while found.queue and found.service is None:
        _scan(text, found.queue.pop(), found, record=False)
    return found


def _scan(text: str, reading: _Reading, found: _Findings, record: bool) -> None:
    """Lex ``text`` from ``reading`` to its end, noting SERVICE and FROM in ``found``.

    ``head`` gets the tokens before the first bracket (the prologue and the query form).
    Prefixed names hold a keyword only where the keyword reading can parse: a prefix that
    holds "service" followed by ``{`` (the endpoint glued on), not after GRAPH; a local part
    that starts with "service" followed by ``{``, or by an endpoint and ``{``; outside every
    bracket, where a dataset clause can stand, a prefix that holds "from" (not in a PREFIX
    declaration) or a local part that is "from" / "fromnamed", or starts so and goes on with
    a prefixed name.

    This loop runs once a token, so it keeps its state in locals and reads a token's text
    only where the decision needs it.
    """
    frames = reading.frames
    k3, k2, t2, k1, t1 = reading.recent
    pending, pending_at, forced = reading.pending, reading.pending_at, reading.forced
    service, dataset = found.service, found.dataset
    head = found.head if record else None
    kinds, plain = _KINDS, _PLAIN
    pos: int | None = reading.pos
    while pos is not None:
        resume, pos = pos, None
        for m in _TOKEN.finditer(text, resume):
            index = m.lastindex or 0
            kind = kinds[index]
            tok = ""
            if kind in plain:
                if pending:
                    pending = 1 if pending == 2 and kind == "var" else 0
                k3, k2, t2, k1, t1 = k2, k1, t1, kind, tok
                if head is not None:
                    head.append((kind, m[index], m.start(index)))
                continue
            if kind == "punct":
                kind = tok = m[index]
            elif kind == "iri":
                tok = m[index]
                start = m.start(index)
                as_iri = True
                if forced is not None and forced[0] == start:
                    as_iri = forced[1]
                    forced = None
                elif (
                    k1 in _OPERAND
                    or (k1 == "word" and t1 in ("true", "false"))
                    or (k1 == ">" == k2 and k3 == ")")
                ) and frames:
                    top = frames[-1][0]
                    if top != "P":
                        as_iri = top == "UP"
                        inner = tok[1:-1]
                        if (
                            top != "E"
                            and ("#" in inner or "'" in inner)
                            and (not as_iri or _OPERAND_START.match(inner))
                        ):
                            recent = (k3, k2, t2, k1, t1)
                            _fork(found, start, not as_iri, frames, recent, pending, pending_at)
                if not as_iri:
                    kind = tok = "<"
                    pos = start + 1  # less-than: lex what follows it from here
            elif kind == "eof":
                break
            if pending:
                if pending == 1:
                    if kind == "{" and service is None:
                        service = pending_at
                    pending = 0
                else:
                    pending = 1 if kind in ("var", "iri", "pname") else 0
            if kind == "word":
                tok = m[index]
                low = tok.lower()
                if "service" in low and service is None:
                    service = m.start(index)
                if "from" in low and dataset is None:
                    dataset = m.start(index)
                if frames and frames[-1][0] == "P":
                    if "select" in low or "having" in low or low.endswith("by"):
                        frames[-1][1] = True
                    elif low == "where":
                        frames[-1][1] = False
            elif kind == "pname":
                tok = m[index]
                prefix, _, local = tok.lower().partition(":")
                after_graph = k1 == "word" and t1.lower().endswith("graph")
                if not after_graph and ("service" in prefix or local.startswith("service")):
                    pending, pending_at = (2 if local in ("service", "servicesilent") else 1), m.start(index)
                if (
                    not frames
                    and dataset is None
                    and not (prefix.startswith("prefix") or t1.lower() == "prefix")
                ):
                    rest = local[9:] if local.startswith("fromnamed") else local[4:]
                    if "from" in prefix or (local.startswith("from") and (not rest or ":" in rest)):
                        dataset = m.start(index)
            elif kind == "(":
                frames.append([_paren_kind(text, m.start(index), frames, k1, t1, k2, t2), False])
                if len(frames) > MAX_DEPTH and found.too_deep is None:
                    found.too_deep = m.start(index)
            elif kind == "{" or kind == "[":
                if kind == "{" and frames:
                    frames[-1][1] = False
                frames.append(["P", False])
                if len(frames) > MAX_DEPTH and found.too_deep is None:
                    found.too_deep = m.start(index)
            elif (kind == "}" or kind == "]" or kind == ")") and frames:
                frames.pop()
            if head is not None:
                head.append((kind, tok or m[index], m.start(index)))
                if kind in ("{", "[", "("):
                    head = None  # the prologue and the form come before any bracket
            k3, k2, t2, k1, t1 = k2, k1, t1, kind, tok
            if pos is not None:
                break
    found.service, found.dataset = service, dataset


def _paren_kind(text: str, start: int, frames: list[list[object]], k1: str, t1: str, k2: str, t2: str) -> str:
    """Is the ``(`` at ``start`` an expression (E), a pattern (P), or unsure (UE / UP)?

    A ``(`` after a function name or keyword opens an expression, one after a subject,
    predicate or list member opens a collection. After an operand inside ``{ }`` it may be
    either: a collection, a projection ``SELECT ?x (...)``, a modifier ``ORDER BY ?x (...)``
    or the arguments of ``FILTER <f>(...)``; the guess only decides which reading goes first.
    """
    if text[start - 2 : start] == "<<":
        return "P"  # an expression's triple term <<( s p o )>> holds terms, not expressions
    top = str(frames[-1][0]) if frames else "T"
    if top in ("T", "E"):
        return "E"
    if k1 == "word":
        return "P" if t1 in ("a", "true", "false") else "E"
    if top != "P":
        return top
    if k1 in _OPERAND:
        in_clause = bool(frames[-1][1])
        called = k1 in ("iri", "pname") and (
            (k2 == "word" and "filter" in t2.lower()) or (k1 == "pname" and "filter" in t1.lower())
        )
        return "UE" if in_clause or called else "UP"
    return "P"


def _fork(
    found: _Findings,
    start: int,
    as_iri: bool,
    frames: list[list[object]],
    recent: tuple[str, str, str, str, str],
    pending: int,
    pending_at: int,
) -> None:
    """Queue the other reading of the ``<`` at ``start``, or note that there are too many."""
    if found.readings >= MAX_READINGS:
        if found.ambiguous is None:
            found.ambiguous = start
        return
    found.readings += 1
    copied = [list(frame) for frame in frames]
    found.queue.append(_Reading(start, copied, recent, pending, pending_at, (start, as_iri)))


def _decode_codepoints(text: str) -> str:
    """``text`` with its ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes decoded, as section 19.2 says.

    An escape that names no character (a surrogate, beyond U+10FFFF) is left as it is.
    """

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return m.group(0) if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)

    return _CODEPOINT.sub(one, text)


# --- the verdict ----------------------------------------------------------------------------
_Verdict = ScreenedQuery | tuple[str, str, int | None, int | None]


@lru_cache(maxsize=1024)
def _verdict(text: str) -> _Verdict:
    """The screen's answer for one text, cached; exceptions are built fresh by `screen`."""
    found = _analyse(text)
    head = found.head
    if not head:
        return ("syntax", "the query is empty", None, None)
    decoded = _decode_codepoints(text) if "\\u" in text or "\\U" in text else text
    other = _analyse(decoded) if decoded != text else None
    first = _first_keyword(head)
    keyword = _keyword(first)
    if keyword in UPDATE_KEYWORDS or (
        other is not None and _keyword(_first_keyword(other.head)) in UPDATE_KEYWORDS
    ):
        return ("update", "", None, None)
    if found.service is not None or (other is not None and other.service is not None):
        return ("refused", _SERVICE_MESSAGE, *_line_col(text, found.service))
    if found.dataset is not None or (other is not None and other.dataset is not None):
        return ("refused", _FROM_MESSAGE, *_line_col(text, found.dataset))
    if found.ambiguous is not None:
        return ("syntax", _AMBIGUOUS, *_line_col(text, found.ambiguous))
    if found.too_deep is not None:
        message = f"the query is nested too deeply (more than {MAX_DEPTH} brackets inside each other)"
        return ("syntax", message, *_line_col(text, found.too_deep))
    if keyword in QUERY_FORMS:
        return ScreenedQuery(text, keyword)
    return ("syntax", _NOT_A_QUERY, *_line_col(text, first[2] if first else None))


def _first_keyword(head: list[tuple[str, str, int]]) -> tuple[str, str, int] | None:
    """The first token after the prologue: ``BASE <iri>``, ``PREFIX p: <iri>``, ``VERSION "v"``."""
    i, n = 0, len(head)
    while i < n:
        kind, tok, _ = head[i]
        low = tok.lower()
        if kind == "word" and low in ("base", "prefix", "version"):
            i += 1
            if low == "prefix" and i < n and head[i][0] == "pname":
                i += 1
            if i < n and head[i][0] == ("str" if low == "version" else "iri"):
                i += 1
        elif kind == "pname" and low.startswith("prefix") and low.endswith(":"):
            i += 1  # PREFIX glued to its name: "PREFIXex:<...>" is a declaration to the engine
            if i < n and head[i][0] == "iri":
                i += 1
        else:
            return head[i]
    return None


def _keyword(token: tuple[str, str, int] | None) -> str:
    """The form or update keyword a token starts with (keywords need no word boundary), or ''."""
    if token is None or token[0] not in ("word", "pname"):
        return ""
    name = token[1].partition(":")[0].upper()
    for keyword in (*QUERY_FORMS, *UPDATE_KEYWORDS):
        if name.startswith(keyword):
            return keyword
    return ""


def _line_col(text: str, pos: int | None) -> tuple[int | None, int | None]:
    """1-based line and column of ``pos`` (lines end at LF), or (None, None)."""
    if pos is None:
        return None, None
    line_start = text.rfind("\n", 0, pos) + 1
    return text.count("\n", 0, pos) + 1, pos - line_start + 1
