"""The referentials of the admin page: importing RNCP exports and ROME 4.0 bundles (uploaded or found in the data
directory; each import is checked with the other referentials before it is published); the explorer (browse,
search, neighbours, validation, SPARQL) lives in :mod:`.referential_explorer` and is re-exported here."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits, settings
from ..loader import check_paths
from .accounts import Identity
from .referential_explorer import (
    Neighbour,
    ReferentialEntry,
    fold,
    neighbours,
    referential_entries,
    search_items,
    sparql_select,
    validate_referentials,
)

__all__ = ["ReferentialEntry", "Neighbour", "referential_entries", "search_items", "neighbours", "validate_referentials", "sparql_select", "fold", "ImportRefused", "ImportSummary", "Upload", "import_rncp_upload", "import_rncp_path",
           "import_rome_upload", "import_rome_folder", "rome_folders", "rncp_exports", "ImportedFile",
           "imported_files", "data_dir", "shown_path", "Progress", "MAX_UNZIPPED_BYTES"]

log = logging.getLogger("competency_graph.app")

Progress = Callable[[float, str], None]
"""``progress(share, stage)``: share of the work done (0–1) and the stage (``unzip``, ``read_rncp``,
``read_rome``, ``check``, ``done``; the page words them), for a progress bar."""

#: share of the bar given to reading the export; the rest is the check of the referentials with the new file
_READ_SHARE = 0.85
#: an uploaded zip is refused when its members would unpack to more than this (zip bomb)
MAX_UNZIPPED_BYTES = 1 << 30
_ROME_MARKER = "unix_referentiel_code_rome_v*_utf8.csv"
_RNCP_SUFFIXES = (".xml", ".zip", ".csv")
_LOCK = threading.Lock()  # one import at a time in this process: both write the same directory


class ImportRefused(Exception):
    """An import was refused or failed; nothing was written. ``code`` names the reason (the page shows
    ``t("admin.import.error.<code>", **params)``); ``params["detail"]``, when present, is the importer's own
    French message (file and line); ``problems`` are the loader's errors, for an ``invalid_result``."""

    def __init__(self, code: str, problems: Sequence[str] = (), **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Upload:
    """A file received from the browser: its name as sent and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    """``rncp`` or ``rome``."""
    source: str
    """What was imported, as the admin named it (file or folder name)."""
    counts: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    """Warnings of the referential check with the new file (e.g. links to shipped items it replaced)."""


def _require_admin(identity: Identity | None) -> None:
    if identity is None or identity.role != "admin":
        log.warning("referential import refused: role %s", identity.role if identity else None)
        raise ImportRefused("not_admin")


def _safe_name(name: str, default: str) -> str:
    """The last component of a browser-sent name, without anything that could leave a directory."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return "".join(c for c in base if c.isalnum() or c in "._- ") or default


@contextmanager
def _staging() -> Iterator[Path]:
    """A private temporary directory in the data directory (same file system as the imported files)."""
    path = Path(tempfile.mkdtemp(prefix=".import-", dir=settings.data_dir()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _copy_previous(name: str, staging: Path) -> None:
    """The current imported file (if any) into ``staging``: the importer merges with it."""
    current = settings.imported_referentials_dir() / name
    if current.exists():
        try:
            os.link(current, staging / name)
        except OSError:
            shutil.copy2(current, staging / name)


def _check_and_publish(written: Path, progress: Progress | None) -> int:
    """Load the referentials as the app will with ``written`` in place; publish it only when nothing is wrong.

    Returns the number of warnings. Raises :class:`ImportRefused` (and publishes nothing) on any error.
    """
    if progress is not None:
        progress(_READ_SHARE, "check")
    imported = settings.imported_referentials_dir()
    shipped = [p for p in settings.referential_dirs() if p.resolve() != imported.resolve() and p.exists()]
    with _staging() as view:
        for other in imported.iterdir():
            if other.is_file() and other.name != written.name and not other.name.startswith("."):
                try:
                    os.link(other, view / other.name)
                except OSError:
                    shutil.copy2(other, view / other.name)
        os.link(written, view / written.name)
        bundle, problems = check_paths([*shipped, view])
    errors = [p for p in problems if p.severity == "error"]
    if bundle is None or errors:
        log.error("imported referential refused by the loader: %d error(s)", len(errors))
        raise ImportRefused("invalid_result", problems=[str(p) for p in errors[:5]])
    target = imported / written.name
    os.replace(written, target)
    if progress is not None:
        progress(1.0, "done")
    return len(problems)


def _reader_progress(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(_READ_SHARE * (done / total if total else 1.0), stage)

    return report


def import_rncp_upload(identity: Identity | None, files: Sequence[Upload],
                       progress: Progress | None = None) -> ImportSummary:
    """Import an RNCP export sent from the browser: one XML v4.1 file (or its zip), the CSV zip, or the CSV
    tables. The file is merged with the previous import, checked with every referential, then published;
    a malformed file raises :class:`ImportRefused` with the importer's French message and publishes nothing."""
    from ..importers.rncp import OUTPUT_NAME

    _require_admin(identity)
    if not files:
        raise ImportRefused("no_file")
    names = [_safe_name(f.name, f"export-{i}") for i, f in enumerate(files)]
    if any(not n.lower().endswith(_RNCP_SUFFIXES) for n in names):
        raise ImportRefused("rncp_format")
    if len(files) > 1 and not all(n.lower().endswith(".csv") for n in names):
        raise ImportRefused("many_files")
    with _LOCK, _staging() as staging:
        received = staging / "received"
        received.mkdir()
        paths = []
        for name, upload in zip(names, files, strict=True):
            path = received / name
            path.write_bytes(upload.data)
            paths.append(path)
        out = staging / "out"
        out.mkdir()
        _copy_previous(OUTPUT_NAME, out)
        source = received if len(paths) > 1 else paths[0]
        counts, warnings = _import_rncp_into(source, out, progress)
    log.info("RNCP import: %d certification(s)", counts.get("certifications", 0))
    return ImportSummary("rncp", ", ".join(names), counts, warnings)


def _import_rncp_into(source: Path, out: Path, progress: Progress | None) -> tuple[dict, list]:
    """Read an RNCP export into the staging folder ``out``, then check it with every referential and publish."""
    from ..importers.rncp import OUTPUT_NAME, RncpImportError, import_rncp

    try:
        counts = import_rncp(source, out, progress=_reader_progress(progress, "read_rncp"))
    except RncpImportError as exc:
        log.info("RNCP import refused: %s", type(exc).__name__)
        raise ImportRefused("refused", detail=str(exc)) from None
    return counts, _check_and_publish(out / OUTPUT_NAME, progress)


def import_rncp_path(identity: Identity | None, path: str | Path,
                     progress: Progress | None = None) -> ImportSummary:
    """Import an RNCP export already on the server (XML, zip, or a CSV folder) **inside the data directory**:
    the full XML export (≈570 MB) is too big to upload through the browser."""
    from ..importers.rncp import OUTPUT_NAME

    _require_admin(identity)
    source = _inside_data_dir(path, files=True)
    with _LOCK, _staging() as out:
        _copy_previous(OUTPUT_NAME, out)
        counts, warnings = _import_rncp_into(source, out, progress)
    log.info("RNCP import: %d certification(s)", counts.get("certifications", 0))
    return ImportSummary("rncp", source.name, counts, warnings)


def rncp_exports() -> list[Path]:
    """RNCP exports found in the data directory (``*.xml``/``*.zip`` whose name mentions RNCP), two levels
    down at most."""
    root = settings.data_dir()
    found = {p for pattern in ("*", "*/*", "*/*/*") for p in root.glob(pattern)
             if p.is_file() and p.suffix.lower() in (".xml", ".zip") and "rncp" in p.name.lower()
             and not any(part.startswith(".") for part in p.relative_to(root).parts)}
    return sorted(found)


def rome_folders() -> list[Path]:
    """Folders of the data directory holding a ROME 4.0 CSV bundle (where an admin may copy one)."""
    root = settings.data_dir()
    found = {p.parent for pattern in (_ROME_MARKER, f"*/{_ROME_MARKER}", f"*/*/{_ROME_MARKER}")
             for p in root.glob(pattern)  # two levels down at most: the data directory also holds evidence
             if not any(part.startswith(".") for part in p.relative_to(root).parts)}
    return sorted(found)


def _inside_data_dir(folder: str | Path, *, files: bool = False) -> Path:
    """``folder`` (absolute, or relative to the data directory) once every symbolic link is resolved, when it
    lies inside the data directory; a folder, or with ``files`` a file too."""
    root = settings.data_dir().resolve()
    raw = Path(str(folder).strip()).expanduser()
    path = (raw if raw.is_absolute() else root / raw).resolve()
    if path != root and root not in path.parents:
        raise ImportRefused("outside_data_dir", data_dir=str(root))
    if not (path.is_dir() or (files and path.is_file())):
        raise ImportRefused("not_found")
    return path


def _import_rome_dir(directory: Path, source: str, progress: Progress | None) -> ImportSummary:
    from ..importers.rome import RomeImportError, import_rome

    with _staging() as out:
        try:
            counts = import_rome(directory, out, progress=_reader_progress(progress, "read_rome"))
        except RomeImportError as exc:
            log.info("ROME import refused: %s", type(exc).__name__)
            message = exc.message if exc.path is None else f"{Path(exc.path).name}" + (
                f", ligne {exc.line}" if exc.line else "") + f" : {exc.message}"
            raise ImportRefused("refused", detail=message) from None
        counts = {k: v for k, v in counts.items() if isinstance(v, int)}
        warnings = _check_and_publish(out / "rome.json", progress)
    log.info("ROME import: %d job(s)", counts.get("jobs", 0))
    return ImportSummary("rome", source, counts, warnings)


def import_rome_folder(identity: Identity | None, folder: str | Path,
                       progress: Progress | None = None) -> ImportSummary:
    """Import the ROME 4.0 bundle of a folder **inside the data directory** (a path outside it is refused)."""
    _require_admin(identity)
    directory = _inside_data_dir(folder)
    with _LOCK:
        return _import_rome_dir(directory, directory.name, progress)


def _unzip_rome(data: bytes, into: Path) -> None:
    """Extract the ``unix_*_utf8.csv`` tables and ``version.txt`` of a zip, flattened (no paths kept)."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused("not_a_zip") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()
                   and (Path(m.filename).name.startswith("unix_") and m.filename.endswith("_utf8.csv")
                        or Path(m.filename).name == "version.txt")]
        if not members:
            raise ImportRefused("zip_without_rome")
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise ImportRefused("zip_too_big")
        try:  # security round 2: each member's size and compression ratio too
            limits.check_zip(archive, members)
        except limits.LimitExceeded as exc:
            raise ImportRefused("refused", detail=exc.message_fr) from None
        for member in members:
            target = into / _safe_name(Path(member.filename).name, "table.csv")
            try:
                with archive.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ImportRefused("zip_damaged", detail=type(exc).__name__) from None


def import_rome_upload(identity: Identity | None, upload: Upload,
                       progress: Progress | None = None) -> ImportSummary:
    """Import a ROME 4.0 bundle sent as a zip of its CSV files (only the ``unix_*_utf8.csv`` tables are read)."""
    _require_admin(identity)
    name = _safe_name(upload.name, "rome.zip")
    if not name.lower().endswith(".zip"):
        raise ImportRefused("rome_format")
    with _LOCK, _staging() as staging:
        if progress is not None:
            progress(0.0, "unzip")
        _unzip_rome(upload.data, staging)
        return _import_rome_dir(staging, name, progress)


@dataclass(frozen=True)
class ImportedFile:
    name: str
    size: int
    modified: dt.datetime


def imported_files() -> list[ImportedFile]:
    """The referential files written by imports (``rncp.json``, ``rome.json``…), for the admin page."""
    folder = settings.imported_referentials_dir()
    return [ImportedFile(p.name, p.stat().st_size, dt.datetime.fromtimestamp(p.stat().st_mtime))
            for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]


def data_dir() -> Path:
    """The data directory, where server-side imports must lie."""
    return settings.data_dir()


def shown_path(path: Path) -> str:
    """A path of the data directory as the admin reads it (relative to that directory)."""
    try:
        return str(Path(path).resolve().relative_to(settings.data_dir().resolve()))
    except ValueError:
        return str(path)
