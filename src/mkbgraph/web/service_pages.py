"""Pages for the machine-facing addresses, so a person who follows a link gets a page, not a file.

- ``/sparql`` without a query, asked for by a browser: what the endpoint is, how to use it, and
  links to its Service Description (Turtle) and the dataset's VoID description; machines (an
  Accept without ``text/html`` first, or ``?format=``) still get the Service Description.
- ``/dataset`` likewise: a page for browsers, VoID + DCAT for machines.
- ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) with their scripts and styles from npm packages
  served by this app (`mkbgraph.web.assets`), never a CDN: offline they work.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mkbgraph.config import Settings, public_base
from mkbgraph.http_headers import weighted

router = APIRouter(include_in_schema=False)


def wants_html(request: Request) -> bool:
    """Whether a request without ``format=`` names ``text/html`` among its most preferred types
    (a browser does; ``curl`` and SPARQL clients do not, and get RDF)."""
    if "format" in request.query_params:
        return False
    entries = weighted(request.headers.get("accept"))
    top = max((quality for _, quality, _ in entries), default=-1.0)
    best = {media for media, quality, _ in entries if quality == top}
    return top > 0 and bool(best & {"text/html", "application/xhtml+xml"})


def endpoint_page(request: Request, which: str = "sparql") -> HTMLResponse:
    """The page of the SPARQL endpoint (``which="sparql"``) or of the dataset (``"dataset"``)."""
    from mkbgraph.web.pages import render

    settings: Settings = request.app.state.settings
    base = public_base(settings, request.scope)
    return render(
        request,
        "endpoint.html",
        title="SPARQL-endpoint" if which == "sparql" else "Datasetbeschrijving",
        which=which,
        endpoint=f"{base}/sparql",
        dataset=f"{base}/dataset",
        example="SELECT ?organisatie ?naam WHERE { ?organisatie a <http://www.w3.org/ns/org#Organization> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?naam } LIMIT 10",
    )


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json, from the installed swagger-ui-dist package."""
    from mkbgraph.web.pages import render

    return render(request, "docs.html", title="API-documentatie")


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc for /openapi.json, from the installed redoc package (no web fonts)."""
    from mkbgraph.web.pages import render

    return render(request, "redoc.html", title="API-documentatie")
