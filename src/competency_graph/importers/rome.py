"""Import of the ROME 4.0 CSV bundle (France Travail open data) as a ``job-register`` referential.

The bundle is a directory of ``unix_<table>_v<version>_utf8.csv`` files (UTF-8, comma separated, every field
quoted, fields may hold newlines). Six tables are read:

==============================  ==========================================================================
``referentiel_code_rome``       one row per job (fiche métier): ``code_rome``, ``libelle_rome``
``referentiel_competence``      savoir-faire and savoir-être professionnels: ``code_ogr``, ``nature``
                                (Compétence / Macro-compétence), ``libelle_competence``, ``cat_comp``,
                                ``sous_cat_comp`` (Technique / Technique expert / Transverse)
``referentiel_savoir``          savoirs: ``code_ogr_savoir``, ``libelle_savoir``, ``categorie_savoir``,
                                ``sous_categorie_savoir``
``liens_rome_referentiels``     job → item: ``code_rome``, ``code_compo_bloc``, ``code_rubrique``,
                                ``code_ogr``; bloc 5 = compétences (rubrique 1 savoir-faire, 2 savoir-être,
                                3 savoirs); the other blocs (appellations, contextes…) are not imported
``coherence_item``              ``code_rome``, ``code_ogr``, ``coeur_metier`` = ``Principale`` (core item of
                                the job) or ``Émergente``
``rubrique_mobilite``           job → job mobility: ``code_rome``, ``code_rome_cible``
==============================  ==========================================================================

Output (DOMAIN.md §10): jobs ``rome:<code_rome>``, items ``rome-ogr:<code_ogr>`` with ``category``
``savoir-faire`` | ``savoir-etre`` | ``savoir`` and the sub-category in ``note``; links ``rome`` from each
job to its items (``core: true`` for ``Principale``, note ``Item émergent…`` for ``Émergente``) and
links ``mobility`` from job to job.

Any missing file, malformed CSV row, invalid code or empty label raises :class:`RomeImportError` (French
message naming the file and line); :func:`import_rome` then writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..gcpause import gc_paused
from ..messages import t
from ..model import Link, ReferentialFile

__all__ = ["RomeImportError", "TABLES", "find_table", "rome_data", "read_rome", "import_rome"]

Progress = Callable[[int, int], None]

#: Tables read, with the columns each must have (other columns are ignored).

COMPETENCY_BLOC = "5"  # unix_composition_bloc: 5 = "Compétences"
CORE = "Principale"
EMERGING = "Émergente"
SOURCE_URL = "https://www.francetravail.org/opendata/repertoire-operationnel-des-meti.html"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab) — France Travail"
_LOCAL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*\Z")  # local part of an id (ids.ID_PATTERN)


from .rome_files import TABLES, RomeImportError, _Counter, _Table, find_table  # noqa: E402

# ------------------------------------------------------------------------------------------------- header


def _version(directory: Path, sample: Path) -> tuple[str, dict[str, Any]]:
    """Version and source of the bundle, from ``version.txt`` when present, else from a file name."""
    match = re.search(r"_v([0-9A-Za-z]+)_utf8\.csv$", sample.name)
    token = match.group(1) if match else "inconnue"
    # 'v460' is ROME 4, version 60
    version = token[1:] if token.isdigit() and token.startswith("4") and len(token) > 2 else token
    source: dict[str, Any] = {
        "title": f"ROME 4.0 version {version} (France Travail, open data)",
        "url": SOURCE_URL,
    }
    info = directory / "version.txt"
    if info.is_file():
        text = info.read_bytes().decode("utf-8", errors="replace")
        if m := re.search(r"Num[ée]ro de version\s*:\s*(\S+)", text):
            version = m.group(1)
            source["title"] = f"ROME 4.0 version {version} (France Travail, open data)"
        if m := re.search(r"Titre/commentaire\s*:\s*(.+)", text):
            source["title"] = f"{m.group(1).strip()} (France Travail, open data)"
        if m := re.search(r"Date de publication\s*:\s*(\d{1,2})/(\d{1,2})/(\d{4})", text):
            try:
                source["date"] = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
            except ValueError:
                pass
    source["note"] = f"Fichiers unix_*_v{token}_utf8.csv"
    return version, source


def _header(version: str, source: dict[str, Any]) -> dict[str, Any]:
    # keys in the model's field order, defaults left out (= model_dump(by_alias, exclude_defaults))
    return {
        "id": "rome",
        "version": version,
        "kind": "job-register",
        "title": "ROME 4.0 — Répertoire opérationnel des métiers et des emplois",
        "publisher": "France Travail",
        "licence": LICENCE,
        "provenance": "imported",
        "sources": [source],
        "prefixes": ["rome-ogr"],
        "description": (
            "Fiches métiers (rome:<code>), savoir-faire, savoir-être professionnels et savoirs "
            "(rome-ogr:<code_ogr>), items principaux (core) et mobilités, importés du ROME 4.0."
        ),
    }


# ------------------------------------------------------------------------------------------------ content


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _category(cat_comp: str) -> str:
    slug = _slug(cat_comp)
    if slug.startswith("savoir-etre"):
        return "savoir-etre"
    if slug.startswith("savoir-faire"):
        return "savoir-faire"
    return slug or "savoir-faire"


def _note(*parts: str) -> str | None:
    text = " — ".join(p.strip() for p in parts if p and p.strip())
    return text or None


def _build(directory: Path | str, progress: Progress | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the bundle into a JSON-ready dict (the model's aliases, defaults left out) and its counts."""
    directory = Path(directory)
    tables = {name: _Table(directory, name) for name in TABLES}  # every file found and read, or error
    counter = _Counter(sum(t.lines for t in tables.values()), progress)
    counter.report(0)
    local_ok = _LOCAL_RE.match

    # jobs
    table = tables["referentiel_code_rome"]
    jobs: dict[str, dict[str, Any]] = {}
    for line, (code, label) in table.rows(counter):
        code, label = code.strip(), label.strip()
        if not local_ok(code):
            raise table.error(t("rome.error.bad_rome_code", code=repr(code)), line)
        if not label:
            raise table.error(t("rome.error.no_rome_label", code=code), line)
        job_id = "rome:" + code
        if job_id in jobs:
            raise table.error(t("rome.error.duplicate_rome", code=code), line)
        jobs[job_id] = {"id": job_id, "label": label}

    # savoir-faire and savoir-être professionnels
    items: dict[str, dict[str, Any]] = {}
    table = tables["referentiel_competence"]
    categories: dict[str, str] = {}
    n_competencies = 0
    for line, (code, nature, label, cat, sub) in table.rows(counter):
        code, label = code.strip(), label.strip()
        if not local_ok(code):
            raise table.error(t("rome.error.bad_ogr_code", code=repr(code)), line)
        if not label:
            raise table.error(t("rome.error.no_skill_label", code=code), line)
        item_id = "rome-ogr:" + code
        if item_id in items:
            raise table.error(t("rome.error.duplicate_ogr", code=code), line)
        category = categories.get(cat)
        if category is None:
            category = categories[cat] = _category(cat)
        item: dict[str, Any] = {"id": item_id, "label": label}
        note = _note(nature, sub) if nature.strip().lower().startswith("macro") else _note(sub)
        if note:
            item["note"] = note
        item["category"] = category
        items[item_id] = item
        n_competencies += 1

    # savoirs
    table = tables["referentiel_savoir"]
    n_savoirs = 0
    for line, (code, label, cat, sub) in table.rows(counter):
        code, label = code.strip(), label.strip()
        if not local_ok(code):
            raise table.error(t("rome.error.bad_ogr_code", code=repr(code)), line)
        if not label:
            raise table.error(t("rome.error.no_knowledge_label", code=code), line)
        item_id = "rome-ogr:" + code
        if item_id in items:
            raise table.error(t("rome.error.duplicate_knowledge", code=code), line)
        item = {"id": item_id, "label": label}
        note = _note(cat, sub)
        if note:
            item["note"] = note
        item["category"] = "savoir"
        items[item_id] = item
        n_savoirs += 1

    # core / emerging flags
    flags: dict[tuple[str, str], str] = {}
    for _line, (rome, ogr, flag) in tables["coherence_item"].rows(counter):
        if flag:
            flag = flag.strip()
            if flag:
                flags[(rome.strip(), ogr.strip())] = flag

    # job -> item links (bloc 5 only)
    links: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    n_core = n_emerging = skipped = 0
    for _line, (rome, bloc, _rubrique, ogr) in tables["liens_rome_referentiels"].rows(counter):
        if bloc.strip() != COMPETENCY_BLOC:
            continue
        rome, ogr = rome.strip(), ogr.strip()
        source_id, target = "rome:" + rome, "rome-ogr:" + ogr
        if source_id not in jobs or target not in items:
            skipped += 1
            continue
        key = (rome, ogr)
        if key in seen:
            continue
        seen.add(key)
        link: dict[str, Any] = {"from": source_id, "type": "rome", "to": target}
        flag = flags.get(key)
        if flag == CORE:
            link["core"] = True
            n_core += 1
        elif flag == EMERGING:
            link["note"] = "Item émergent pour ce métier (ROME : Émergente)"
            n_emerging += 1
        links.append(link)
    n_rome_links = len(links)
    del seen, flags

    # job -> job mobility
    mobility_seen: set[tuple[str, str]] = set()
    for _line, (rome, target_code) in tables["rubrique_mobilite"].rows(counter):
        source_id, target = "rome:" + rome.strip(), "rome:" + target_code.strip()
        if source_id not in jobs or target not in jobs:
            skipped += 1
            continue
        if (source_id, target) in mobility_seen:
            continue
        mobility_seen.add((source_id, target))
        links.append({"from": source_id, "type": "mobility", "to": target})
    counter.report(counter.total)

    from .rome_enrich import enrich

    extra = enrich(directory, jobs, items)
    version, source = _version(directory, tables["referentiel_code_rome"].path)
    data: dict[str, Any] = {"referential": _header(version, source)}
    if extra["poles"]:
        data["poles"] = extra["poles"]
    data.update({
        "competencies": [_ordered(i, _ITEM_ORDER) for i in items.values()],
        "jobs": [_ordered(j, _JOB_ORDER) for j in jobs.values()],
        "links": links,
    })
    counts: dict[str, Any] = {
        "jobs": len(jobs),
        "competencies": n_competencies,
        "savoirs": n_savoirs,
        "links": n_rome_links,
        "core_links": n_core,
        "emerging_links": n_emerging,
        "mobility": len(links) - n_rome_links,
        "skipped": skipped,
        **extra["counts"],
    }
    return data, counts


# keys in the model's field order (the file is the model's dump, so that re-reading changes nothing)
_ITEM_ORDER = ("id", "label", "note", "broader", "category", "description")
_JOB_ORDER = ("id", "label", "note", "broader", "description", "appellations", "work_contexts")


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {k: data[k] for k in order if k in data}


def _invalid(exc: ValidationError, offset: int | None = None) -> RomeImportError:
    # only reachable through a bug or an odd bundle: say where
    first = exc.errors()[0]
    loc = list(first.get("loc", ()))
    if offset is not None and loc and isinstance(loc[0], int):
        loc = ["links", loc[0] + offset, *loc[1:]]
    where = ".".join(str(p) for p in loc)
    return RomeImportError(t("rome.error.invalid_result", where=where, error=first.get("msg")))


def _validate(data: dict[str, Any]) -> ReferentialFile:
    try:
        return ReferentialFile.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from exc


_LINKS = TypeAdapter(list[Link])
_CHUNK = 16384


def _check(data: dict[str, Any]) -> None:
    """Validate ``data`` as a ReferentialFile without holding the whole model: header and items at once,
    links by chunks (same validators, a third of the peak memory of one ``model_validate``)."""
    _validate({**data, "links": []})
    links = data["links"]
    for start in range(0, len(links), _CHUNK):
        try:
            _LINKS.validate_python(links[start:start + _CHUNK])
        except ValidationError as exc:
            raise _invalid(exc, start) from exc


# --------------------------------------------------------------------------------------------------- API


def rome_data(directory: Path | str, progress: Progress | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The referential as plain JSON data (what :func:`import_rome` writes, not yet validated) and counts."""
    with gc_paused():
        return _build(directory, progress)


def read_rome(directory: Path | str, progress: Progress | None = None) -> ReferentialFile:
    """Read the ROME 4.0 CSV bundle in ``directory`` into a validated :class:`ReferentialFile`.

    ``progress(done, total)`` is called as rows are read (counted in physical lines of the six files).
    Raises :class:`RomeImportError` on a missing file or a malformed CSV.
    """
    with gc_paused():
        data, _counts = _build(directory, progress)
        return _validate(data)


def import_rome(
    directory: Path | str, out_dir: Path | str | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Import the bundle and write ``out_dir/rome.json`` atomically; return the counts.

    ``out_dir`` defaults to :func:`competency_graph.settings.imported_referentials_dir`. The file holds
    ``ReferentialFile.model_dump(mode="json", by_alias=True, exclude_defaults=True)`` (validated first).
    Returns ``{"jobs", "competencies", "savoirs", "links", "core_links", "emerging_links", "mobility",
    "skipped", "seconds", "path"}`` (``links`` = job → item links, ``mobility`` = job → job links,
    ``path`` = the written file as a string). Nothing is written when an error is raised.
    """
    started = time.perf_counter()
    with gc_paused():
        data, counts = _build(directory, progress)
        _check(data)  # the dict is exactly the model's dump: validating it validates the output
    if out_dir is None:
        from ..settings import imported_referentials_dir

        target_dir = imported_referentials_dir()
    else:
        target_dir = Path(out_dir)
        target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "rome.json"
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # a temp file next to the target (same file system, so os.replace is atomic); mode 0666 & ~umask
    tmp = target_dir / f".rome.json.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    counts["seconds"] = round(time.perf_counter() - started, 3)
    counts["path"] = str(target)
    return counts
