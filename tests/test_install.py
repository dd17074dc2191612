"""The project stands on its own: a clone needs nothing beside it, and a wheel installed outside
the checkout validates and serves the graph from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mkbgraph.config import PROJECT_ROOT, Settings
from tests.conftest_sparql import start_server, stop_server


def test_the_report_ships_with_the_project() -> None:
    source = Settings().source_path
    assert source.is_file()
    assert source.resolve().is_relative_to(PROJECT_ROOT.resolve())  # not ../shared beside the clone
    assert "MKB-actieplan" in source.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel and installed (without dependencies: the test venv has them)
    into a folder of its own, outside the checkout."""
    wheels = tmp_path_factory.mktemp("wheels")
    site = tmp_path_factory.mktemp("site")
    # build from a clean copy: an in-tree build/ folder left by an earlier build would slip stale
    # modules into the wheel, and the test must not write into the checkout
    source = tmp_path_factory.mktemp("source") / "mkbgraph"
    shutil.copytree(
        PROJECT_ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "node_modules",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            ".mkbgraph-cache",
            ".coverage*",
        ),
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", str(source), "-w", str(wheels)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = wheels.glob("mkbgraph-*.whl")
    install = subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    return site


def _env(site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKBGRAPH_")}
    env["PYTHONPATH"] = str(site)
    return env


def test_an_installed_wheel_validates_from_another_folder(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import mkbgraph.config as s; print(s.PROJECT_ROOT)"],
        cwd=tmp_path,
        env=_env(installed),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert Path(where.stdout.strip()).is_relative_to(installed)  # the wheel's own copy, not the checkout
    done = subprocess.run(
        [sys.executable, "-m", "mkbgraph", "validate"],
        cwd=tmp_path,
        env=_env(installed),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 violations" in done.stdout


def test_an_installed_wheel_serves_from_another_folder(installed: Path, tmp_path: Path) -> None:
    server = start_server(
        tmp_path, cwd=tmp_path, environ={"PYTHONPATH": str(installed)}, warm_up=False, query_workers=1
    )
    try:
        count = httpx.get(
            f"{server.url}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, timeout=60
        ).json()
        assert int(count["results"]["bindings"][0]["n"]["value"]) > 10_000
        assert httpx.get(f"{server.url}/motions", timeout=60).status_code == 200
    finally:
        stop_server(server)
