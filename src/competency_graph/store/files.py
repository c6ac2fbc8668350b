"""The evidence file store: files named by the SHA-256 of their content, checked by size and magic bytes.

Uploaded names are never used as paths. An upload (bytes, or a binary file object such as Streamlit's
``UploadedFile``) is first *staged*: a declared ``size`` over the limit is refused before reading anything;
otherwise the content is read in chunks of 64 KiB (never with an unbounded ``read()``) into a temporary file
while hashing, and refused as soon as its first bytes are not an accepted type or as soon as it passes the
size limit: at most the limit plus one byte is ever read. It is then *committed* into
``<root>/ab/cd/<sha256>`` by an atomic rename. Images are decoded and re-encoded when staged
(:mod:`.images`): a file that only looks like an image is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import StoreError

__all__ = ["FileStore", "StagedFile", "sniff_media_type", "ACCEPTED_MEDIA_TYPES", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_CHUNK = 64 * 1024
_HEAD = 64
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")

_FTYP_BRANDS = {
    b"heic": "image/heic", b"heix": "image/heic", b"hevc": "image/heic", b"heim": "image/heic",
    b"mif1": "image/heif", b"msf1": "image/heif",
    b"isom": "video/mp4", b"iso2": "video/mp4", b"mp41": "video/mp4", b"mp42": "video/mp4", b"avc1": "video/mp4",
    b"M4V ": "video/mp4", b"qt  ": "video/quicktime", b"M4A ": "audio/mp4",
}

ACCEPTED_MEDIA_TYPES = frozenset({
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif",
    "application/pdf", "video/mp4", "video/quicktime", "video/webm", "audio/mp4", "audio/mpeg", "audio/ogg",
})


def sniff_media_type(head: bytes) -> str | None:
    """The media type announced by a file's first bytes (None when not one we accept)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12])
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return None


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


@dataclass(frozen=True)
class StagedFile:
    """An upload that passed the checks, waiting in a temporary file to be committed."""

    sha256: str
    size: int
    media_type: str
    temp_path: Path


class FileStore:
    """Content-addressed files under ``root`` with a size limit and a set of accepted media types."""

    def __init__(self, root: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 accepted: Iterable[str] = ACCEPTED_MEDIA_TYPES) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.accepted = frozenset(accepted)

    def path(self, sha256: str) -> Path:
        """Where the file of that hash lives (the hash is checked, so it cannot escape ``root``)."""
        if not _SHA_RE.match(sha256):
            raise StoreError(code="bad_file_hash")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def _too_large(self) -> StoreError:
        return StoreError(code="file_too_large", params={"mib": _mib(self.max_bytes)})

    def _media_type(self, head: bytes) -> str:
        media_type = sniff_media_type(head)
        if media_type is None or media_type not in self.accepted:
            raise StoreError(code="file_type_refused", message="file_type_refused.type")
        return media_type

    def _check_declared_size(self, content: BinaryIO) -> None:
        # Refuse a huge upload before reading it when its size is known (Streamlit's UploadedFile, real files).
        size = getattr(content, "size", None)
        if size is None:
            try:
                here = content.tell()
                size = content.seek(0, os.SEEK_END) - here
                content.seek(here)
            except (AttributeError, OSError, ValueError):
                return
        if isinstance(size, int) and size > self.max_bytes:
            raise self._too_large()

    def _bounded_chunks(self, stream: BinaryIO) -> Iterator[bytes]:
        """Chunks of ``stream`` up to ``max_bytes + 1`` bytes in all: one byte past the limit proves it too large."""
        remaining = self.max_bytes + 1
        while remaining > 0:
            chunk = stream.read(min(_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

    def stage(self, content: bytes | BinaryIO) -> StagedFile:
        """Check and copy ``content`` to a temporary file; raises :class:`StoreError` (nothing kept) when
        it is empty, too large or not an accepted type."""
        if isinstance(content, (bytes, bytearray, memoryview)):
            data = bytes(content)
            if len(data) > self.max_bytes:
                raise self._too_large()
            chunks: Iterable[bytes] = (data[i:i + _CHUNK] for i in range(0, len(data), _CHUNK))
        else:
            self._check_declared_size(content)
            chunks = self._bounded_chunks(content)
        self.root.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=".upload-", dir=self.root)
        temp_path = Path(temp_name)
        digest = hashlib.sha256()
        size = 0
        head = b""
        media_type: str | None = None
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    if not isinstance(chunk, (bytes, bytearray)):
                        raise StoreError(code="file_type_refused", message="file_type_refused.binary")
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise self._too_large()
                    if media_type is None:
                        head += chunk[: _HEAD - len(head)]
                        if len(head) >= _HEAD:  # the type is known from the first bytes: refuse before reading on
                            media_type = self._media_type(head)
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise StoreError(code="empty_file")
            if media_type is None:  # a file shorter than the sniffed head
                media_type = self._media_type(head)
            if media_type.startswith("image/"):
                return self._reencoded(temp_path, media_type)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return StagedFile(digest.hexdigest(), size, media_type, temp_path)

    @staticmethod
    def _reencoded(temp_path: Path, media_type: str) -> StagedFile:
        """An image staged as Pillow decoded and re-encoded it (see :mod:`.images`): what is stored is
        known to display, without metadata."""
        from .images import normalise_image

        data, media_type = normalise_image(temp_path.read_bytes(), media_type)
        temp_path.write_bytes(data)
        return StagedFile(hashlib.sha256(data).hexdigest(), len(data), media_type, temp_path)

    def commit(self, staged: StagedFile) -> bool:
        """Move a staged file to its content address (idempotent: same content, same place). True when this
        call created the file (so a caller whose database write then fails may remove it again)."""
        target = self.path(staged.sha256)
        if target.exists():
            staged.temp_path.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        if staged.temp_path.exists():
            os.replace(staged.temp_path, target)
            return True
        return False

    def discard(self, staged: StagedFile) -> None:
        staged.temp_path.unlink(missing_ok=True)

    def delete(self, sha256: str) -> None:
        """Remove a file (for erasure; the caller checks no evidence still points to it)."""
        self.path(sha256).unlink(missing_ok=True)

    def hashes(self) -> set[str]:
        """Every hash present on disk (to find orphans)."""
        return {p.name for p in self.root.glob("??/??/*") if _SHA_RE.match(p.name)}

    def modified_at(self, sha256: str) -> float | None:
        """When the file of that hash was last written (epoch seconds; None when absent)."""
        try:
            return self.path(sha256).stat().st_mtime
        except FileNotFoundError:
            return None

    def temp_files(self) -> list[Path]:
        """Uploads staged but never committed nor discarded (left by a crash)."""
        return sorted(self.root.glob(".upload-*")) if self.root.is_dir() else []
