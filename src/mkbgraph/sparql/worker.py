"""A query worker: a small process that opens the on-disk Oxigraph store read-only, walls itself
in (`mkbgraph.sparql.sandbox`), and answers queries from the server over a socket pair, as bytes.

Run by the engine as ``python -m mkbgraph.sparql.worker FD STORE PARENT_PID MEMORY_MB PREFIXES
[copy]``; it imports only the standard library and pyoxigraph, so a worker costs a few megabytes
plus the pages of the store it touches, shared with every other worker through the page cache
(or, with ``copy``, a private in-memory copy of a small store: see `open_store`).

Why the worker serialises: the server process must only copy bytes. The answer is written here in
the requested format (SPARQL results JSON/XML/CSV/TSV for SELECT and ASK, pyoxigraph's RDF
serialisers for CONSTRUCT/DESCRIBE), with the row cap applied while reading the engine's lazy
iterator: reading ``max_rows + 1`` solutions and stopping is what ``LIMIT max_rows + 1`` would
do, without rewriting the user's text.

Protocol (length-prefixed messages of `multiprocessing.connection.Connection`): the server sends
one JSON request; the worker answers one message: the JSON header's size (4 bytes), the header,
and the body (empty unless ``status`` is ``ok``). One message, so most answers take one read.
Nothing is unpickled on either side: the worker runs attackers' queries and the server trusts
only bytes and JSON from it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from mkbgraph.sparql import sandbox, screen

#: RDF format name -> pyoxigraph format, for CONSTRUCT and DESCRIBE.
GRAPH_WRITERS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: The screen runs before every query. Tests that prove the sandbox alone stops every network
#: disguise turn it off with MKBGRAPH_TEST_NO_SCREEN=1 in the environment of the process that
#: starts the workers (the server's own environment: no request can reach it).
SCREEN = os.environ.get("MKBGRAPH_TEST_NO_SCREEN") != "1"
_SYNTAX_POSITION = re.compile(r"(\d+):(\d+)")
#: Characters that XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- SELECT writers (rows already capped) -------------------------------------------------------


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def write_json(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    """SPARQL 1.1 JSON results, byte for byte what ``json.dumps`` of the whole document gives.

    Each distinct term is encoded once (a memo keyed on the term): the same organisations,
    themes and statuses fill most cells, and reading a pyoxigraph term's parts is the costly
    step (10,000 rows: about half the time of the plain encoding)."""
    names = [json.dumps(c, ensure_ascii=False) + ":" for c in columns]
    memo: dict[Any, str] = {}
    bindings = []
    for row in rows:
        cells = []
        for name, term in zip(names, row, strict=True):
            if term is None:
                continue
            encoded = memo.get(term)
            if encoded is None:
                encoded = memo[term] = json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))
            cells.append(name + encoded)
        bindings.append("{" + ",".join(cells) + "}")
    head = json.dumps(columns, ensure_ascii=False, separators=(",", ":"))
    return f'{{"head":{{"vars":{head}}},"results":{{"bindings":[{",".join(bindings)}]}}}}'.encode()


def xml_text(value: str) -> str:
    """Escaped XML 1.0 character data; characters XML cannot carry become U+FFFD.

    XML 1.0 has no way to write most C0 control characters (not even ``&#1;``): written raw they
    make the whole document ill-formed, so a reader would lose every row for one odd literal.
    JSON, CSV and TSV keep them exactly."""
    return escape(_NOT_XML.sub("\ufffd", value))


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_text(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{xml_text(term.value)}</literal>"
    if term.datatype.value != _XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_text(term.value)}</literal>"
    return f"<literal>{xml_text(term.value)}</literal>"


def write_xml(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    """SPARQL Query Results XML: always a well-formed XML 1.0 document."""
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts.extend(f"<variable name={quoteattr(c)}/>" for c in columns)
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        parts.extend(
            f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>"
            for c, t in zip(columns, row, strict=True)
            if t is not None
        )
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)  # IRIs and literals: their plain text (SPARQL 1.1 CSV)


def write_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    """SPARQL 1.1 CSV results (RFC 4180, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_tsv(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    """SPARQL 1.1 TSV results: terms in their N-Triples/SPARQL form."""
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


#: SELECT results format -> writer.
SELECT_WRITERS: dict[str, Callable[[list[str], list[tuple[Any, ...]]], bytes]] = {
    "json": write_json,
    "xml": write_xml,
    "csv": write_csv,
    "tsv": write_tsv,
}


def write_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer in a SPARQL results format."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    return f"{word}\n".encode()


# --- rows for the server's own pages (rdflib terms are made on the server side) -----------------


def encode_term(term: Any) -> list[str] | None:
    """A term as a JSON-friendly list: ``["u", iri]``, ``["b", id]``, ``["l", value, datatype, lang]``."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ["u", term.value]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
    if isinstance(term, ox.Literal):
        return ["l", term.value, term.datatype.value, term.language or ""]
    return ["u", str(term)]


# --- execution ----------------------------------------------------------------------------------


class FormatMismatch(Exception):
    """The requested format does not fit the query form (e.g. CSV for a CONSTRUCT)."""


def _take(result: Any, max_rows: int) -> tuple[list[Any], bool]:
    """Read at most ``max_rows`` items of a lazy result; True when more were there."""
    rows: list[Any] = []
    for item in result:
        if len(rows) >= max_rows:
            return rows, True
        rows.append(tuple(item) if isinstance(item, ox.QuerySolution) else item)
    return rows, False


def execute(
    store: ox.Store, request: dict[str, Any], prefixes: dict[str, str]
) -> tuple[dict[str, Any], bytes]:
    """Run one request; returns the reply header and the body."""
    result = store.query(request["text"], base_iri=request.get("base") or None)
    return render(result, request, prefixes)


def render(result: Any, request: dict[str, Any], prefixes: dict[str, str]) -> tuple[dict[str, Any], bytes]:
    """The reply to ``request`` from a query result (pyoxigraph's, from the local store, or parsed
    from a remote server's answer: `mkbgraph.sparql.remote`), capped at ``max_rows``, in the
    requested format: the same bytes whichever engine answered."""
    rows_mode = request.get("mode") == "rows"
    max_rows = int(request["max_rows"])
    header: dict[str, Any]
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        header = {"status": "ok", "form": "ASK", "truncated": False, "count": 1}
        if rows_mode:
            return header, json.dumps(value).encode()
        return header, write_boolean(value, _format(request, "results", "ASK"))
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows, truncated = _take(result, max_rows)
        header = {"status": "ok", "form": "SELECT", "truncated": truncated, "count": len(rows)}
        if rows_mode:
            body = json.dumps([columns, [[encode_term(t) for t in row] for row in rows]], ensure_ascii=False)
            return header, body.encode()
        return header, SELECT_WRITERS[_format(request, "results", "SELECT")](columns, rows)
    triples, truncated = _take(result, max_rows)
    header = {
        "status": "ok",
        "form": "CONSTRUCT",
        "truncated": truncated,
        "count": len(triples),
    }
    if rows_mode:
        encoded = [[encode_term(t.subject), encode_term(t.predicate), encode_term(t.object)] for t in triples]
        return header, json.dumps(encoded, ensure_ascii=False).encode()
    writer = GRAPH_WRITERS[_format(request, "graph", "CONSTRUCT")]
    return header, ox.serialize(triples, format=writer, prefixes=prefixes) or b""


def _format(request: dict[str, Any], kind: str, form: str) -> str:
    fmt = request.get(kind)
    if not fmt:
        raise FormatMismatch(f"the requested format does not fit a {form} query")
    return str(fmt)


def answer(
    store: ox.Store, request: dict[str, Any], prefixes: dict[str, str]
) -> tuple[dict[str, Any], bytes]:
    """Screen, then `execute`, with every failure turned into a reply header (the worker never
    dies of a query). The screen runs here, inside the sandbox, so the server does no work on
    the text at all (a 100 KB text costs the screen about 12 ms)."""
    try:
        if SCREEN:
            screen.screen(request["text"])
    except screen.QueryRejected as exc:
        refusal = {"status": "rejected", "http": exc.status, "code": exc.code, "title": exc.title}
        return {**refusal, "message": exc.message, "line": exc.line, "column": exc.column}, b""
    try:
        return execute(store, request, prefixes)
    except SyntaxError as exc:
        message = str(exc)
        position = _SYNTAX_POSITION.search(message)
        header: dict[str, Any] = {"status": "syntax", "message": message}
        if position:
            header["line"], header["column"] = int(position.group(1)), int(position.group(2))
        return header, b""
    except FormatMismatch as exc:
        return {"status": "format", "message": str(exc)}, b""
    except MemoryError:
        return {"status": "too_large", "message": "the answer needs more memory than a worker has"}, b""
    except PermissionError:  # only the sandbox denies anything here: a SERVICE call met the wall
        return {"status": "refused", "message": "the query tried to reach the network"}, b""
    except Exception as exc:  # the process boundary: report, never die silently
        text = str(exc)
        # the engine wraps the sandbox's EACCES in its own error types; and it refuses some ports
        # itself before any socket: both answer alike, so no port can be told from another
        if "os error 13" in text or "is not allowed for HTTP" in text:
            return {"status": "refused", "message": "the query tried to reach the network"}, b""
        return {"status": "error", "message": f"{type(exc).__name__}: {text}"}, b""


def serve(conn: Connection, store: ox.Store, prefixes: dict[str, str]) -> None:
    """Answer requests until the server closes the connection."""
    while True:
        try:
            request = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        header, body = answer(store, request, prefixes)
        encoded = json.dumps(header).encode()
        conn.send_bytes(struct.pack("!I", len(encoded)) + encoded + body)


def open_store(location: str, copy: bool) -> ox.Store:
    """The store to answer from: the shared on-disk store, or (``copy``) an in-memory copy of it.

    Why copy a small graph: Oxigraph answers from memory about 7x faster than from its on-disk
    store (the motion follow-up query: 0.4 ms against 2.8 ms on the real data), and a copy of
    the real data costs a worker a few megabytes. A big graph stays shared on disk, where the
    page cache holds one copy for every worker."""
    on_disk = ox.Store.read_only(location)
    if not copy:
        return on_disk
    in_memory = ox.Store()
    in_memory.bulk_extend(on_disk.quads_for_pattern(None, None, None))
    return in_memory


def main(argv: list[str]) -> None:
    """Open the store, build the wall, say ready, serve."""
    fd, location, parent, memory_mb, prefixes = int(argv[1]), argv[2], int(argv[3]), int(argv[4]), argv[5]
    copy = len(argv) > 6 and argv[6] == "copy"
    sandbox.die_with_parent(parent)
    conn = Connection(fd)
    try:
        store = open_store(location, copy)
        sandbox.limit_memory(memory_mb)
        sandbox.install()
    except Exception as exc:
        conn.send_bytes(json.dumps({"status": "failed", "message": f"{type(exc).__name__}: {exc}"}).encode())
        raise SystemExit(3) from exc
    conn.send_bytes(json.dumps({"status": "ready", "pid": os.getpid()}).encode())
    serve(conn, store, json.loads(prefixes))


if __name__ == "__main__":
    main(sys.argv)
