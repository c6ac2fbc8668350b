"""Uploaded images are decoded with Pillow and re-encoded before they are stored.

Magic bytes only say what a file claims to be: a 198-byte "PNG" passed that check and then broke every
page showing it. Here an image is stored only when Pillow decodes all of it, its pixel count is checked
from the header *before* decoding (a 12,000 × 12,000 PNG of a few kilobytes would need half a gigabyte),
and what is stored is a fresh encoding: no EXIF (GPS position, camera serial), no comments, no trailing
bytes, turned upright, at most :data:`MAX_SIDE` pixels on its longer side. The same upload always gives the
same bytes, so identical proofs still share one file.

HEIC/HEIF (an iPhone's default photo format, which browsers do not show) is decoded with ``pi-heif`` (libheif
and libde265, decoder only) and stored as JPEG, with the same checks.
"""

from __future__ import annotations

import io
import warnings

from .errors import StoreError

__all__ = ["MAX_PIXELS", "MAX_SIDE", "DECODED_TYPES", "normalise_image"]

#: refused above this many pixels (header checked before decoding): 50 MP, above any phone photo
MAX_PIXELS = 50_000_000
#: stored at most this many pixels on the longer side (enough to read a document on a photo)
MAX_SIDE = 3200
#: image type -> the format it is stored in (HEIC/HEIF as JPEG: browsers do not show HEIC)
DECODED_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "PNG", "image/webp": "WEBP",
                 "image/heic": "JPEG", "image/heif": "JPEG"}
_HEIF_TYPES = {"image/heic", "image/heif"}
_OUTPUT_TYPE = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def _unreadable(message: str | None = None) -> StoreError:
    return StoreError(code="image_unreadable", message=message)


def normalise_image(data: bytes, media_type: str) -> tuple[bytes, str]:
    """The re-encoded image and its media type; :class:`StoreError` when it does not decode, is too large
    in pixels, or is of a type that is not decoded here."""
    from PIL import Image, ImageOps

    target = DECODED_TYPES.get(media_type)
    if target is None:
        raise _unreadable()
    formats = _heif_formats() if media_type in _HEIF_TYPES else None
    with warnings.catch_warnings():
        # Our own pixel cap (below Pillow's) is checked right after the header is read.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=formats) as image:
                if image.width * image.height > MAX_PIXELS or image.width <= 0 or image.height <= 0:
                    raise StoreError(code="image_too_large", message="image_too_large.sized",
                                     params={"width": image.width, "height": image.height,
                                             "millions": MAX_PIXELS // 1_000_000})
                image.load()  # decodes every byte: a truncated or forged file fails here, not on a page
                upright = ImageOps.exif_transpose(image)
                if target == "JPEG" or upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    upright = upright.convert("RGBA" if target != "JPEG" and "A" in upright.mode else "RGB")
                if max(upright.size) > MAX_SIDE:
                    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 85, "method": 4},
                           "PNG": {"optimize": False}}[target]
                # Pillow writes a JPEG comment (COM) from the image's own info: only the colour profile and a
                # palette's transparent index are kept, so no comment (a name, an address) survives; no
                # exif=, no pnginfo=: metadata dropped
                upright.info = {k: v for k, v in upright.info.items() if k in ("icc_profile", "transparency")}
                upright.save(out, format=target, **options)
        except StoreError:
            raise
        except Image.DecompressionBombError:
            raise StoreError(code="image_too_large", params={"millions": MAX_PIXELS // 1_000_000}) from None
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError, RuntimeError):
            # (pi-heif raises RuntimeError on some damaged HEIF boxes)
            raise _unreadable(message="image_unreadable.heic" if media_type in _HEIF_TYPES else None) from None
    return out.getvalue(), _OUTPUT_TYPE[target]


def _heif_formats() -> tuple[str, ...]:
    """Let Pillow open HEIC/HEIF (idempotent; a clear refusal when the decoder is not installed); the formats
    to try, in order: Pillow's own AVIF plugin first, so an AV1 image in a HEIF container (brand ``mif1``,
    which pi-heif cannot decode) is always decoded, whatever the process registered before."""
    from PIL import Image

    try:
        from pi_heif import register_heif_opener
    except ImportError:  # pragma: no cover - pi-heif is a dependency; a trimmed install may lack it
        raise _unreadable(message="image_unreadable.heic") from None
    Image.init()
    register_heif_opener()
    return tuple(name for name in ("AVIF", "HEIF") if name in Image.OPEN)
