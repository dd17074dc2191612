"""The JSON API fuzzed against its own contract: schemathesis reads `/openapi.json` from a real
server on loopback, generates requests for every operation (valid and invalid parameters) and
checks that no answer is a 5xx and every answer is a documented status, content type and schema.

Bounded: a fixed number of examples per operation, derandomised so a failure reproduces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from pydantic import BaseModel
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mkbgraph.api import models
from tests.conftest_sparql import Server, start_server, stop_server

EXAMPLES = 15

CHECKS = (
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(Path(tmp_path_factory.mktemp("contract")))
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def api_schema(server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


def _fuzz(operation: schemathesis.APIOperation, mode: GenerationMode) -> str | None:
    """Run `EXAMPLES` generated requests of one operation; the first broken contract, or None."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=list(CHECKS), timeout=30)

    try:
        run()
    except Unsatisfiable:  # no parameters, so no invalid request to make: nothing to check
        return None
    except (Exception, BaseExceptionGroup) as exc:  # a broken contract: report it, check the others
        return f"{operation.label} ({mode.value}): {exc}"
    return None


def test_every_operation_keeps_its_contract(api_schema: schemathesis.BaseSchema) -> None:
    """(pytest 9 and schemathesis' own pytest plugin disagree, so the operations are driven here.)"""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15, [op.label for op in operations]
    failures = [
        failure
        for operation in operations
        for mode in GenerationMode
        if (failure := _fuzz(operation, mode)) is not None
    ]
    assert failures == [], "\n\n".join(failures)


def test_no_free_form_objects_in_the_json_answers(server: Server) -> None:
    """Every JSON answer of the API has a model: no `{"type": "object"}` without properties."""
    spec = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
    loose = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                json_schema = response.get("content", {}).get("application/json", {}).get("schema")
                typed = json_schema is not None and (json_schema.get("$ref") or json_schema.get("properties"))
                if not typed and path.startswith(("/api", "/health", "/ready")):
                    loose.append(f"{method.upper()} {path} {status}")
    assert loose == []


REAL_ANSWERS = [
    ("/health", models.Health),
    ("/ready", models.Ready),
    ("/api/queries", models.QueryList),
    ("/api/queries/motion-follow-up", models.QueryAnswer),
    ("/api/queries/status-summary", models.QueryAnswer),
    ("/api/network/stats", models.StatsAnswer),
    ("/api/network/stats?theme=Digitalisering", models.StatsAnswer),
    ("/api/network/key-players", models.KeyPlayersAnswer),
    ("/api/network/gaps", models.GapsAnswer),
    ("/api/network/path?from=KVK&to=EZK", models.PathAnswer),
    ("/api/network/communities", models.CommunitiesAnswer),
    ("/api/network/nodes?kind=organisation", models.NodesAnswer),
    ("/api/network/export?format=json&graph=stakeholder", models.NodeLinkGraph),
    ("/api/network/path?from=KVK&to=bestaat-niet", models.ErrorBody),
    ("/api/queries/bestaat-niet", models.ErrorBody),
]


@pytest.mark.parametrize(("path", "model"), REAL_ANSWERS, ids=[p for p, _ in REAL_ANSWERS])
def test_real_answers_fit_their_models(server: Server, path: str, model: type[BaseModel]) -> None:
    """The fuzzer mostly makes names that match nothing; these are the answers users get."""
    response = httpx.get(f"{server.url}{path}", timeout=30)
    assert response.headers["content-type"].startswith("application/json")
    model.model_validate(response.json())


def test_a_bad_format_on_the_service_description_is_a_400_not_a_500(server: Server) -> None:
    """Found by the fuzzer: `/sparql` without a query answers the Service Description, and an
    unknown `format=` there escaped the error handlers of the hot path."""
    response = httpx.get(f"{server.url}/sparql", params={"format": "null"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_query"
    assert "unknown format 'null'" in response.json()["error"]["detail"]
