"""Every setting is documented in the README (datasette's habit) and read from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkbgraph.config import PROJECT_ROOT, Settings


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = [name for name in Settings.model_fields if f"MKBGRAPH_{name.upper()}" not in readme]
    assert undocumented == []


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MKBGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MKBGRAPH_QUERY_TIMEOUT", "0.2")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.query_timeout == 0.2


def test_invalid_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MKBGRAPH_QUERY_TIMEOUT", "-1")
    with pytest.raises(ValueError, match="query_timeout"):
        Settings()


def test_importing_the_package_loads_no_web_framework_nor_rdflib() -> None:
    import subprocess
    import sys

    probe = "import sys, mkbgraph, mkbgraph.config; print(sorted(m for m in ('fastapi', 'rdflib', 'pyshacl') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
