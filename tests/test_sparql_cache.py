"""The answer caches: a byte budget, least recently used out first, oversized answers refused,
and whole ``GET /sparql`` answers of megabytes served without the query engine."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.sparql.engine import ResultCache, get_engine

QUERY = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    'FILTER(STRSTARTS(STR(?s), "https://w3id.org/mkbgraph/id/action/a")) } ORDER BY ?s'
)


def test_result_cache_evicts_the_least_recently_used_to_stay_within_its_bytes() -> None:
    cache = ResultCache(max_bytes=400)
    for key in ("a", "b", "c", "d"):
        assert cache.put(key, key.upper(), 100)
    assert cache.get("a") == "A"  # "a" is now the most recently used
    assert cache.put("e", "E", 100)
    assert cache.get("b") is None  # the least recently used went
    assert [cache.get(k) for k in ("a", "c", "d", "e")] == ["A", "C", "D", "E"]
    assert cache.size == 400 and len(cache) == 4
    assert cache.put("a", "A2", 50)  # replacing an entry counts its new size only
    assert cache.size == 350 and cache.get("a") == "A2"


def test_an_answer_over_a_quarter_of_the_budget_is_not_kept() -> None:
    cache = ResultCache(max_bytes=400)
    assert cache.put("small", 1, 100)
    assert not cache.put("large", 2, 101)
    assert cache.get("large") is None and cache.get("small") == 1
    assert cache.skipped == 1 and cache.size == 100


def _big_graph(folder: Path, resources: int = 2500, label_chars: int = 500) -> None:
    """Enough long labels that the JSON answer of `QUERY` is well over 1 MB."""
    folder.mkdir()
    lines = [
        f'<https://w3id.org/mkbgraph/id/action/a{i}> <http://www.w3.org/2000/01/rdf-schema#label> "{"x" * label_chars} {i}"@nl .'
        for i in range(resources)
    ]
    (folder / "big.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_answers_of_megabytes_are_served_from_the_response_cache(tmp_path: Path) -> None:
    _big_graph(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "data", validate_on_load=False, query_workers=1)
    app = create_app(settings)
    with TestClient(app) as client:
        first = client.get("/sparql", params={"query": QUERY})
        assert first.status_code == 200 and len(first.content) > 1_000_000
        assert len(first.json()["results"]["bindings"]) == 2500
        responses = app.state.sparql_responses
        assert len(responses) == 1 and responses.size > len(first.content)
        get_engine(app).close()  # no workers any more: only the cache can answer now
        again = client.get("/sparql", params={"query": QUERY})
        assert again.status_code == 200 and again.content == first.content
        assert again.headers["content-type"] == first.headers["content-type"]
        assert again.headers["x-result-count"] == "2500"


def test_the_budget_is_a_setting_and_a_too_large_answer_still_gets_through(tmp_path: Path) -> None:
    _big_graph(tmp_path / "data")
    settings = Settings(
        data_dir=tmp_path / "data", validate_on_load=False, query_workers=1, cache_bytes=2_000_000
    )
    app = create_app(settings)
    with TestClient(app) as client:
        answer = client.get("/sparql", params={"query": QUERY})
        assert answer.status_code == 200 and len(answer.content) > 500_000  # > a quarter of the budget
        assert len(app.state.sparql_responses) == 0
        assert app.state.sparql_responses.size == 0
        small = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert small.json()["boolean"] is True
        assert len(app.state.sparql_responses) == 1
