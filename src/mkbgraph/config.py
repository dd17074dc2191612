"""Typed settings, read once from the environment (prefix ``MKBGRAPH_``) with sane defaults.

Every setting is documented in the README table; a test fails when one is not.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def find_home() -> Path:
    """The folder that holds ``ontology/``, ``shapes/``, ``data/`` and ``queries/``.

    ``MKBGRAPH_HOME`` when set; else the checkout this module runs from (src layout); else the
    copy an installed wheel carries inside the package (``mkbgraph/_home``, made by setup.py).
    So a clone, an editable install and ``pip install .`` all find the same files."""
    configured = os.environ.get("MKBGRAPH_HOME")
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "ontology").is_dir():
        return checkout
    return Path(__file__).resolve().parent / "_home"


#: Where the project's files are (see `find_home`).
PROJECT_ROOT = find_home()


class Settings(BaseSettings):
    """Configuration of mkbgraph: where the data lives, which store answers, and the limits."""

    model_config = SettingsConfigDict(env_prefix="MKBGRAPH_", extra="ignore")

    data_dir: Path = Field(
        PROJECT_ROOT / "data" / "turtle", description="Folder of Turtle data files (searched recursively)."
    )
    ontology_dir: Path = Field(PROJECT_ROOT / "ontology", description="Folder of ontology Turtle files.")
    shapes_dir: Path = Field(
        PROJECT_ROOT / "shapes", description="Folder of SHACL shapes (kept apart from the data)."
    )
    source_path: Path = Field(
        PROJECT_ROOT / "data" / "source" / "voortgangsrapportage-mkb-actieplan-2019.txt",
        description="The report's text (shipped with the project), used by `coverage` and the quote test.",
    )
    queries_dir: Path = Field(PROJECT_ROOT / "queries", description="Folder of canned SPARQL queries (*.rq).")
    term_base: str = Field("https://w3id.org/mkbgraph/def/", description="Namespace of the ontology terms.")
    data_base: str = Field("https://w3id.org/mkbgraph/id/", description="Namespace of the data resources.")
    backend: Literal["oxigraph", "rdflib"] = Field(
        "oxigraph", description="Query engine behind the store seam: embedded Oxigraph (fast) or rdflib."
    )
    validate_on_load: bool = Field(True, description="Refuse to serve a graph that violates the shapes.")
    shacl_engine: Literal["turbo", "pyshacl"] = Field(
        "turbo",
        description="SHACL engine: pyshacl-turbo (fast, the default) or pySHACL (the reference; "
        "the tests hold both to the same report).",
    )
    public_base_url: str = Field(
        "",
        description="The site's public address (e.g. https://mkbgraph.example.nl) used in redirects, the Service Description, VoID and API links; empty: the address the server listens on (never the request's Host header).",
    )
    host: str = Field("127.0.0.1", description="Address `serve` binds to.")
    http_max_age: int = Field(
        60,
        ge=0,
        description="Seconds a shared cache may keep a GET answer (Cache-Control max-age); 0: revalidate always.",
    )
    http_stale: int = Field(
        600, ge=0, description="Seconds a shared cache may serve an answer while it revalidates it."
    )
    port: int = Field(8000, description="Port `serve` listens on.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Level of the log `serve` writes (workers, refusals, time-outs, warm-up)."
    )
    access_log: bool = Field(
        True, description="Log every request in `serve` (off roughly doubles cached throughput under load)."
    )
    query_timeout: float = Field(10.0, gt=0, description="Hard time limit of one SPARQL query, in seconds.")
    max_rows: int = Field(
        10_000, gt=0, description="Most result rows returned; more are cut and flagged `truncated`."
    )
    cache_bytes: int = Field(
        32_000_000,
        ge=0,
        description="Byte budget of each answer cache (query results, whole /sparql responses), least recently used out first; an answer over a quarter of it is not cached.",
    )
    max_body_bytes: int = Field(100_000, gt=0, description="Largest accepted request body (413 beyond).")
    node_modules_dir: Path = Field(
        PROJECT_ROOT / "node_modules",
        description="npm packages folder (`npm ci`) the web app serves YASGUI from; without it /query is a plain form.",
    )
    query_workers: int = Field(
        3,
        ge=1,
        description="Sandboxed worker processes that run SPARQL queries (killed at the deadline, then replaced).",
    )
    min_query_timeout: float = Field(
        0.1,
        gt=0,
        description="Smallest `timeout=` a request may ask, in seconds (tinier limits would only churn workers).",
    )
    client_concurrency: int = Field(
        1, ge=1, description="SPARQL queries one client (remote address) may have running at once."
    )
    client_queue: int = Field(
        16, ge=1, description="SPARQL queries one client may have waiting for a worker (429 beyond)."
    )
    query_queue: int = Field(64, ge=1, description="SPARQL queries waiting for a worker in all (503 beyond).")
    worker_memory_mb: int = Field(
        2048,
        ge=0,
        description="Address-space cap of each query worker, in MB (a query that needs more gets 503 query_too_large); 0 for none.",
    )
    worker_copy_max_triples: int = Field(
        250_000,
        ge=0,
        description="Largest graph (triples) each query worker copies into memory (about 7x faster queries); larger graphs are read from the shared on-disk store.",
    )
    warm_up: bool = Field(
        True,
        description="`serve` starts the query workers and computes the per-snapshot page caches before it accepts connections.",
    )
    network_exact_max_nodes: int = Field(
        2000,
        gt=0,
        description="Largest graph (nodes) whose betweenness is computed exactly; above it a sampled estimate, flagged `approximate`.",
    )
    network_betweenness_k: int = Field(
        256, gt=0, description="Pivot nodes of the sampled betweenness estimate on large graphs."
    )
    network_seed: int = Field(
        42, description="Random seed of sampled betweenness, Louvain communities and the network layout."
    )
    network_layout_iterations: int = Field(
        50,
        ge=0,
        description="Force-layout iterations of the network view (computed once per graph; capped by a work budget on large graphs).",
    )


def public_base(settings: Settings, scope: Mapping[str, Any]) -> str:
    """The site's public base URL, without a trailing slash.

    The configured `public_base_url` when set; else the scheme and the address the server itself
    listens on (the ASGI scope's ``server``). Never the request's ``Host`` header: a client could
    put any name there, and it would end up in descriptions others cache and follow."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    host, port = scope.get("server") or (settings.host, settings.port)
    scheme = scope.get("scheme", "http")
    default_port = {"http": 80, "https": 443}.get(scheme)
    address = host if port in (None, default_port) else f"{host}:{port}"
    return f"{scheme}://{address}{scope.get('root_path', '')}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
