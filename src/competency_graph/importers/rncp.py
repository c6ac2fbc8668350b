"""Import of France compétences' RNCP export (XML v4.1, or the CSV tables) as a ``certification-register``.

XML v4.1 (``export_fiches_RNCP_V4_1_<date>.xml``, ≈570 MB, ≈25,600 fiches) is read **streaming**, in chunks
of 64 KiB, by defusedxml's parser (DTDs refused, hence no entity declaration: no billion laughs, no external
entity; external references refused) whose expat handlers are wired straight to the C ``TreeBuilder`` (no
Python code per element; ≈2× the throughput of ``defusedxml.ElementTree.iterparse``). After each chunk the
complete ``<FICHE>`` children of the root are turned into :class:`Certification` objects, cleared and
deleted from the root, so memory stays flat whatever the file size. A ``.zip`` holding the XML is read
without unzipping it.

==================================================  ======================================================
XML                                                 model
==================================================  ======================================================
``NUMERO_FICHE`` (``RNCP34762``)                    ``id`` ``rncp:RNCP34762`` (required)
``INTITULE``                                        ``label`` (required)
``ABREGE/CODE`` (CAP, BTS, TP…)                     ``abbrev``
``NOMENCLATURE_EUROPE/NIVEAU`` (``NIV3``)           ``level`` 3
``CODES_ROME/ROME/CODE``                            ``rome`` ``rome:M1202``
``CODES_NSF/NSF/CODE``                              ``nsf``
``CERTIFICATEURS/CERTIFICATEUR/NOM_CERTIFICATEUR``  ``certifiers``
``SI_JURY_VAE/ACTIF`` (Oui/Non)                     ``vae_open``
``VALIDATION_PARTIELLE``                            ``partial_validation``; when absent (the v4.1 sample
                                                    has none): true when the fiche has blocs, which are
                                                    validable separately (Code du travail L6113-1)
``ACTIF`` (direct child of ``FICHE``)               ``active``
``PREREQUIS_ENTREE_FORMATION``                      ``entry_requirements``
``DATE_FIN_ENREGISTREMENT`` (dd/mm/yyyy)            ``end_date``
``ANCIENNES_/NOUVELLES_CERTIFICATIONS``             ``replaces`` / ``replaced_by``
``BLOCS_COMPETENCES/BLOC_COMPETENCES``              ``blocs``: ``CODE`` → ``rncp:RNCP34762BC01``,
                                                    ``LIBELLE`` → label, ``MODALITES_EVALUATION`` →
                                                    ``evaluation``, ``LISTE_COMPETENCES`` split by
                                                    :func:`split_competences` → competencies
                                                    ``rncp:RNCP34762BC01/C1``, ``/C2``…
==================================================  ======================================================

Formacodes are not imported: the model has no field for them yet.

The CSV export (``export_fiches_CSV_<Table>_<date>.csv``, ``;``-separated, joined on ``Numero_Fiche``) has
no competence lists: tables ``Standard`` (required), ``Blocs_De_Compétences``, ``Rome``, ``Nsf``,
``Certificateurs``, ``Ancienne_Nouvelle_Certification`` and ``VoixdAccès`` (``Si_Jury`` = ``Par expérience``
→ VAE) are read; RS fiches are skipped. Re-importing the CSV over an XML import keeps the competence lists,
evaluation and prerequisites the CSV does not carry.

:func:`import_rncp` writes ``rncp.json`` (a :class:`ReferentialFile`) one certification per line, merging
with the previous file by id (a new version of a fiche replaces the old one), through a temporary file
renamed at the end: any error raises :class:`RncpImportError` (French message naming the file and line) and
leaves the previous file untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pydantic_core
from pydantic import ValidationError

from ..gcpause import gc_paused
from ..messages import t
from ..model import Certification, Header, ReferentialFile, Source
from .rncp_csv import CSV_TABLES, _CsvSource, iter_rncp_csv
from .rncp_fields import (
    DATASET_URL,
    HEADER_ID,
    LICENCE,
    OUTPUT_NAME,
    Progress,
    RncpImportError,
    _export_date,
    _source_title,
)
from .rncp_text import split_competences, split_outline
from .rncp_xml import iter_rncp_xml, iter_rncp_xml_data

__all__ = [
    "RncpImportError",
    "split_competences",
    "split_outline",
    "iter_rncp_xml",
    "iter_rncp_csv",
    "import_rncp",
    "OUTPUT_NAME",
    "CSV_TABLES",
]

_MAX_SOURCES = 10  # header sources kept across re-imports

_ID_AT_START = re.compile(r'\{"id":"([^"\\]+)"')


def _is_csv(path: Path) -> bool:
    if path.is_dir() or path.suffix.lower() == ".csv":
        return True
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return not any(m.filename.lower().endswith(".xml") for m in archive.infolist())
    return False


class _Existing:
    """The previous ``rncp.json``: its header, and its certifications streamed line by line (the layout
    :func:`import_rncp` writes); any other layout is read whole through the model."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header: Header | None = None
        self._whole: ReferentialFile | None = None
        if not path.exists():
            return
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                first = fh.readline()
                second = fh.readline()
            if first.startswith('{"referential":') and second.strip() == '"certifications":[':
                self.header = Header.model_validate_json(first[len('{"referential":'):].rstrip().rstrip(","))
            else:
                self._whole = ReferentialFile.model_validate_json(path.read_bytes())
                self.header = self._whole.referential
        except (OSError, ValueError) as exc:
            raise RncpImportError(t("rncp.error.previous_unreadable", error=type(exc).__name__), path) from None

    def lines(self) -> Iterator[tuple[str, str]]:
        """``(id, json line without trailing comma)`` for each certification of the previous file."""
        if self.header is None:
            return
        if self._whole is not None:
            for cert in self._whole.certifications:
                yield cert.id, _dump(cert)
            return
        with open(self.path, encoding="utf-8", newline="") as fh:
            fh.readline()
            fh.readline()
            for n, line in enumerate(fh, 3):
                line = line.rstrip("\r\n").rstrip(",")
                if not line or line in ("]}", "]", "}"):
                    continue
                match = _ID_AT_START.match(line)
                if match is None:
                    raise RncpImportError(t("rncp.error.previous_corrupt"), self.path, n)
                yield match.group(1), line

    def load(self) -> dict[str, Certification]:
        out: dict[str, Certification] = {}
        for cert_id, line in self.lines():
            try:
                out[cert_id] = Certification.model_validate_json(line)
            except ValidationError:
                raise RncpImportError(t("rncp.error.previous_corrupt"), self.path) from None
        return out


def _dump(model: Any) -> str:
    return model.model_dump_json(by_alias=True, exclude_defaults=True)


def _complete_from(new: Certification, old: Certification | None) -> Certification:
    """A CSV fiche carries no competence list, evaluation nor prerequisites: keep the previous ones."""
    if old is None:
        return new
    old_blocs = {b.id: b for b in old.blocs}
    blocs = []
    for bloc in new.blocs:
        previous = old_blocs.get(bloc.id)
        if previous is not None and not bloc.competencies:
            bloc = bloc.model_copy(update={"competencies": previous.competencies,
                                           "evaluation": bloc.evaluation or previous.evaluation,
                                           "equivalences": bloc.equivalences or previous.equivalences})
        blocs.append(bloc)
    update: dict[str, Any] = {"blocs": blocs}
    if new.entry_requirements is None and old.entry_requirements is not None:
        update["entry_requirements"] = old.entry_requirements
    return new.model_copy(update=update)


def _header(date: dt.date, source: Source, previous: Header | None) -> Header:
    sources = [source]
    if previous is not None:
        sources += [s for s in previous.sources if (s.title, s.date) != (source.title, source.date)]
    return Header(
        id=HEADER_ID,
        version=date.isoformat(),
        kind="certification-register",
        title="RNCP — Répertoire national des certifications professionnelles (import France compétences)",
        publisher="France compétences",
        licence=LICENCE,
        provenance="imported",
        sources=sources[:_MAX_SOURCES],
        prefixes=["rncp"],
        description="Certifications, blocs de compétences et compétences importés de l'export open data "
                    "de France compétences (competency-graph import-rncp). Réimporter met à jour par id.",
    )


def import_rncp(path: Path | str, out_dir: Path | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Import an RNCP export (XML v4.1 file or zip; CSV directory, zip or file) into ``out_dir/rncp.json``.

    The file is merged with the previous ``rncp.json`` by id: a fiche of this export replaces its previous
    version, fiches absent from this export are kept. Returns the counts of this export
    ``{"certifications", "blocs", "competencies", "active", "vae_open", "updated", "created", "total"}``
    (``total``: certifications in the written file). Raises :class:`RncpImportError` and writes nothing on
    any error.
    """
    path = Path(path)
    if not path.exists():
        raise RncpImportError(t("rncp.error.no_file"), path)
    if out_dir is None:
        from .. import settings  # (only here: importing the settings costs more than a MB of import work)

        out_dir = settings.imported_referentials_dir()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_NAME
    existing = _Existing(target)
    csv_mode = _is_csv(path)
    if csv_mode:
        certs: Iterator[tuple[Certification, dict[str, Any] | None]] = (
            (cert, None) for cert in iter_rncp_csv(path, progress))
        probe = _CsvSource(path)
        date = probe.date()
        probe.close()
        kind = "CSV"
        old_full = existing.load() if existing.header is not None else {}
    else:
        certs = iter_rncp_xml_data(path, progress, shallow=True)  # competencies counted, not modelled
        date = _export_date(path)
        kind = "XML v4.1"
        old_full = {}
    source = Source(title=_source_title(path, kind), url=DATASET_URL, date=date)
    header = _header(date, source, existing.header)

    stats: dict[str, tuple[int, int, bool, bool]] = {}
    occurrences: dict[str, int] = {}
    fd, tmp_name = tempfile.mkstemp(prefix=".rncp-", suffix=".json.tmp", dir=out_dir)
    tmp = Path(tmp_name)
    to_json = Certification.__pydantic_serializer__.to_json  # model_dump_json's bytes, not decoded
    try:
        with os.fdopen(fd, "wb") as out, gc_paused():  # a stream of acyclic objects, freed by refcount
            out.write(b'{"referential":' + _dump(header).encode() + b",\n")
            out.write(b'"certifications":[\n')
            first = True
            for cert, data in certs:
                if csv_mode:
                    cert = _complete_from(cert, old_full.get(cert.id))
                n_blocs = len(cert.blocs)
                n_comps = sum(len(b.competencies) for b in cert.blocs)
                stats[cert.id] = (n_blocs, n_comps, bool(cert.active), bool(cert.vae_open))
                occurrences[cert.id] = occurrences.get(cert.id, 0) + 1
                if not first:
                    out.write(b",\n")
                # XML: the validated data, already without defaults, in the model's order (same bytes)
                out.write(to_json(cert, by_alias=True, exclude_defaults=True) if data is None else _data_json(data))
                first = False
            del old_full
        if any(count > 1 for count in occurrences.values()):
            _keep_last_occurrences(tmp, occurrences)
        old_ids: set[str] = set()
        with open(tmp, "a", encoding="utf-8", newline="\n") as out:
            for cert_id, line in existing.lines():
                old_ids.add(cert_id)
                if cert_id in stats:
                    continue
                out.write(("" if first else ",\n") + line)
                first = False
                occurrences[cert_id] = 1
            out.write("\n]}\n")
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    values = stats.values()
    return {
        "certifications": len(stats),
        "blocs": sum(v[0] for v in values),
        "competencies": sum(v[1] for v in values),
        "active": sum(1 for v in values if v[2]),
        "vae_open": sum(1 for v in values if v[3]),
        "updated": sum(1 for cert_id in stats if cert_id in old_ids),
        "created": sum(1 for cert_id in stats if cert_id not in old_ids),
        "total": len(occurrences),
    }


def _data_json(data: dict[str, Any]) -> bytes:
    """``pydantic_core.to_json(data)``, by orjson: the same bytes on these dicts (str, int, bool, date, lists and
    dicts; ``tests/importers/test_rncp_json.py``) in half the time. What orjson refuses goes to pydantic's encoder,
    which decides as before (a lone surrogate, which XML cannot carry, is refused by both)."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return pydantic_core.to_json(data)


def _keep_last_occurrences(tmp: Path, occurrences: dict[str, int]) -> None:
    """The export held the same fiche twice: keep its last version only (rare; one more pass)."""
    remaining = dict(occurrences)
    fd, other_name = tempfile.mkstemp(prefix=".rncp-", suffix=".json.tmp", dir=tmp.parent)
    other = Path(other_name)
    try:
        with open(tmp, encoding="utf-8", newline="") as src, os.fdopen(fd, "w", encoding="utf-8", newline="\n") as dst:
            dst.write(src.readline())
            dst.write(src.readline())
            first = True
            for line in src:
                line = line.rstrip("\r\n").rstrip(",")
                match = _ID_AT_START.match(line)
                if match is None:
                    continue
                cert_id = match.group(1)
                remaining[cert_id] -= 1
                if remaining[cert_id] == 0:
                    dst.write(("" if first else ",\n") + line)
                    first = False
        os.replace(other, tmp)
    except BaseException:
        other.unlink(missing_ok=True)
        raise
