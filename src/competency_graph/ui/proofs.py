"""Showing a proof's file without ever breaking the page: a stored file that is missing, truncated, not what
its type says, or too big to decode is shown as "fichier illisible" with its name, and the page goes on.

Upload-time checks (decoding, pixel cap, re-encoding) belong to the store; this is the rendering side: old
files, files restored from a backup, or anything that slipped through.
"""

from __future__ import annotations

import io
import logging
import warnings

import streamlit as st

from ..services import evidence
from ..services.context import Context
from ..store import EvidenceRecord
from .formats import md_escape
from .i18n import t

__all__ = ["IMAGES", "MAX_PIXELS", "readable_image", "show_file"]

log = logging.getLogger("competency_graph.app")
IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp")
#: beyond this many pixels an image is not decoded for display (a decompression bomb would stall the page)
MAX_PIXELS = 40_000_000


def readable_image(content: bytes) -> bool:
    """True when Pillow can fully decode ``content`` as an image of at most :data:`MAX_PIXELS` pixels."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with Streamlit
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # DecompressionBombWarning becomes an error
            with Image.open(io.BytesIO(content)) as probe:
                width, height = probe.size
                if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                    return False
                probe.verify()  # structure and checksums
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # the pixels themselves (a truncated file fails here)
        return True
    except Exception:  # noqa: BLE001 - any decoding failure means "unreadable", never a broken page
        return False


def _unreadable(record: EvidenceRecord) -> None:
    st.warning(t("proof.unreadable", name=md_escape(record.original_name or record.title)))
    log.info("unreadable proof file shown as such")


def show_file(ctx: Context, record: EvidenceRecord, *, width: int = 220, download_key: str | None = None) -> None:
    """The proof's picture (when it is one and decodes) and, with ``download_key``, a download button; an
    unreadable file is named, never rendered."""
    if not record.file_sha256:
        return
    try:
        content, media_type = evidence.proof_file(ctx, record.id)
    except (OSError, ValueError) as error:  # missing on disk, unreadable: the page goes on
        log.info("proof file could not be read (%s)", type(error).__name__)
        _unreadable(record)
        return
    if media_type in IMAGES:
        if not readable_image(content):
            _unreadable(record)
            return
        try:
            st.image(content, width=width, alt=record.title)
        except Exception:  # noqa: BLE001 - whatever the image library says, the page stays up
            _unreadable(record)
            return
    if download_key is not None:
        st.download_button(t("evidence.open_file"), content, file_name=f"preuve-{record.id[:8]}",
                           mime=media_type, key=download_key)
