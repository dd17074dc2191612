"""Shared fixtures: the project's real settings and graph, and helpers to build small test graphs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from mkbgraph.config import PROJECT_ROOT, Settings
from mkbgraph.graph.load import load_graph

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = Settings().source_path


@pytest.fixture(scope="session")
def project_settings() -> Settings:
    """Settings pointing at the shipped ontology, shapes and data."""
    return Settings()


@pytest.fixture(scope="session")
def real_graph(project_settings: Settings) -> Graph:
    """Ontology + shipped data, parsed once per test session (not validated: tests do that)."""
    return load_graph(project_settings.ontology_dir, project_settings.data_dir, None, check=False).graph


@pytest.fixture
def make_data_dir(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write Turtle files into a fresh data folder and return it."""

    def write(files: dict[str, str]) -> Path:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def mini_settings(tmp_path: Path) -> Settings:
    """Settings over the valid mini graph fixture (one resource of every kind)."""
    data = tmp_path / "mini"
    data.mkdir()
    (data / "mini.ttl").write_text(
        (FIXTURES / "valid" / "mini.ttl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return Settings(data_dir=data)


__all__ = ["FIXTURES", "PROJECT_ROOT", "SOURCE"]
