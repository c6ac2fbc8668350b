"""The checked bundle kept on disk between runs: read back only when files, code and owner all match."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from competency_graph.services import bootstrap


@pytest.fixture
def referentials(tmp_path, mini_dir, monkeypatch) -> Path:
    copy = tmp_path / "referentials"
    shutil.copytree(mini_dir, copy)
    monkeypatch.setenv("COMPETENCY_GRAPH_REFERENTIALS", str(copy))
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path / "data"))
    return copy


def _no_parsing(monkeypatch) -> None:
    def refuse(_paths):
        raise AssertionError("the bundle was parsed again instead of read from the cache")

    monkeypatch.setattr(bootstrap, "load_bundle", refuse)


def _cached_files() -> list[Path]:
    return sorted(bootstrap.bundle_cache_dir().glob("bundle-*.pickle"))


def test_second_load_reads_the_same_bundle_from_disk(referentials, monkeypatch):
    first = bootstrap.load_referentials()
    assert len(_cached_files()) == 1
    _no_parsing(monkeypatch)
    second = bootstrap.load_referentials()
    assert second.content_hash == first.content_hash
    assert second.items == first.items and second.edges == first.edges


def test_an_edited_referential_is_parsed_again_and_replaces_the_old_cache(referentials):
    first = bootstrap.load_referentials()
    path = sorted(referentials.rglob("*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = bootstrap.load_referentials()
    assert second.content_hash != first.content_hash
    (cached,) = _cached_files()
    assert cached.name.startswith(f"bundle-{second.content_hash[:32]}-")


@pytest.mark.parametrize("damage", ["group-writable", "corrupt"])
def test_a_cache_file_that_is_not_ours_or_broken_is_ignored(referentials, damage):
    first = bootstrap.load_referentials()
    (cached,) = _cached_files()
    if damage == "group-writable":
        cached.chmod(0o664)
    else:
        cached.write_bytes(b"not a pickle")
    again = bootstrap.load_referentials()
    assert again.items == first.items
    (rewritten,) = _cached_files()
    assert rewritten.stat().st_mode & 0o077 == 0


def test_without_the_disk_cache_nothing_is_written(referentials):
    bootstrap.load_referentials(use_disk_cache=False)
    assert _cached_files() == []


def test_cached_models_are_whole_frozen_models_with_their_own_copies(referentials, monkeypatch):
    """The cache rebuilds pydantic models from their state and shares equal "fields set" sets between them
    (issue #19): the models compare, dump and refuse changes as the parsed ones do, and ``model_copy`` with an
    update does not leak into the other models sharing that set."""
    import pydantic

    from competency_graph.loader import load_bundle

    bootstrap.load_referentials()
    _no_parsing(monkeypatch)
    cached = bootstrap.load_referentials()
    parsed = load_bundle([referentials])
    assert cached.items == parsed.items and cached.edges == parsed.edges
    for item_id, item in parsed.items.items():
        model = cached.items[item_id].model
        assert type(model) is type(item.model)
        assert model.model_dump_json() == item.model.model_dump_json()
        assert model.model_fields_set == item.model.model_fields_set
    models = [item.model for item in cached.items.values()]
    shared = [m for m in models if any(o is not m and o.__pydantic_fields_set__ is m.__pydantic_fields_set__
                                       for o in models)]
    assert shared, "equal fields sets are shared in the cache"
    first = shared[0]
    with pytest.raises(pydantic.ValidationError):
        first.label = "changed"  # frozen
    before = {id(m): set(m.model_fields_set) for m in models}
    first.model_copy(update={"note": "a note"})
    assert {id(m): set(m.model_fields_set) for m in models} == before
    assert cached.items[first.id].model.model_dump_json() == parsed.items[first.id].model.model_dump_json()
