"""The CLI: its exit codes and its output. Commands run in-process through typer's CliRunner (no
process needed to test a command's logic); one test runs the real `python -m mkbgraph` process,
as a user does, and `test_install.py` runs the installed script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from mkbgraph.cli.main import app
from mkbgraph.graph.stats import COUNTED_CLASSES

from .conftest import FIXTURES


@dataclass(frozen=True)
class Ran:
    """What a command left: exit code, standard output, standard error."""

    returncode: int
    stdout: str
    stderr: str


def mkbgraph(*args: str) -> Ran:
    """Run a command in this process, as `mkbgraph ARGS` would."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def test_validate_passes_on_the_shipped_data_in_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkbgraph", "validate"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violations" in result.stdout
    assert mkbgraph("validate").stdout == result.stdout  # in-process and real runs agree


def test_validate_exits_1_with_the_shape_message(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "valid" / "mini.ttl", tmp_path / "mini.ttl")
    shutil.copy(FIXTURES / "invalid" / "amount-as-string.ttl", tmp_path / "broken.ttl")
    result = mkbgraph("validate", "--data", str(tmp_path))
    assert result.returncode == 1
    assert "xsd:decimal (geen tekst)" in result.stdout
    assert "https://w3id.org/mkbgraph/id/amount/x" in result.stdout


def test_validate_json_lists_violations(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "valid" / "mini.ttl", tmp_path / "mini.ttl")
    shutil.copy(FIXTURES / "invalid" / "action-no-responsible.ttl", tmp_path / "broken.ttl")
    result = mkbgraph("validate", "--data", str(tmp_path), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert report["violations"][0]["focus"] == "https://w3id.org/mkbgraph/id/action/x"


def test_validate_exits_2_with_file_and_line_on_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "broken.ttl").write_text(
        "@prefix ex: <https://example.org/> .\n\nex:a ex:b ex:c ;\n    ex:d .\n"
    )
    result = mkbgraph("validate", "--data", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path / 'broken.ttl'}:4" in result.stderr.replace("\n", "")


def test_stats_json_has_every_key() -> None:
    result = mkbgraph("stats", "--json")
    assert result.returncode == 0
    stats = json.loads(result.stdout)
    assert {"triples", *COUNTED_CLASSES} <= set(stats)
    assert stats["themes"] == 7 and stats["action_lines"] == 25
    assert stats["triples"] > 1000
    assert stats["parliamentary_requests"] >= stats["motions"]


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")]
)
def test_export_round_trips(tmp_path: Path, fmt: str, parser: str) -> None:
    shutil.copy(FIXTURES / "valid" / "mini.ttl", tmp_path / "mini.ttl")
    out = tmp_path / f"graph.{fmt}"
    result = mkbgraph("export", "--format", fmt, "--output", str(out), "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    exported = Graph().parse(out, format=parser)
    original = Graph().parse(FIXTURES / "valid" / "mini.ttl")
    assert len(exported) > len(original)  # ontology + data
    assert set(original.predicates()) <= set(exported.predicates())


def test_export_refuses_an_unknown_format() -> None:
    result = mkbgraph("export", "--format", "yaml")
    assert result.returncode == 2
    assert "unknown format" in result.stderr


def test_coverage_json_reports_chapters() -> None:
    result = mkbgraph("coverage", "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert {"samenvatting", "thema-1", "thema-7"} <= set(report["chapters"])
    assert report["total"]["bullets"] == 140


def test_the_command_line_starts_without_the_library() -> None:
    """`mkbgraph --help` imports no rdflib, FastAPI, networkx or pySHACL: they load when a command runs."""
    import subprocess
    import sys

    probe = (
        "import sys, mkbgraph.cli.main; "
        "print(sorted(m for m in ('rdflib', 'fastapi', 'networkx', 'pyshacl', 'pyoxigraph') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_help_names_match_the_network_tables() -> None:
    from mkbgraph.cli.network import EXPORT_FORMAT_NAMES, PROJECTION_NAMES
    from mkbgraph.network.export import EXPORT_FORMATS
    from mkbgraph.network.projection import PROJECTIONS

    assert tuple(EXPORT_FORMATS) == EXPORT_FORMAT_NAMES
    assert tuple(PROJECTIONS) == PROJECTION_NAMES
