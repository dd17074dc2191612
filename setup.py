"""Build step that pyproject.toml cannot say: ship the project's files inside the package.

The design fixes ``ontology/``, ``shapes/``, ``data/`` and ``queries/`` at the top of the repository;
an installed wheel needs them too (``mkbgraph validate`` and ``serve`` from any folder). This copies
them into ``mkbgraph/_home`` of the build, where `mkbgraph.settings.find_home` looks when it is
not running from a checkout. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Folders of the repository an installed package needs, copied as they are.
SHIPPED = ("ontology", "shapes", "queries", "data/turtle", "data/source")


class BuildWithHome(build_py):
    """`build_py` that also copies `SHIPPED` into the package as ``_home``."""

    def run(self) -> None:
        super().run()
        home = Path(self.build_lib) / "mkbgraph" / "_home"
        for folder in SHIPPED:
            shutil.copytree(ROOT / folder, home / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithHome})
