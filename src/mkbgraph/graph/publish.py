"""Publishing the validated graph to a SPARQL server (`mkbgraph publish`), over the SPARQL 1.1
Graph Store HTTP Protocol, so an app in remote mode (``MKBGRAPH_BACKEND=sparql``) can read it.

Why validate first: in remote mode the app does not hold the whole graph and so cannot validate
it; publish is where an invalid graph is stopped (the same report and exit code as `validate`).

Why the data is serialised by Oxigraph's parsers: the embedded query store is built that way
(`store.build_disk_store`), so both backends hold exactly the same terms (rdflib would change
some literals on the way).

How the old version is replaced: with ``update_url`` the new triples go into a fresh staging
graph first (a Graph Store ``PUT``; nobody reads it), then one SPARQL Update
``MOVE GRAPH <staging> TO <target>`` switches. Oxigraph runs one update request as one
transaction, so readers see the old graph or the new one, never a mix or an empty graph. Without
``update_url`` it is a plain ``PUT`` on the target, which Oxigraph executes as *two* transactions
(clear the graph, then load): a reader in between sees an empty graph. See docs/deploy.md.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from mkbgraph.config import Settings
from mkbgraph.graph.load import LoadError, rdf_files, validation_report
from mkbgraph.graph.remote import public_url
from mkbgraph.graph.store import OXIGRAPH_FORMATS, InvalidGraphError

logger = logging.getLogger(__name__)

#: The media type the triples are sent in.
NTRIPLES = "application/n-triples"


class PublishError(Exception):
    """The server refused or failed a step of the publication; says which step and why."""


@dataclass(frozen=True)
class Published:
    """What a publication did: how many triples went where, through which steps."""

    triples: int
    graph: str
    atomic: bool
    seconds: float


def ntriples(files: list[Path]) -> tuple[bytes, int]:
    """The files' triples as N-Triples, parsed by Oxigraph as the embedded store parses them."""
    store = ox.Store()
    for path in files:
        fmt = OXIGRAPH_FORMATS.get(path.suffix)
        if fmt is None:
            raise LoadError(path, None, f"unknown RDF file extension {path.suffix!r}")
        try:
            store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
        except (SyntaxError, ValueError, OSError) as exc:
            raise LoadError(path, getattr(exc, "lineno", None), f"Oxigraph could not load it: {exc}") from exc
    body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    return body, len(store)


def publish(
    settings: Settings, to: str, graph: str | None = None, update_url: str | None = None
) -> Published:
    """Validate the data, then load it into the server's ``graph`` (default graph when None).

    Raises `LoadError` (unreadable files), `InvalidGraphError` (violations; nothing is sent) and
    `PublishError` (the server refused a step)."""
    started = time.perf_counter()
    files = rdf_files(settings.ontology_dir, settings.data_dir)
    report = validation_report(files, settings.shapes_dir, settings.shacl_engine)
    if not report.conforms:
        raise InvalidGraphError(report)
    body, count = ntriples(files)
    password = settings.sparql_password.get_secret_value()
    auth = httpx.BasicAuth(settings.sparql_user, password) if settings.sparql_user else None
    with httpx.Client(auth=auth, trust_env=False, timeout=httpx.Timeout(300.0)) as http:
        if update_url:
            staging = f"urn:mkbgraph:staging:{hashlib.sha256(body).hexdigest()[:16]}"
            _put(http, to, {"graph": staging}, body)
            target = f"GRAPH <{graph}>" if graph else "DEFAULT"
            _update(http, update_url, f"MOVE SILENT GRAPH <{staging}> TO {target}")
        else:
            _put(http, to, {"graph": graph} if graph else {"default": ""}, body)
    outcome = Published(count, graph or "(default graph)", bool(update_url), time.perf_counter() - started)
    logger.info("published %d triples to %s, %s", count, public_url(to), outcome.graph)
    return outcome


def _put(http: httpx.Client, url: str, params: dict[str, str], body: bytes) -> None:
    """Graph Store Protocol PUT: replace the graph named by ``params`` with ``body``."""
    try:
        response = http.put(url, params=params, content=body, headers={"Content-Type": NTRIPLES})
    except httpx.HTTPError as exc:
        raise PublishError(f"could not reach {public_url(url)}: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        raise PublishError(
            f"{public_url(url)} refused the PUT (HTTP {response.status_code}): {response.text[:500]}"
        )


def _update(http: httpx.Client, url: str, update: str) -> None:
    """One SPARQL 1.1 Update request (URL-encoded POST)."""
    try:
        response = http.post(url, data={"update": update})
    except httpx.HTTPError as exc:
        raise PublishError(f"could not reach {public_url(url)}: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        raise PublishError(
            f"{public_url(url)} refused the switch {update!r} (HTTP {response.status_code}): {response.text[:500]}"
        )
