"""Loading: errors say file:line and why; a failed load leaves the previous graph serving."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mkbgraph.config import Settings
from mkbgraph.graph.load import LoadError, content_digest, parse_file, parse_files, rdf_files
from mkbgraph.graph.store import InvalidGraphError, LiveGraph

from .conftest import FIXTURES

PREFIX = "@prefix ex: <https://example.org/> .\n"


def test_syntax_error_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        PREFIX + 'ex:a ex:b ex:c .\nex:a ex:b "unterminated .\nex:d ex:e ex:f .\n', encoding="utf-8"
    )
    with pytest.raises(LoadError) as info:
        parse_file(bad)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{bad}:3: ")
    assert "syntax" in str(info.value).lower()


def test_deep_nesting_is_a_load_error_not_a_crash(tmp_path: Path) -> None:
    deep = tmp_path / "deep.ttl"
    deep.write_text(
        PREFIX + "ex:a ex:b " + "[ ex:c " * 3000 + "ex:d" + " ]" * 3000 + " .\n", encoding="utf-8"
    )
    with pytest.raises(LoadError) as info:
        parse_file(deep)
    assert "deep.ttl" in str(info.value)


def test_a_failing_file_leaves_no_partial_graph(tmp_path: Path) -> None:
    """A load that fails in its second file serves nothing of its first: the live graph keeps
    the previous snapshot, with none of the 5,000 new triples in it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.ttl").write_text(PREFIX + "ex:before ex:p ex:o .\n", encoding="utf-8")
    live = LiveGraph(Settings(data_dir=data, validate_on_load=False))
    before = len(live.current.store)
    good = data / "a.ttl"
    good.write_text(PREFIX + "".join(f"ex:s{i} ex:p ex:o .\n" for i in range(5000)), encoding="utf-8")
    (data / "b.ttl").write_text(PREFIX + "ex:s ex:p .\n", encoding="utf-8")
    with pytest.raises(LoadError):
        parse_files([good, data / "b.ttl"])
    outcome = live.reload()
    assert not outcome.ok and "b.ttl" in outcome.message
    assert len(live.current.store) == before
    assert not live.current.store.ask("ASK { <https://example.org/s1> ?p ?o }")


def test_unknown_extension_and_missing_folder(tmp_path: Path) -> None:
    weird = tmp_path / "x.txt"
    weird.write_text("hello", encoding="utf-8")
    with pytest.raises(LoadError, match="unknown RDF file extension"):
        parse_file(weird)
    with pytest.raises(LoadError, match="folder not found"):
        rdf_files(tmp_path / "absent")


def _live(data_dir: Path) -> LiveGraph:
    return LiveGraph(Settings(data_dir=data_dir))


def test_reload_keeps_the_previous_graph_on_a_syntax_error(mini_settings: Settings) -> None:
    live = LiveGraph(mini_settings)
    before = live.current
    (mini_settings.data_dir / "broken.ttl").write_text(PREFIX + "ex:a ex:b .\n", encoding="utf-8")
    outcome = live.reload()
    assert not outcome.ok
    assert "broken.ttl:2" in outcome.message
    assert live.current is before
    assert len(live.current.store) == len(before.store)


def test_reload_keeps_the_previous_graph_when_the_new_one_violates_the_shapes(
    mini_settings: Settings,
) -> None:
    live = LiveGraph(mini_settings)
    before = live.current
    broken = (FIXTURES / "invalid" / "action-no-responsible.ttl").read_text(encoding="utf-8")
    (mini_settings.data_dir / "invalid.ttl").write_text(broken, encoding="utf-8")
    outcome = live.reload()
    assert not outcome.ok
    assert "violat" in outcome.message
    assert live.current is before


def test_reload_swaps_in_a_good_graph_and_tells_listeners(mini_settings: Settings) -> None:
    live = LiveGraph(mini_settings)
    before = live.current
    seen: list[str] = []
    live.listeners.append(lambda snap: seen.append(snap.version))
    extra = mini_settings.data_dir / "extra.ttl"
    extra.write_text(
        "@prefix reg: <https://w3id.org/mkbgraph/id/region/> .\n"
        "@prefix mkb: <https://w3id.org/mkbgraph/def/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'reg:walcheren a mkb:Region ; rdfs:label "Walcheren"@nl .\n',
        encoding="utf-8",
    )
    outcome = live.reload()
    assert outcome.ok
    assert live.current is not before
    assert len(live.current.store) == len(before.store) + 2
    assert seen == [live.current.version] and live.current.version != before.version


def test_first_load_of_an_invalid_graph_raises(make_data_dir: Callable[[dict[str, str]], Path]) -> None:
    broken = (FIXTURES / "invalid" / "motion-no-submitter.ttl").read_text(encoding="utf-8")
    live = _live(make_data_dir({"x.ttl": broken}))
    with pytest.raises(InvalidGraphError) as info:
        live.current  # noqa: B018
    assert any("indiener" in v.message for v in info.value.report.violations)


def test_only_turtle_and_ntriples_are_read(tmp_path: Path) -> None:
    (tmp_path / "ok.ttl").write_text(PREFIX + "ex:a ex:b ex:c .\n", encoding="utf-8")
    remote = tmp_path / "remote.jsonld"
    remote.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "ex:x"}', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        rdf_files(tmp_path)
    assert "remote.jsonld" in str(info.value) and "Turtle" in str(info.value)
    remote.unlink()
    laughs = tmp_path / "laughs.rdf"
    laughs.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>', encoding="utf-8")
    with pytest.raises(LoadError, match=r"laughs\.rdf"):
        rdf_files(tmp_path)


def test_an_empty_data_folder_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "data"
    empty.mkdir()
    (empty / "README.md").write_text("nothing here", encoding="utf-8")
    with pytest.raises(LoadError, match="no Turtle"):
        LiveGraph(Settings(data_dir=empty, validate_on_load=False)).current  # noqa: B018


def test_a_file_the_manifest_lists_must_be_there(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "chapters").mkdir(parents=True)
    (data / "chapters" / "one.ttl").write_text(PREFIX + "ex:a ex:b ex:c .\n", encoding="utf-8")
    (data / "MANIFEST.txt").write_text("# files\nchapters/one.ttl\nchapters/two.ttl\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"chapters/two\.ttl"):
        rdf_files(data)
    (data / "chapters" / "two.ttl").write_text(PREFIX + "ex:d ex:e ex:f .\n", encoding="utf-8")
    assert len(rdf_files(data)) == 2


def test_the_shipped_manifest_lists_every_data_file() -> None:
    data = Settings().data_dir
    listed = {
        line.split("#", 1)[0].strip()
        for line in (data / "MANIFEST.txt").read_text(encoding="utf-8").splitlines()
    } - {""}
    assert listed == {p.relative_to(data).as_posix() for p in data.rglob("*.ttl")}


def test_the_content_digest_cannot_be_fooled_by_moving_bytes_between_name_and_content(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    (first / "a.ttl").write_bytes(b"x\0b.ttl\0y")
    (second / "a.ttl").write_bytes(b"x")
    (second / "b.ttl").write_bytes(b"y")
    assert content_digest(first.glob("*.ttl")) != content_digest(second.glob("*.ttl"))
