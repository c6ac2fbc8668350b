"""Streaming reader of France compétences' XML v4.1 exports (RNCP and Répertoire spécifique)."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from pydantic import ValidationError

from .. import limits
from ..messages import t
from ..model import Certification
from .rncp_fields import _PROGRESS_EVERY, Progress, RncpImportError, _export_date, _source_title
from .rncp_map import fiche_data
from .rncp_valid import _validation_fr, validated

__all__ = ["iter_rncp_xml", "iter_rncp_xml_data"]

#: expat's English messages -> their French text in the catalogue (``rncp.xml.*``)
_EXPAT_FR = {message: t(f"rncp.xml.{key}") for message, key in (
    ("no element found", "no_element"), ("unclosed token", "unclosed_token"), ("mismatched tag", "mismatched_tag"),
    ("not well-formed (invalid token)", "not_well_formed"), ("junk after document element", "junk_after_root"),
    ("syntax error", "syntax_error"), ("undefined entity", "undefined_entity"),
    ("unknown encoding", "unknown_encoding"), ("duplicate attribute", "duplicate_attribute"),
    ("unbound prefix", "unbound_prefix"), ("XML or text declaration not at start of entity", "misplaced_declaration"),
    ("incomplete markup in parameter entity", "incomplete_markup"),
    ("encoding specified in XML declaration is incorrect", "wrong_declared_encoding"))}


class _Parser(DET.DefusedXMLParser):  # type: ignore[misc]
    """defusedxml's parser — DTDs refused (so no entity declaration: no billion laughs, no external entity),
    external references refused — with expat wired straight to the C ``TreeBuilder``.

    The pure-Python ``XMLParser`` that defusedxml needs (to reach expat's handlers) runs three Python calls
    per element; here expat calls the C tree builder directly (start, end, text), so no Python code runs
    per element: complete fiches are picked from the root between two chunks (every child of the root but
    the last is complete, since a sibling starts only once the previous one has ended).
    """

    def __init__(self) -> None:
        target = TreeBuilder()
        super().__init__(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.root: Element | None = None
        self.root_line = 1
        expat = self.parser
        expat.ordered_attributes = False  # attributes as a dict, as TreeBuilder.start wants them
        expat.EndElementHandler = target.end

        def first_start(tag: str, attrs: dict[str, str]) -> Element:
            self.root = target.start(tag, attrs)
            self.root_line = expat.CurrentLineNumber
            expat.StartElementHandler = target.start  # from now on, no Python code per element
            return self.root

        expat.StartElementHandler = first_start

    @property
    def line(self) -> int:
        try:
            return int(self.parser.CurrentLineNumber)
        except Exception:  # pragma: no cover - parser already closed
            return 0


_CHUNK = 64 * 1024  # parse CPU on the 60 MB bench file: 0.32 s in 64 KiB chunks, 0.35 s in 256 KiB ones
_FICHE_TAG = re.compile(rb"<FICHE[\s/>]")


def _open_xml(path: Path) -> tuple[IO[bytes], int, Any]:
    """Open the XML (or the single ``.xml`` member of a ``.zip``): ``(stream, size, closer)``."""
    try:
        if zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".xml")]
            if len(members) != 1:
                archive.close()
                raise RncpImportError(t("rncp.error.zip_xml_count", count=len(members)), path)
            checked_zip(archive, members, path)
            stream = archive.open(members[0])
            return stream, members[0].file_size, archive
        stream = open(path, "rb")
        return stream, os.fstat(stream.fileno()).st_size, None
    except RncpImportError:
        raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise RncpImportError(t("rncp.error.unreadable", error=exc.strerror or exc), path) from exc


def checked_zip(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo] | None, path: Path) -> None:
    """Security round 2: sizes and ratios of the archive's members (``limits``) before anything is read."""
    try:
        limits.check_zip(archive, members)
    except limits.LimitExceeded as exc:
        archive.close()
        raise RncpImportError(exc.message_fr, path) from None


def iter_rncp_xml(path: Path | str, progress: Progress | None = None) -> Iterator[Certification]:
    """Stream the certifications of an RNCP XML v4.1 export (``.xml``, or a ``.zip`` holding it).

    ``progress(bytes_read, total_bytes)`` is called about once per MiB. Raises :class:`RncpImportError` on a
    file that cannot be read, is not well-formed, declares a DTD, has another root than ``<FICHES>``, or
    holds a fiche without a valid ``NUMERO_FICHE`` or ``INTITULE``. Certifications already yielded stay
    valid; :func:`import_rncp` writes nothing in that case.
    """
    for cert, _data in iter_rncp_xml_data(path, progress):
        yield cert


def iter_rncp_xml_data(path: Path | str, progress: Progress | None = None, *, shallow: bool = False
                       ) -> Iterator[tuple[Certification, dict[str, Any]]]:
    """:func:`iter_rncp_xml`, each certification with the data it was validated from: that dict holds the
    fields not at their default, in the model's order, so ``pydantic_core.to_json(data)`` is the model's
    ``to_json(exclude_defaults=True)`` without a second traversal of the model.

    ``shallow`` (for :func:`import_rncp`, which writes the data): the competencies of the blocs stay the
    dicts of ``data`` in the certification, not models; the same fiches are refused with the same errors
    (:func:`~.rncp_fields.validated`)."""
    path = Path(path)
    stream, total, closer = _open_xml(path)
    title = _source_title(path, "XML v4.1")
    date = _export_date(path)
    parser = _Parser()
    done = reported = 0
    ordinal = 0  # fiches read so far, to locate a bad one
    boundary = 0  # bytes fed when the last complete fiche was taken off the tree

    def fiches(keep_last: bool) -> Iterator[Certification]:
        nonlocal ordinal, boundary
        root = parser.root
        if root is None:
            return
        if root.tag != "FICHES":
            raise RncpImportError(t("rncp.error.bad_root", tag=root.tag), path, parser.root_line)
        complete = root[:-1] if keep_last else root[:]
        if not complete:
            return
        del root[: len(complete)]  # memory stays flat: what was read is dropped from the tree
        boundary = done
        for elem in complete:
            if elem.tag != "FICHE":
                continue
            ordinal += 1
            try:
                data = fiche_data(elem, title, date)
                cert = validated(data, shallow)
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                detail = _validation_fr(exc) if isinstance(exc, ValidationError) else str(exc)
                raise RncpImportError(t("rncp.error.bad_fiche", detail=detail), path, _fiche_line(path, ordinal)) from None
            elem.clear()
            yield cert, data

    try:
        try:
            while True:
                data = stream.read(_CHUNK)
                if not data:
                    break
                parser.feed(data)
                done += len(data)
                if progress is not None and done - reported >= _PROGRESS_EVERY:
                    reported = done
                    progress(done, max(total, done))
                yield from fiches(keep_last=True)
                limits.check_element_bytes(done - boundary)  # one giant fiche would be built whole in memory
            parser.close()
            yield from fiches(keep_last=False)
            if ordinal == 0:
                raise RncpImportError(t("rncp.error.no_fiche"), path)
            if progress is not None:
                progress(done, max(total, done))
        except ParseError as exc:
            line, column = getattr(exc, "position", (None, None))
            message = str(exc).split(":", 1)[0].strip()
            french = _EXPAT_FR.get(message, message)
            raise RncpImportError(t("rncp.error.xml_at_column", error=french, column=column), path, line) from None
        except limits.LimitExceeded as exc:
            raise RncpImportError(exc.message_fr, path, parser.line) from None
        except DefusedXmlException as exc:
            raise RncpImportError(t("rncp.error.dtd", error=type(exc).__name__), path, parser.line) from None
        except (LookupError, UnicodeError) as exc:
            raise RncpImportError(t("rncp.error.bad_encoding", error=exc), path, parser.line) from None
        except ValueError as exc:  # expat: "multi-byte encodings are not supported" (UTF-7, Shift_JIS, UTF-32…)
            raise RncpImportError(t("rncp.error.unsupported_encoding", error=exc), path, parser.line) from None
        except (OSError, EOFError, zipfile.BadZipFile) as exc:
            raise RncpImportError(t("rncp.error.unreadable", error=exc), path) from None
    finally:
        stream.close()
        if closer is not None:
            closer.close()


def _fiche_line(path: Path, ordinal: int) -> int | None:
    """Line of the ``ordinal``-th ``<FICHE>`` tag (1-based), found by a second pass over the file: the
    streaming pass does not track lines, and this is only needed to report an error."""
    try:
        stream, _total, closer = _open_xml(path)
    except RncpImportError:
        return None
    try:
        seen = 0
        base = 1  # line number at the start of buf
        tail = b""  # the last 6 bytes of the previous buffer: a tag cut in two is found whole once
        while True:
            data = stream.read(_CHUNK)
            if not data:
                return None
            buf = tail + data
            for match in _FICHE_TAG.finditer(buf):
                seen += 1
                if seen == ordinal:
                    return base + buf.count(b"\n", 0, match.start())
            cut = max(len(buf) - 6, 0)
            base += buf.count(b"\n", 0, cut)
            tail = buf[cut:]
    except (OSError, EOFError, zipfile.BadZipFile):
        return None
    finally:
        stream.close()
        if closer is not None:
            closer.close()

