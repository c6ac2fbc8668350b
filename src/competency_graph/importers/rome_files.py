"""Reading the ROME 4.0 CSV files: locating a table, decoding it, parsing its rows with progress."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path

from ..messages import t

__all__ = ["RomeImportError", "find_table"]

Progress = Callable[[int, int], None]
_PROGRESS_EVERY = 16384


#: the ROME 4.0 tables read, and the columns kept of each
TABLES: dict[str, tuple[str, ...]] = {
    "referentiel_code_rome": ("code_rome", "libelle_rome"),
    "referentiel_competence": ("code_ogr", "nature", "libelle_competence", "cat_comp", "sous_cat_comp"),
    "referentiel_savoir": ("code_ogr_savoir", "libelle_savoir", "categorie_savoir", "sous_categorie_savoir"),
    "coherence_item": ("code_rome", "code_ogr", "coeur_metier"),
    "liens_rome_referentiels": ("code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"),
    "rubrique_mobilite": ("code_rome", "code_rome_cible"),
}


class RomeImportError(Exception):
    """The ROME bundle cannot be imported: a file is missing or malformed. ``str()`` is a French message."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        if self.path is not None:
            where = t("import.error.at_line", file=self.path, line=line) if line else self.path
            message = t("import.error.where", where=where, message=message)
        super().__init__(message)


# --------------------------------------------------------------------------------------------------- files


def _version_key(path: Path) -> tuple[int, str]:
    match = re.search(r"_v(\d+)_utf8\.csv$", path.name)
    return (int(match.group(1)) if match else -1, path.name)


def find_table(directory: Path | str, table: str) -> Path:
    """The ``unix_<table>_v*_utf8.csv`` file of ``directory`` (the highest version when several)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RomeImportError(t("rome.error.no_dir"), directory)
    pattern = f"unix_{table}_v*_utf8.csv"
    # glob's '*' would also match 'unix_referentiel_code_rome_riasec_v460' for table 'referentiel_code_rome'
    # only if the pattern allowed it; it does not ('_v' must follow the table name), but check the name anyway.
    exact = re.compile(rf"unix_{re.escape(table)}_v[0-9A-Za-z]+_utf8\.csv\Z")
    found = sorted((p for p in directory.glob(pattern) if exact.match(p.name)), key=_version_key)
    if not found:
        raise RomeImportError(t("rome.error.no_table", pattern=pattern), directory)
    return found[-1]


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RomeImportError(t("rome.error.unreadable", error=exc.strerror or exc), path) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RomeImportError(t("rome.error.not_utf8"), path, line) from exc
    return text[1:] if text.startswith("\ufeff") else text


class _Table:
    """One CSV file of the bundle, read whole (a few MB) and parsed row by row."""

    def __init__(self, directory: Path, name: str) -> None:
        self.name = name
        self.path = find_table(directory, name)
        self.text = _read_text(self.path)
        self.lines = self.text.count("\n") or 1

    def error(self, message: str, line: int | None) -> RomeImportError:
        return RomeImportError(message, self.path, line)

    def rows(self, counter: _Counter) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(line, (wanted columns…))`` for every data row; the line is where the row ends."""
        columns = TABLES[self.name]
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        self.text = ""  # the reader holds its own buffer; let the string go as soon as possible
        try:
            header = next(reader, None)
            if not header:
                raise self.error(t("rome.error.empty"), 1)
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header]
            if missing:
                raise self.error(t("rome.error.missing_columns", columns=", ".join(missing)), 1)
            width = len(header)
            pick = itemgetter(*(header.index(c) for c in columns))
            base = counter.done
            next_report = _PROGRESS_EVERY
            for row in reader:
                if len(row) != width:
                    if not row:  # blank line
                        continue
                    raise self.error(t("rome.error.bad_row", count=len(row), width=width), reader.line_num)
                yield reader.line_num, pick(row)
                if reader.line_num >= next_report:
                    next_report = reader.line_num + _PROGRESS_EVERY
                    counter.report(base + reader.line_num)
        except csv.Error as exc:
            raise self.error(t("rome.error.bad_csv", error=exc), reader.line_num or 1) from exc
        counter.report(base + self.lines)


class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress

    def report(self, done: int) -> None:
        self.done = min(done, self.total)
        if self.progress is not None:
            self.progress(self.done, self.total)
