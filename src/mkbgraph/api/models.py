"""The JSON API's answers as typed models: what `/openapi.json` promises, field by field.

Why models that only document: the routes build their bodies from the analyses and the engine
(plain dicts, already JSON-ready), and validating megabytes of rows on every request would buy
nothing. So the routes name these models in ``responses=`` for the schema, and the test suite's
schemathesis run checks every real answer against it: a body that drifts from its model fails a
test instead of surprising a client. Fields added later are allowed (``additionalProperties``),
fields promised here must be present and of their type.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: One cell of a canned query's row: a label, an IRI, a number or a boolean; null when unbound.
Cell = str | int | float | bool | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


# --- errors -----------------------------------------------------------------------------------


class Candidate(_Model):
    """A resource a name might have meant."""

    iri: str
    label: str
    abbr: str = ""
    kind: str


class ErrorDetail(_Model):
    """Every refusal and failure: status, a stable ``code``, a title and a sentence that says why."""

    status: int = Field(description="The HTTP status, repeated.")
    title: str
    detail: str = Field(description="What was wrong and where.")
    code: str = Field(description="A stable slug, e.g. `bad_query`, `refused`, `unknown_resource`.")
    line: int | None = Field(None, description="1-based line in the query text (syntax errors).")
    column: int | None = Field(None, description="1-based column in the query text (syntax errors).")
    candidates: list[Candidate] | None = Field(None, description="Near or ambiguous matches for a name.")


class ErrorBody(_Model):
    """The one error shape."""

    error: ErrorDetail


# --- service ----------------------------------------------------------------------------------


class EngineStatus(_Model):
    """The query workers: how many run, how many are free, how much is waiting."""

    workers: int
    configured: int
    free: int
    queued: int
    clients: int


class ReloadStatus(_Model):
    """The last reload (SIGHUP): whether it worked and what it said."""

    ok: bool
    message: str


class Health(_Model):
    """What is being served: size, version, backend, engine, last reload."""

    status: str
    ready: bool
    triples: int
    version: str
    loaded_at: str
    backend: str
    query_engine: EngineStatus
    reload: ReloadStatus | None = None
    process: int = Field(description="The server process that answered (one of the replicas).")


class Ready(_Model):
    """Whether every query worker is up (503 until then)."""

    ready: bool
    query_engine: EngineStatus


# --- canned queries ---------------------------------------------------------------------------


class Parameter(_Model):
    """One parameter of a canned query."""

    name: str
    type: str
    required: bool
    default: str | None = None
    example: str | None = None
    description: str


class CannedQueryInfo(_Model):
    """A canned query's metadata and the links that run it."""

    name: str
    title: str
    title_nl: str
    description_nl: str
    description_en: str
    audience: str
    tags: list[str]
    form: str
    parameters: list[Parameter]
    url: str
    page: str
    json_link: str | None = Field(None, alias="json", description="SELECT/ASK: the answer as JSON.")
    csv: str | None = Field(None, description="SELECT: the answer as CSV.")
    turtle: str | None = Field(None, description="CONSTRUCT/DESCRIBE: the answer as Turtle.")
    jsonld: str | None = Field(None, description="CONSTRUCT/DESCRIBE: the answer as JSON-LD.")


class QueryList(_Model):
    """Every canned query."""

    count: int
    queries: list[CannedQueryInfo]


class QueryAnswer(_Model):
    """A canned query's answer: rows keyed by column (SELECT) or a boolean (ASK)."""

    query: str
    title: str
    parameters: dict[str, list[str]]
    version: str
    columns: list[str] | None = None
    rows: list[dict[str, Cell]] | None = None
    row_count: int | None = None
    truncated: bool | None = None
    max_rows: int | None = None
    boolean: bool | None = None


# --- network ----------------------------------------------------------------------------------


class NodeRef(_Model):
    """A node of the network: IRI, Dutch label, abbreviation, kind."""

    iri: str
    label: str
    abbr: str = ""
    kind: str


class KeyPlayer(NodeRef):
    """An organisation's place in the stakeholder network."""

    classification: str
    actions: int
    leads: int
    partners: int
    solo: int
    degree: int
    weighted_degree: float
    betweenness: float
    pagerank: float
    eigenvector: float


class Ranked(_Model):
    """An organisation in a top list, with the count it is ranked by."""

    iri: str
    label: str
    abbr: str = ""
    leads: int | None = None
    partners: int | None = None
    solo: int | None = None


class KeyPlayers(_Model):
    """Rankings of organisations, overall or in one theme."""

    theme: str | None
    assumed_roles_included: bool = Field(
        description="Whether roles the report does not state (assumed leads, owners...) count; false by default."
    )
    approximate: bool
    eigenvector_converged: bool
    nodes: int
    edges: int
    organisations: list[KeyPlayer]
    leads_most: list[Ranked]
    partners_most: list[Ranked]
    acts_alone: list[Ranked]


class SoloAction(NodeRef):
    """An action one organisation carries alone."""

    lead: list[NodeRef]


class SingleActionRequest(NodeRef):
    """A parliamentary request answered by one action only."""

    action: NodeRef


class Bridge(_Model):
    """A link whose removal splits a theme's network."""

    between: list[NodeRef]
    weight: float
    actions: list[str]


class ThemeGaps(NodeRef):
    """A theme's fragile points."""

    actions: int
    organisations: int
    articulation_points: list[NodeRef]
    bridges: list[Bridge]
    hangs_on: list[NodeRef]


class Gaps(_Model):
    """Coordination gaps, overall or in one theme."""

    theme: str | None
    solo_actions: list[SoloAction]
    never_lead: list[NodeRef]
    unanswered_requests: list[NodeRef]
    single_action_requests: list[SingleActionRequest]
    unused_instruments: list[NodeRef]
    themes: list[ThemeGaps]


class Versioned(_Model):
    """Every network answer names the graph version it was computed from."""

    version: str


class KeyPlayersAnswer(Versioned, KeyPlayers):
    """`/api/network/key-players`."""


class GapsAnswer(Versioned, Gaps):
    """`/api/network/gaps`."""


class StatsAnswer(Versioned):
    """`/api/network/stats`: key players and gaps together."""

    theme: str | None
    key_players: KeyPlayers
    gaps: Gaps


class StepEnd(_Model):
    """One end of a step."""

    iri: str
    label: str
    kind: str


class Step(_Model):
    """One relation on a path, with the quote behind it."""

    from_: StepEnd = Field(alias="from")
    to: StepEnd
    relation: str
    label: str
    predicate: str
    direction: str = Field(description="`forward`: the triple runs from -> to; `backward`: to -> from.")
    subject: str
    object: str
    quote: str
    section: str


class PathAnswer(Versioned):
    """`/api/network/path`."""

    from_: NodeRef = Field(alias="from")
    to: NodeRef
    length: int
    through_hubs: bool
    steps: list[Step]


class ThemeCount(NodeRef):
    """A theme and how many of a community's actions it holds."""

    actions: int


class Community(_Model):
    """A Louvain community of organisations."""

    id: int
    size: int
    internal_weight: float
    members: list[NodeRef]
    dominant_themes: list[ThemeCount]


class CommunitiesAnswer(Versioned):
    """`/api/network/communities`."""

    communities: list[Community]
    membership: dict[str, int] = Field(description="Organisation IRI -> community id.")


class NodeMetrics(_Model):
    """A node with its metrics and layout position."""

    iri: str
    kind: str
    label: str
    degree: int
    pagerank: float
    betweenness: float
    community: int
    x: float
    y: float


class NodesAnswer(Versioned):
    """`/api/network/nodes`."""

    nodes: list[NodeMetrics]


class NodeLinkGraph(_Model):
    """A projection as node-link JSON (networkx's format, read by D3): nodes with their attributes,
    links with `source`, `target` and theirs."""

    directed: bool
    multigraph: bool
    graph: dict[str, str | int | float | bool | list[str]]
    nodes: list[dict[str, str | int | float | bool | list[str]]]
    links: list[dict[str, str | int | float | bool | list[str]]]
