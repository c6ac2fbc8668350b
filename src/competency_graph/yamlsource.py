"""A duplicate-key-safe YAML reader that remembers where every value came from.

``read_positioned(text, path)`` returns the plain Python data, a map from data path (tuple of keys and
indexes) to its :class:`Location`, and the problems found (syntax errors, duplicate keys).
"""

from __future__ import annotations

import functools
from typing import Any

import yaml

from .limits import LimitExceeded, yaml_events
from .problems import Location, Problem

__all__ = ["Positions", "read_positioned", "locate"]

Positions = dict[tuple[Any, ...], Location]

try:  # the C composer is several times faster and keeps marks
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


_MAX_NODES = 2_000_000
#: the tags a list or a mapping may carry (the ones YAML gives them when none is written)
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_MIN_BUDGET = 50_000
_EXPANSION = 8


def _location(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


@functools.lru_cache(maxsize=256)
def _file_location(path: str) -> Location:
    """One shared (frozen) ``Location(path)`` per file: a JSON referential has no positions, and ROME's
    ~145,000 items, edges and links would otherwise each hold their own copy (in memory and in the cache)."""
    return Location(path)


def locate(positions: Positions, path: str, loc: tuple[Any, ...], *, key: bool = False) -> Location:
    """The place in the file of the value at data path ``loc`` (its key's place when ``key``), else of its
    nearest parent; the file's first line when nothing of it was read."""
    if not positions:
        return _file_location(path)
    if key and (*loc, "__key__") in positions:
        return positions[(*loc, "__key__")]
    probe = tuple(loc)
    while probe:
        if probe in positions:
            return positions[probe]
        probe = probe[:-1]
    return positions.get((), Location(path, 1, 1))


def read_positioned(text: str, path: str) -> tuple[Any, Positions, list[Problem]]:
    """Parse one YAML document; never raises on bad input, returns problems instead."""
    positions: Positions = {}
    problems: list[Problem] = []
    try:  # size and depth first: libyaml's composer recurses in C and would crash the process
        events = yaml_events(text)
    except LimitExceeded as exc:
        return None, positions, [Problem("yaml-syntax", exc.message_fr, Location(path, 1, 1))]
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problems.append(Problem("yaml-syntax", f"{exc.problem or exc.context}".strip(), loc))
        return None, positions, problems
    except yaml.YAMLError as exc:
        problems.append(Problem("yaml-syntax", str(exc).splitlines()[0], Location(path)))
        return None, positions, problems
    if root is None:
        return None, positions, problems

    constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.constructor.SafeConstructor.__init__(constructor)

    active: set[int] = set()  # nodes being built: an alias back to one of them is a recursive document
    # Aliases can make a small text expand exponentially ("billion laughs"): the nodes built may not exceed a
    # few times the nodes written (merge keys and a few shared blocks stay well within).
    budget = [min(_MAX_NODES, max(_MIN_BUDGET, _EXPANSION * events))]

    class _Refused(Exception):
        pass

    def build(node: yaml.Node, key_path: tuple[Any, ...]) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            problems.append(Problem("yaml-syntax", "document too large once aliases are expanded "
                                    f"(> {_MIN_BUDGET} nodes or {_EXPANSION}x the nodes written)",
                                    _location(path, node)))
            raise _Refused
        if id(node) in active:
            problems.append(Problem("yaml-syntax", "recursive alias: a value cannot contain itself", _location(path, node)))
            raise _Refused
        positions[key_path] = _location(path, node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            # a language tag (!!python/object/apply:…) on a list or mapping would otherwise be dropped silently
            problems.append(Problem("yaml-syntax", f"unsupported tag {node.tag}", _location(path, node)))
            raise _Refused
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            active.add(id(node))
            try:
                return _build_collection(node, key_path)
            finally:
                active.discard(id(node))
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problems.append(Problem("yaml-syntax", str(exc).splitlines()[0], _location(path, node)))
            return None
        except (ValueError, OverflowError) as exc:  # a timestamp-shaped scalar that is no date (2026-21-01)
            problems.append(Problem("yaml-syntax", f"invalid value: {exc}", _location(path, node)))
            return None

    def _build_collection(node: yaml.Node, key_path: tuple[Any, ...]) -> Any:
        if isinstance(node, yaml.MappingNode):
            constructor.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                try:
                    key = constructor.construct_object(key_node, deep=True)
                except yaml.YAMLError as exc:
                    problems.append(Problem("yaml-syntax", str(exc).splitlines()[0], _location(path, key_node)))
                    continue
                except (ValueError, OverflowError) as exc:
                    problems.append(Problem("yaml-syntax", f"invalid value: {exc}", _location(path, key_node)))
                    continue
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    problems.append(Problem("wrong-type", "a key must be a plain value", _location(path, key_node)))
                    continue
                if key in result:
                    first = positions.get((*key_path, key))
                    where = f" (first at line {first.line})" if first else ""
                    problems.append(
                        Problem("duplicate-key", f"duplicate key '{key}'{where}", _location(path, key_node))
                    )
                    continue
                # the key's own position is more useful than the value's for "unknown field"
                positions[(*key_path, key, "__key__")] = _location(path, key_node)
                result[key] = build(value_node, (*key_path, key))
            return result
        return [build(child, (*key_path, i)) for i, child in enumerate(node.value)]

    try:
        data = build(root, ())
    except _Refused:
        return None, positions, problems
    except RecursionError:
        problems.append(Problem("yaml-syntax", "document nested too deeply", Location(path, 1, 1)))
        return None, positions, problems
    return data, positions, problems
