"""Limits checked *before* a parser runs on a file that may be hostile: YAML size and nesting depth,
archive member sizes and compression ratios, the size of one element of the RNCP XML stream.

Each check refuses with a French message (``limits.*`` keys of the catalogue) and leaves nothing written.
Why before: libyaml's composer recurses in C (50,000 nested brackets crash the process, no exception to
catch), a few kilobytes of YAML aliases expand to millions of nodes, and a 3 MB zip can unpack to gigabytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable

import yaml

from .messages import t

__all__ = ["LimitExceeded", "MAX_YAML_BYTES", "MAX_YAML_DEPTH", "MAX_ZIP_MEMBER_BYTES", "MAX_ZIP_TOTAL_BYTES",
           "MAX_ZIP_RATIO", "MAX_XML_ELEMENT_BYTES", "yaml_events", "check_yaml", "check_zip",
           "check_element_bytes"]

#: a referential or profile file larger than this is refused unread
MAX_YAML_BYTES = 16 * 1024 * 1024
#: deeper nesting (mappings and sequences, block or flow) is refused before composing
MAX_YAML_DEPTH = 64
#: one member of an uploaded or imported archive (the full RNCP XML export is about 570 MB unzipped)
MAX_ZIP_MEMBER_BYTES = 1536 * 1024 * 1024
#: all the members read from one archive
MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
#: uncompressed / compressed size of a member above 1 MiB (XML and CSV compress about 10:1; a bomb 1000:1)
MAX_ZIP_RATIO = 100
#: one ``<FICHE>`` of the RNCP XML export (real ones are below 200 KB)
MAX_XML_ELEMENT_BYTES = 16 * 1024 * 1024

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


class LimitExceeded(ValueError):
    """A file refused by a limit; ``message_fr`` says which and what to do."""

    def __init__(self, message_fr: str) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr


def yaml_events(text: str, *, max_depth: int = MAX_YAML_DEPTH, max_bytes: int = MAX_YAML_BYTES) -> int:
    """The number of parse events of ``text`` (the parser's state machine does not recurse), raising
    :class:`LimitExceeded` as soon as the text is too large or nests deeper than ``max_depth``. Syntax
    errors are left to the real parse (0 is returned)."""
    if len(text) > max_bytes:
        raise LimitExceeded(t("limits.yaml_too_large", size=len(text) // (1024 * 1024),
                              limit=max_bytes // (1024 * 1024)))
    depth = events = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            events += 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > max_depth:
                    mark = event.start_mark
                    raise LimitExceeded(t("limits.yaml_too_deep", line=mark.line + 1, limit=max_depth))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return 0
    return events


def check_yaml(text: str) -> int:
    """Alias of :func:`yaml_events` with the default limits."""
    return yaml_events(text)


def check_zip(archive: zipfile.ZipFile, members: Iterable[zipfile.ZipInfo] | None = None, *,
              max_member: int = MAX_ZIP_MEMBER_BYTES, max_total: int = MAX_ZIP_TOTAL_BYTES,
              max_ratio: int = MAX_ZIP_RATIO) -> None:
    """Refuse an archive whose members (all, or ``members``) would unpack too large or with a zip-bomb
    ratio. The sizes are the declared ones: Python's reader stops at the declared size and fails on a
    member that lies about it (CRC error), so they bound what is read."""
    total = 0
    for member in archive.infolist() if members is None else members:
        if member.is_dir():
            continue
        size = member.file_size
        total += size
        if size > max_member:
            raise LimitExceeded(t("limits.zip_member_too_large", name=repr(member.filename),
                                  size=size // (1024 * 1024), limit=max_member // (1024 * 1024)))
        if size > 1024 * 1024 and size > max_ratio * max(member.compress_size, 1):
            raise LimitExceeded(t("limits.zip_ratio", name=repr(member.filename), ratio=max_ratio))
        if total > max_total:
            raise LimitExceeded(t("limits.zip_too_large", limit=max_total // (1024 * 1024)))


def check_element_bytes(size: int, what: str = "<FICHE>", *, limit: int = MAX_XML_ELEMENT_BYTES) -> None:
    """Refuse one element of a streamed document once it passes ``limit`` bytes (before it is built whole)."""
    if size > limit:
        raise LimitExceeded(t("limits.element_too_large", what=what, limit=limit // (1024 * 1024)))
