"""One answer to "which motions have no follow-up?": the motion tracer, the quality page and the
key-players gaps all apply `mkbgraph.domain.follow_up`, so they list the same requests."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mkbgraph.api.app import create_app
from mkbgraph.config import Settings
from mkbgraph.domain.follow_up import NO_FOLLOW_UP
from mkbgraph.web import views


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(warm_up=False))) as running:
        yield running


def test_the_tracer_the_quality_page_and_the_gaps_agree(client: TestClient) -> None:
    tracer = {
        row["iri"]
        for row in client.get("/motions.json").json()["requests"]
        if row["follow_up"] == NO_FOLLOW_UP
    }
    app = client.app
    snapshot = app.state.live.current  # type: ignore[attr-defined]
    labels = views.build_labels(snapshot.store)
    rows = views.requests(snapshot.store, labels)
    quality = {
        link.iri for link in views.quality_checks(snapshot.store, labels, rows).requests_without_follow_up
    }
    gaps = {entry["iri"] for entry in client.get("/api/network/gaps").json()["unanswered_requests"]}
    assert tracer == quality == gaps
    # and the rule is not vacuous on the real data: some requests have a follow-up, so lists differ from "all"
    assert len(rows) > len(tracer)


def test_the_quality_page_lists_the_same_requests(client: TestClient) -> None:
    html = client.get("/quality").text
    for row in client.get("/motions.json").json()["requests"]:
        if row["follow_up"] == NO_FOLLOW_UP:
            assert row["label"] in html


def test_the_command_line_gives_the_same_verdicts(client: TestClient) -> None:
    from typer.testing import CliRunner

    from mkbgraph.cli.main import app as cli_app

    result = CliRunner().invoke(cli_app, ["motions", "--json"])
    assert result.exit_code == 0, result.output
    cli = {row["iri"]: row["follow_up"] for row in json.loads(result.stdout)}
    web = {row["iri"]: row["follow_up"] for row in client.get("/motions.json").json()["requests"]}
    assert cli == web
    csv_result = CliRunner().invoke(cli_app, ["motions", "--csv"])
    assert csv_result.exit_code == 0 and csv_result.stdout.splitlines()[0].startswith(
        "Verzoek,Soort,Kamerstuk"
    )
    # one writer: the command line's CSV is the page's, byte for byte (both dialects)
    assert csv_result.stdout_bytes == client.get("/motions.csv").content
    excel = CliRunner().invoke(cli_app, ["motions", "--csv", "--excel"])
    assert excel.stdout_bytes == client.get("/motions.csv?dialect=excel-nl").content
