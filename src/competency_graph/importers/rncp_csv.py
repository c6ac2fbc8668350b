"""Reader of France compétences' CSV exports (tables joined on ``Numero_Fiche``; RNCP and RS fiches)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..messages import t
from ..model import Certification
from .rncp_fields import (
    _CSV_PROGRESS_EVERY,
    _DATE_IN_NAME,
    Progress,
    RncpImportError,
    _bloc,
    _certifier,
    _clean,
    _date,
    _fiche_ids,
    _formacodes,
    _level,
    _norm_fiche,
    _rome,
    _source,
    _source_title,
    _unique,
    _yes_no,
    repertoire,
)
from .rncp_text import _WS
from .rncp_valid import _validation_fr
from .rncp_xml import checked_zip

__all__ = ["iter_rncp_csv", "CSV_TABLES"]

#: table key → (file-name stem once normalised, columns required)
CSV_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "standard": ("standard", ("Numero_Fiche", "Intitule")),
    "blocs": ("blocs_de_competences", ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")),
    "rome": ("rome", ("Numero_Fiche", "Codes_Rome_Code")),
    "nsf": ("nsf", ("Numero_Fiche", "Nsf_Code")),
    "certificateurs": ("certificateurs", ("Numero_Fiche", "Nom_Certificateur")),
    "succession": ("ancienne_nouvelle_certification", ("Numero_Fiche",)),
    "voies": ("voixdacces", ("Numero_Fiche", "Si_Jury")),
    "formacode": ("formacode", ("Numero_Fiche", "Formacode_Code")),
}
_CSV_NAME = re.compile(r"^(?:export_fiches_csv_)?(?P<table>.+?)(?:_\d{4}_\d{2}_\d{2})?\.csv$")


def _table_key(name: str) -> str | None:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    match = _CSV_NAME.match(Path(plain).name)
    if not match:
        return None
    stem = match.group("table")
    for key, (wanted, _cols) in CSV_TABLES.items():
        if stem == wanted:
            return key
    return None


class _CsvSource:
    """The CSV tables of an export: a directory, a ``.zip`` or a list of files."""

    def __init__(self, source: Path | str | Iterable[Path | str]) -> None:
        self.archive: zipfile.ZipFile | None = None
        self.files: dict[str, Any] = {}
        if isinstance(source, (str, Path)):
            root = Path(source)
            self.origin = root
            if root.is_dir():
                candidates: list[Any] = sorted(root.iterdir())
            elif zipfile.is_zipfile(root):
                self.archive = zipfile.ZipFile(root)
                candidates = list(self.archive.infolist())
                checked_zip(self.archive, None, root)
            elif root.is_file():
                candidates = [root]
            else:
                raise RncpImportError(t("rncp.error.no_file_or_dir"), root)
        else:
            candidates = [Path(p) for p in source]
            self.origin = candidates[0].parent if candidates else Path(".")
        for candidate in candidates:
            name = candidate.filename if isinstance(candidate, zipfile.ZipInfo) else candidate.name
            key = _table_key(name)
            if key is not None:
                self.files[key] = candidate
        if "standard" not in self.files:
            raise RncpImportError(t("rncp.error.no_standard_table"), self.origin)

    def date(self) -> dt.date:
        """The export's date, from the name of the Standard table (or of the zip / directory), else today."""
        for name in (Path(self.name("standard")).name, Path(str(self.origin)).name):
            match = _DATE_IN_NAME.search(name)
            if match:
                try:
                    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                except ValueError:
                    continue
        return dt.date.today()

    def name(self, key: str) -> str:
        item = self.files[key]
        return item.filename if isinstance(item, zipfile.ZipInfo) else str(item)

    def rows(self, key: str, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """``(line, row)`` of a table; ``progress(line, lines)`` about every 2,000 rows and at the end."""
        item = self.files.get(key)
        if item is None:
            return
        raw = self.archive.read(item) if self.archive is not None else Path(item).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        del raw
        if progress is not None:
            yield from self._reported(key, text, progress)
            return
        yield from self._parse(key, text)

    def _parse(self, key: str, text: str) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
        missing = [c for c in CSV_TABLES[key][1] if c not in (reader.fieldnames or [])]
        if missing:
            raise RncpImportError(t("rncp.error.missing_columns", columns=", ".join(missing)), self.name(key), 1)
        try:
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        except csv.Error as exc:
            raise RncpImportError(t("rncp.error.bad_csv", error=exc), self.name(key), reader.line_num) from None

    def _reported(self, key: str, text: str, progress: Progress) -> Iterator[tuple[int, dict[str, str]]]:
        total = max(text.count("\n"), 1)
        next_report = _CSV_PROGRESS_EVERY
        for line, row in self._parse(key, text):
            yield line, row
            if line >= next_report:  # a quoted field may span lines: compare, do not test a modulo
                next_report = line + _CSV_PROGRESS_EVERY
                progress(min(line, total), total)
        progress(total, total)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def iter_rncp_csv(dir_or_files: Path | str | Iterable[Path | str],
                  progress: Progress | None = None) -> Iterator[Certification]:
    """The certifications of an RNCP CSV export: a directory, the ``.zip`` or a list of ``.csv`` files.

    The side tables are loaded first (keyed by ``Numero_Fiche``), then ``Standard`` is streamed. The CSV
    carries no competence lists: blocs have a label only. RS fiches (``RS6232``) are read like RNCP ones,
    with ``repertoire`` ``RS``. ``progress(line, lines)``
    follows the reading of the Standard table.
    """
    src = _CsvSource(dir_or_files)
    try:
        origin = src.origin
        date = src.date()
        title = _source_title(Path(str(origin)), "CSV")
        side: dict[str, dict[str, list[dict[str, str]]]] = {}
        for key in ("blocs", "rome", "nsf", "certificateurs", "succession", "voies", "formacode"):
            table: dict[str, list[dict[str, str]]] = {}
            for _line, row in src.rows(key):
                number = _norm_fiche(row.get("Numero_Fiche"))
                if number:
                    table.setdefault(number, []).append(row)
            side[key] = table
        seen_voies = side["voies"]
        for line, row in src.rows("standard", progress):
            raw_number = row.get("Numero_Fiche", "")
            number = _norm_fiche(raw_number)
            if number is None:
                raise RncpImportError(t("rncp.error.bad_number_csv", number=raw_number[:40]), src.name("standard"),
                                      line)
            label = _WS.sub(" ", row.get("Intitule", "")).strip()
            if not label:
                raise RncpImportError(t("rncp.error.no_label_csv", number=number), src.name("standard"), line)
            taken: set[str] = set()
            bloc_rows = sorted(side["blocs"].get(number, []), key=lambda r: r.get("Bloc_Competences_Code", ""))
            blocs = [_bloc(number, i, r.get("Bloc_Competences_Code"), r.get("Bloc_Competences_Libelle"), None, None,
                           taken, split=False) for i, r in enumerate(bloc_rows, 1)]
            succession = side["succession"].get(number, [])
            voies = seen_voies.get(number)
            partial = _yes_no(row.get("Validation_Partielle"))
            data = {
                "id": f"rncp:{number}",
                "repertoire": repertoire(number),
                "label": label,
                "provenance": "imported",
                "sources": [_source(number, title, date)],
                "abbrev": row.get("Abrege_Libelle") or None,
                "level": _level(row.get("Nomenclature_Europe_Niveau")),
                "vae_open": None if voies is None else any(
                    "experience" in unicodedata.normalize("NFKD", v.get("Si_Jury", "")).encode("ascii", "ignore")
                    .decode().lower() for v in voies),
                "partial_validation": partial if partial is not None else bool(blocs),
                "active": _yes_no(row.get("Actif")),
                "rome": _rome(r.get("Codes_Rome_Code") for r in side["rome"].get(number, [])),
                "nsf": _unique(r.get("Nsf_Code") for r in side["nsf"].get(number, [])),
                "certifiers": _unique(r.get("Nom_Certificateur") for r in side["certificateurs"].get(number, [])),
                "blocs": blocs,
                "replaces": _fiche_ids((r.get("Ancienne_Certification") for r in succession), number),
                "replaced_by": _fiche_ids((r.get("Nouvelle_Certification") for r in succession), number),
                "end_date": _date(row.get("Date_Fin_Enregistrement")),
                "registration_type": _clean(row.get("Type_Enregistrement")),
                "state": _clean(row.get("Etat_Fiche")),
                "decision_date": _date(row.get("Date_Decision")),
                "effect_date": _date(row.get("Date_Effet")),
                "publication_date": _date(row.get("Date_Publication") or row.get("Date_De_Publication")),
                "delivery_limit_date": _date(row.get("Date_Limite_Delivrance")),
                "certifier_details": [c for c in (_certifier(r.get("Nom_Certificateur"), r.get("Siret_Certificateur"),
                                                              r.get("Etat_Certificateur"))
                                                  for r in side["certificateurs"].get(number, [])) if c],
                "formacodes": _formacodes(r.get("Formacode_Code") for r in side["formacode"].get(number, [])),
            }
            try:
                yield Certification.model_validate(data)
            except ValidationError as exc:
                raise RncpImportError(t("rncp.error.bad_fiche", detail=_validation_fr(exc)), src.name("standard"),
                                      line) from None
    finally:
        src.close()

