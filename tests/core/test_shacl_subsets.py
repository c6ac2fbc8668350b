"""SHACL on bounded subsets (issue #19): the same findings as pySHACL on the whole graph, and a subset already
checked with the same content is not checked again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from competency_graph.loader import load_bundle
from competency_graph.shacl import check_shapes
from competency_graph.shacl_subsets import check_subsets, subsets


def _key(problems):
    return sorted((p.code, p.message, str(p.location), p.severity) for p in problems)


def _broken(tmp_path: Path, mini_dir: Path, how: str) -> Path:
    target = tmp_path / "refs"
    shutil.copytree(mini_dir, target)
    if how == "level-hole":
        path = target / "transversal.yaml"
        path.write_text(path.read_text(encoding="utf-8") + (
            "  - id: tx:C03\n    label: Communiquer\n    levels:\n"
            "      - {rank: 1, title: Écoute}\n      - {rank: 4, title: Explique}\n"), encoding="utf-8")
    elif how == "few-activities":
        path = target / "trades.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[: text.index("      - id: tr:jardinier/A3")] + text[text.index("links:"):],
                        encoding="utf-8")
    return target


@pytest.mark.parametrize("how", ["level-hole", "few-activities", "intact"])
def test_subsets_find_what_the_whole_graph_check_finds(tmp_path, mini_dir, how) -> None:
    bundle = load_bundle([_broken(tmp_path, mini_dir, how)])
    whole = check_shapes(bundle)
    found, validated = check_subsets(bundle)
    assert _key(found) == _key(whole)
    assert (len(whole) > 0) == (how != "intact")
    assert validated == len(subsets(bundle)[0])


def test_shipped_referentials_in_small_subsets_conform(shipped_bundle, monkeypatch) -> None:
    import competency_graph.shacl_subsets as module

    monkeypatch.setattr(module, "MAX_ITEMS", 60)
    parts, _ = module.subsets(shipped_bundle, max_items=60)
    assert len(parts) > 5
    # every triple of the published graph is in some subset
    from rdflib import BNode

    from competency_graph.rdf import build_triples

    def split(triples):
        blank = {t for t in triples if any(isinstance(x, BNode) for x in t)}
        return set(triples) - blank, len(blank)

    everything = build_triples(shipped_bundle)[0]  # blank node ids differ from one build to the next
    covered = split([t for part in parts for t in part.triples])
    assert covered == split(everything)
    found, _ = check_subsets(shipped_bundle)
    assert [p for p in found if p.severity == "error"] == []


def test_only_changed_subsets_are_validated_again(tmp_path, mini_dir) -> None:
    cache = tmp_path / "cache"
    refs = _broken(tmp_path, mini_dir, "intact")
    first, validated = check_subsets(load_bundle([refs]), cache_dir=cache)
    assert validated >= 1 and first == []
    again, validated = check_subsets(load_bundle([refs]), cache_dir=cache)
    assert (again, validated) == ([], 0)
    path = refs / "transversal.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - id: tx:C03\n    label: Communiquer\n    levels:\n"
        "      - {rank: 1, title: Écoute}\n      - {rank: 3, title: Explique}\n"), encoding="utf-8")
    changed, validated = check_subsets(load_bundle([refs]), cache_dir=cache)
    assert validated >= 1 and [p.code for p in changed] == ["shacl-sparql"]
    cached, validated = check_subsets(load_bundle([refs]), cache_dir=cache)
    assert validated == 0 and _key(cached) == _key(changed)
