"""Load a directory of referentials into a :class:`~competency_graph.bundle.Bundle`, or report every problem.

Two passes: structure (positioned YAML → pydantic, per file) then integrity across files (unique ids, known
references, levels in range and in order). Any error anywhere → nothing is loaded.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .bundle import Bundle, Edge, Item, LoadedReferential
from .ids import EXTERNAL_PREFIXES, split_id
from .model import Activity, Bloc, Certification, Competency, Level, Occupation, ReferentialFile
from .problems import Location, Problem, ReferentialError
from .yamlsource import Positions, read_positioned

__all__ = ["load_bundle", "check_paths", "referential_files", "parse_file", "validation_problems"]

_SUFFIXES = (".yaml", ".yml", ".json")

_TYPE_ERRORS = {
    "string_type", "int_type", "int_parsing", "float_type", "float_parsing", "bool_type", "bool_parsing",
    "list_type", "dict_type", "model_type", "model_attributes_type", "date_type", "date_parsing",
    "date_from_datetime_parsing", "date_from_datetime_inexact", "int_from_float", "tuple_type", "none_required",
}


def referential_files(paths: Iterable[Path]) -> list[Path]:
    """The referential files under the given files or directories, in a stable order."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES and p.is_file()))
        elif path.exists():
            found.append(path)
    return found


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=256)
def _file_location(path: str) -> Location:
    """One shared (frozen) ``Location(path)`` per file: a JSON referential has no positions, and ROME's
    ~145,000 items, edges and links would otherwise each hold their own copy (in memory and in the cache)."""
    return Location(path)


def _locate(positions: Positions, path: str, loc: tuple[Any, ...], key: bool = False) -> Location:
    if not positions:
        return _file_location(path)
    if key and (*loc, "__key__") in positions:
        return positions[(*loc, "__key__")]
    probe = tuple(loc)
    while probe:
        if probe in positions:
            return positions[probe]
        probe = probe[:-1]
    return positions.get((), Location(path, 1, 1) if positions else Location(path))


_CONDITION_KEYS = {"when", "applies_if", "any_of", "all_of", "none_of"}


def validation_problems(exc: ValidationError, positions: Positions, path: str) -> list[Problem]:
    """The pydantic errors of a YAML document as located problems (``file:line:col``), one per error."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        dotted = ".".join(str(p) for p in loc) or "(document)"
        if kind == "missing":
            field = loc[-1]
            problems.append(Problem("missing-field", f"missing field '{field}' in {dotted.rsplit('.', 1)[0] or 'document'}",
                                    _locate(positions, path, loc[:-1])))
        elif kind == "extra_forbidden" and set(map(str, loc[:-1])) & _CONDITION_KEYS:
            problems.append(Problem("unknown-condition", f"unknown condition kind '{loc[-1]}'",
                                    _locate(positions, path, loc, key=True),
                                    hint="the kinds are registered in analysis/conditions.py (docs/recommendation.md)"))
        elif kind == "extra_forbidden":
            problems.append(Problem("unknown-field", f"unknown field '{loc[-1]}'", _locate(positions, path, loc, key=True),
                                    hint="see docs/referential-format.md"))
        elif kind in _TYPE_ERRORS:
            problems.append(Problem("wrong-type", f"{dotted}: {err['msg']}", _locate(positions, path, loc)))
        else:
            problems.append(Problem("invalid-value", f"{dotted}: {err['msg']}", _locate(positions, path, loc)))
    return problems


def parse_file(path: Path) -> tuple[ReferentialFile | None, Positions, list[Problem]]:
    """Read and validate the structure of one file (YAML with positions, or JSON from an importer)."""
    shown = _display(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, {}, [Problem("io-error", f"cannot read file: {exc.strerror}", Location(shown))]
    if path.suffix == ".json":
        try:
            return ReferentialFile.model_validate_json(raw), {}, []
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                return None, {}, [Problem("yaml-syntax", "invalid JSON", Location(shown))]
            return None, {}, validation_problems(exc, {}, shown)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, {}, [Problem("io-error", f"not UTF-8 (byte {exc.start})", Location(shown))]
    data, positions, problems = read_positioned(text, shown)
    if problems:
        return None, positions, problems
    if not isinstance(data, dict) or "referential" not in data:
        loc = positions.get((), Location(shown, 1, 1))
        return None, positions, [Problem("not-a-mapping", "a referential file is a mapping with a 'referential' header", loc)]
    try:
        return ReferentialFile.model_validate(data), positions, []
    except ValidationError as exc:
        return None, positions, validation_problems(exc, positions, shown)


class _Collector:
    """Flattens the validated files into items and edges, checking what spans files."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}
        self.edges: list[Edge] = []
        self.problems: list[Problem] = []
        self.referentials: list[LoadedReferential] = []
        self.superseded: set[str] = set()  # shipped ids replaced by an imported version

    # -- items -------------------------------------------------------------------------------------------
    def add_file(self, path: str, file: ReferentialFile, positions: Positions) -> None:
        header = file.referential
        key = f"{header.id}@{header.version}"
        for other in self.referentials:
            if other.key == key:
                self.problems.append(Problem("duplicate-referential", f"referential {key} is also declared in {other.path}",
                                             _locate(positions, path, ("referential", "id"))))
        first_edge = len(self.edges)
        ref = LoadedReferential(key=key, path=path, file=file, location=_locate(positions, path, ("referential",)))
        self.referentials.append(ref)
        allowed = {header.id, *header.prefixes}
        scale = (header.scale.min, header.scale.max) if header.scale else None

        def loc(*parts: Any) -> Location:
            return _locate(positions, path, parts)

        imported = header.provenance == "imported"

        def add(model: Any, kind: str, where: tuple[Any, ...], parent: str | None, parent_field: str | None = None) -> bool:
            location = loc(*where)
            prefix, _ = split_id(model.id)
            if prefix not in allowed:
                self.problems.append(Problem("id-prefix", f"id '{model.id}' does not start with '{header.id}:'",
                                             loc(*where, "id"), hint=f"or list '{prefix}' in referential.prefixes"))
            if model.id in self.items and not imported and self.items[model.id].provenance == "imported":
                # an importer brought the official version of this item: it replaces the shipped one (and its parts)
                self.superseded.add(model.id)
                return False
            if model.id in self.items:
                first = self.items[model.id].location
                self.problems.append(Problem("duplicate-id", f"id '{model.id}' is already defined at {first}", loc(*where, "id")))
                return False
            levels = tuple(getattr(model, "levels", ()) or ())
            self.items[model.id] = Item(
                id=model.id, kind=kind, label=model.label, referential=key, parent=parent, model=model,
                location=location, provenance=model.provenance or header.provenance, verified=model.verified,
                levels=levels, scale=scale if levels else None,
            )
            if parent:
                edge_loc = loc(*where, parent_field) if parent_field else location
                self.edges.append(Edge(model.id, "part-of", parent, location=edge_loc, implicit=True))
            if levels:
                self._check_levels(model.id, levels, scale, where, loc)
            return True

        for i, pole in enumerate(file.poles):
            add(pole, "pole", ("poles", i), None)
        for i, comp in enumerate(file.competencies):
            self._add_competency(add, comp, ("competencies", i), None, loc)
        for section, kind in (("trades", "trade"), ("jobs", "job")):
            for i, occ in enumerate(getattr(file, section)):
                self._add_occupation(add, occ, kind, (section, i), loc)
        for i, cert in enumerate(file.certifications):
            self._add_certification(add, cert, ("certifications", i), loc)
        for i, modality in enumerate(file.modalities):
            add(modality, "modality", ("modalities", i), None)
        for i, link in enumerate(file.links):
            self.edges.append(Edge(link.source_id, link.type, link.target, level=link.level, location=loc("links", i),
                                   link=link))
        self.edges[first_edge:] = [replace(e, referential=key) for e in self.edges[first_edge:]]

    def _add_competency(self, add: Any, comp: Competency, where: tuple[Any, ...], parent: str | None, loc: Any) -> None:
        if not add(comp, "competency", where, parent or comp.pole, None if parent else "pole"):
            return
        if parent and comp.pole:
            self.edges.append(Edge(comp.id, "part-of", comp.pole, location=loc(*where, "pole"), implicit=True))
        for j, other in enumerate(comp.close_match):
            self.edges.append(Edge(comp.id, "close-match", other, location=loc(*where, "close_match", j), implicit=True))

    def _add_occupation(self, add: Any, occ: Occupation, kind: str, where: tuple[Any, ...], loc: Any) -> None:
        if not add(occ, kind, where, None):
            return
        for field, edge_type in (("rome", "rome"), ("rncp", "bridges-to"), ("bridges_to", "bridges-to")):
            for j, target in enumerate(getattr(occ, field)):
                self.edges.append(Edge(occ.id, edge_type, target, location=loc(*where, field, j), implicit=True))
        for a, activity in enumerate(occ.activities):
            self._add_activity(add, activity, occ.id, (*where, "activities", a), loc)

    def _add_activity(self, add: Any, activity: Activity, parent: str, where: tuple[Any, ...], loc: Any) -> None:
        if not add(activity, "activity", where, parent):
            return
        for c, comp in enumerate(activity.competencies):
            self._add_competency(add, comp, (*where, "competencies", c), activity.id, loc)
        for r, ref in enumerate(activity.rectec):
            self.edges.append(Edge(activity.id, "requires-level", ref.competency, level=ref.level,
                                   location=loc(*where, "rectec", r), implicit=True))
        for r, target in enumerate(activity.rome_items):
            self.edges.append(Edge(activity.id, "rome", target, location=loc(*where, "rome_items", r), implicit=True))

    def _add_certification(self, add: Any, cert: Certification, where: tuple[Any, ...], loc: Any) -> None:
        if not add(cert, "certification", where, None):
            self.superseded.update(f"{b.id}" for b in cert.blocs)
            self.superseded.update(c.id for b in cert.blocs for c in b.competencies)
            return
        for field, edge_type in (("rome", "rome"), ("replaces", "replaces"), ("replaced_by", "replaced-by")):
            for j, target in enumerate(getattr(cert, field)):
                self.edges.append(Edge(cert.id, edge_type, target, location=loc(*where, field, j), implicit=True,
                                       external_ok=edge_type != "rome"))
        for b, bloc in enumerate(cert.blocs):
            self._add_bloc(add, bloc, cert.id, (*where, "blocs", b), loc)

    def _add_bloc(self, add: Any, bloc: Bloc, parent: str, where: tuple[Any, ...], loc: Any) -> None:
        if not add(bloc, "bloc", where, parent):
            return
        for c, comp in enumerate(bloc.competencies):
            self._add_competency(add, comp, (*where, "competencies", c), bloc.id, loc)

    # -- checks ------------------------------------------------------------------------------------------
    def _check_levels(self, item_id: str, levels: tuple[Level, ...], scale: tuple[int, int] | None,
                      where: tuple[Any, ...], loc: Any) -> None:
        if scale is None:
            self.problems.append(Problem("no-scale", f"'{item_id}' has levels but its referential has no scale",
                                         loc(*where, "levels")))
            return
        previous = None
        for n, level in enumerate(levels):
            if not scale[0] <= level.rank <= scale[1]:
                self.problems.append(Problem("level-out-of-range",
                                             f"level {level.rank} of '{item_id}' is outside the scale {scale[0]}–{scale[1]}",
                                             loc(*where, "levels", n, "rank")))
            if previous is not None and level.rank <= previous:
                self.problems.append(Problem("level-order",
                                             f"levels of '{item_id}' must increase: {level.rank} comes after {previous}",
                                             loc(*where, "levels", n, "rank")))
            previous = level.rank

    def check_references(self) -> None:
        edge_drop: set[int] = set()
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end in self.items:
                    continue
                prefix = end.split(":", 1)[0]
                if prefix in EXTERNAL_PREFIXES or (edge.external_ok and end == edge.target):
                    continue
                if end in self.superseded:
                    self.problems.append(Problem("superseded-reference",
                                                 f"'{end}' was replaced by an imported version that does not define it; "
                                                 "the link is ignored", edge.location, severity="warning"))
                    edge_drop.add(id(edge))
                    continue
                self.problems.append(Problem("unknown-reference", f"'{end}' is not defined in any referential",
                                             edge.location))
            if edge.type == "requires-level":
                target = self.items.get(edge.target)
                if edge.level is None:
                    self.problems.append(Problem("missing-field", "a requires-level link needs a 'level'", edge.location))
                elif target is not None:
                    ranks = [lv.rank for lv in target.levels]
                    if not ranks:
                        self.problems.append(Problem("level-out-of-range",
                                                     f"'{edge.target}' has no levels, it cannot be required at level {edge.level}",
                                                     edge.location))
                    elif edge.level not in ranks:
                        self.problems.append(Problem("level-out-of-range",
                                                     f"level {edge.level} is not a level of '{edge.target}' ({min(ranks)}–{max(ranks)})",
                                                     edge.location))

        if edge_drop:
            self.edges = [e for e in self.edges if id(e) not in edge_drop]


def check_paths(paths: Iterable[Path]) -> tuple[Bundle | None, list[Problem]]:
    """Load and check; returns ``(bundle, [])`` or ``(None, problems)``. Never raises on bad content."""
    paths = [Path(p) for p in paths]
    files = referential_files(paths)
    if not files:
        shown = ", ".join(_display(p) for p in paths) or "(nothing)"
        return None, [Problem("empty-directory", "no referential file found", Location(shown))]
    collector = _Collector()
    digest = hashlib.sha256()
    parsed = []
    for path in files:
        model, positions, problems = parse_file(path)
        collector.problems.extend(problems)
        if model is not None:
            parsed.append((path, model, positions))
        try:
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
        except OSError:
            pass
    # imported referentials first: their (official) items replace shipped items with the same id
    parsed.sort(key=lambda entry: entry[1].referential.provenance != "imported")
    for path, model, positions in parsed:
        collector.add_file(_display(path), model, positions)
    collector.check_references()
    if any(p.severity == "error" for p in collector.problems):
        return None, collector.problems
    return Bundle(collector.referentials, collector.items, collector.edges, digest.hexdigest()), collector.problems


def load_bundle(paths: Iterable[Path] | None = None) -> Bundle:
    """Load referentials (default: the shipped and imported directories); raises ReferentialError."""
    if paths is None:
        from .settings import referential_dirs

        paths = [p for p in referential_dirs() if p.exists()]
    bundle, problems = check_paths(paths)
    if bundle is None:
        raise ReferentialError(problems)
    return bundle
