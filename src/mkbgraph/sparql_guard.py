"""Screening of every SPARQL text before any engine sees it: the endpoint is read-only and makes
no outbound request, whatever the query says.

Why a screen and not engine switches: rdflib 7.6 and pyoxigraph 0.5 both execute ``SERVICE``
as an outbound HTTP request and neither can turn it off; rdflib loads ``FROM <file:...>`` and
remote graphs while ``SPARQL_LOAD_GRAPHS`` is True (its default, switched off here on import);
and an update can come in through ``query=`` as easily as through ``update=``. So each text is
parsed with rdflib's parser and walked, iteratively (a deep query must not overflow the walk
itself), over both the parse tree and the algebra:

- it parses as a query: go on; it parses only as an update: refused (403);
- ``SERVICE`` anywhere, ``SILENT`` or with a variable endpoint included: refused (403);
- ``FROM`` / ``FROM NAMED``: refused (403), because this service has one fixed default graph;
- it parses as neither: 400 with the parser's message, line and column; nesting so deep that
  the parser hits ``RecursionError``: 400.

Results of the screen are cached by text: the parser is the slowest step of a cache hit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import rdflib.plugins.sparql
from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

#: Never let rdflib fetch a graph named in a dataset clause (files or URLs).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

#: The query forms this service answers, as rdflib names their parse-tree nodes.
QUERY_FORMS: dict[str, str] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class QueryRejected(Exception):
    """A query this service will not run; ``status`` is the HTTP status, ``code`` a stable slug."""

    status = 400
    code = "bad_query"
    title = "Bad query"

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)

    def as_dict(self) -> dict[str, object]:
        """The API's one error shape: ``{"error": {"status", "title", "detail", "code", ...}}``."""
        error: dict[str, object] = {
            "status": self.status,
            "title": self.title,
            "detail": self.message,
            "code": self.code,
        }
        if self.line is not None:
            error["line"] = self.line
            error["column"] = self.column
        return {"error": error}


class QuerySyntaxError(QueryRejected):
    """Not a SPARQL 1.1 query (or nested too deeply to parse): 400."""

    status = 400
    code = "bad_query"


class QueryRefused(QueryRejected):
    """A well-formed request for something this service refuses to do: 403."""

    status = 403
    code = "refused"
    title = "Refused"


@dataclass(frozen=True)
class ScreenedQuery:
    """A query that passed the screen, with its form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""

    text: str
    form: str


def screen(text: str) -> ScreenedQuery:
    """Parse and walk ``text``; return it with its form or raise a `QueryRejected`."""
    if not text or not text.strip():
        raise QuerySyntaxError("the query is empty")
    return _screen_cached(text)


@lru_cache(maxsize=1024)
def _screen_cached(text: str) -> ScreenedQuery:
    parsed = _parse(text)
    query = parsed[1]
    form = QUERY_FORMS.get(getattr(query, "name", ""), "")
    if not form:
        raise QuerySyntaxError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if "datasetClause" in query:
        raise QueryRefused(
            "FROM and FROM NAMED are not supported: this service answers over its one default graph "
            "and loads no other graph"
        )
    if any(_is_service(node) for node in _walk(parsed)):
        raise QueryRefused(_SERVICE_MESSAGE)
    algebra = _translate(parsed)
    if any(_is_service(node) for node in _walk(algebra.algebra)):
        raise QueryRefused(_SERVICE_MESSAGE)
    return ScreenedQuery(text, form)


def refuse_update() -> QueryRefused:
    """The error for an update sent through any door (``update=``, sparql-update body)."""
    return QueryRefused("SPARQL Update is not allowed: this endpoint is read-only")


_SERVICE_MESSAGE = "SERVICE (federated query) is not allowed: this endpoint makes no outbound requests"


def _parse(text: str):  # type: ignore[no-untyped-def]
    try:
        return parseQuery(text)
    except RecursionError as exc:
        raise QuerySyntaxError("the query is nested too deeply to parse") from exc
    except ParseBaseException as query_error:
        if _is_update(text):
            raise refuse_update() from query_error
        raise QuerySyntaxError(
            f"syntax error: {query_error.msg} (line {query_error.lineno}, column {query_error.col})",
            line=query_error.lineno,
            column=query_error.col,
        ) from query_error


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return False
    return True


def _translate(parsed):  # type: ignore[no-untyped-def]
    """The algebra; rdflib signals an undeclared prefix with a bare `Exception`, mapped to 400."""
    try:
        return translateQuery(parsed)
    except RecursionError as exc:
        raise QuerySyntaxError("the query is nested too deeply to translate") from exc
    except Exception as exc:
        if type(exc) is Exception and str(exc).startswith("Unknown namespace prefix"):
            raise QuerySyntaxError(str(exc).replace(" : ", " ")) from exc
        raise


def _is_service(node: object) -> bool:
    return isinstance(node, CompValue) and node.name == "ServiceGraphPattern"


def _walk(root: object) -> Iterator[object]:
    """Every node of a parse tree or algebra, depth first, without recursion."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(list(node))  # type: ignore[call-overload]
