"""Badge images: the achievement's picture (SVG and PNG) and the "baked" badge that carries its signed
credential (Open Badges 3.0 §5.3 "Baking": a PNG ``iTXt`` chunk keyed ``openbadgecredential``, or an SVG
``<openbadges:credential>`` element holding the JSON in CDATA).
"""

from __future__ import annotations

import base64
import io
import json
import textwrap
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["badge_svg", "badge_png", "bake_png", "bake_svg", "unbake_png", "unbake_svg", "data_uri",
           "PNG_KEYWORD", "SVG_NS"]

PNG_KEYWORD = "openbadgecredential"
SVG_NS = "https://purl.imsglobal.org/ob/v3p0"
_INK = "#1d3557"  # dark blue: white text on it is 11.8:1
_SIZE = 400


def _lines(title: str, width: int = 18, most: int = 4) -> list[str]:
    lines = textwrap.wrap(title, width) or [title]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def badge_svg(title: str, subtitle: str = "", colour: str = _INK) -> str:
    """A round badge naming the achievement (accessible: ``role="img"`` and a ``<title>``)."""
    lines = _lines(title)
    top = 200 - 14 * (len(lines) - 1)
    texts = "".join(
        f'<text x="200" y="{top + 30 * i}" font-size="26" text-anchor="middle" fill="#ffffff" '
        f'font-family="DejaVu Sans, sans-serif">{escape(line)}</text>' for i, line in enumerate(lines))
    sub = (f'<text x="200" y="{top + 30 * len(lines) + 12}" font-size="20" text-anchor="middle" fill="#ffffff" '
           f'font-family="DejaVu Sans, sans-serif">{escape(subtitle)}</text>') if subtitle else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SIZE}" height="{_SIZE}" viewBox="0 0 400 400" '
            f'role="img" aria-labelledby="t"><title id="t">{escape(title)}</title>'
            f'<circle cx="200" cy="200" r="190" fill="{escape(colour)}"/>'
            f'<circle cx="200" cy="200" r="172" fill="none" stroke="#ffffff" stroke-width="6"/>'
            f"{texts}{sub}</svg>")


def badge_png(title: str, subtitle: str = "", colour: str = _INK) -> bytes:
    """The same badge drawn as a 400×400 PNG (Pillow, DejaVu Sans when installed)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGBA", (_SIZE, _SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((10, 10, 390, 390), fill=colour)
    draw.ellipse((28, 28, 372, 372), outline="#ffffff", width=6)

    def font(size: int) -> Any:
        for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
            try:
                return ImageFont.truetype(name, size)
            except OSError:
                continue
        return ImageFont.load_default(size)

    lines = _lines(title)
    top = 200 - 14 * (len(lines) - 1)
    for i, line in enumerate(lines):
        draw.text((200, top + 30 * i), line, fill="#ffffff", font=font(26), anchor="ms")
    if subtitle:
        draw.text((200, top + 30 * len(lines) + 12), subtitle, fill="#ffffff", font=font(20), anchor="ms")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,…``: the image travels inside the credential (no hosting needed)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def bake_png(png: bytes, credential: dict[str, Any]) -> bytes:
    """The PNG with the signed credential in an uncompressed ``iTXt`` chunk ``openbadgecredential``."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    img = Image.open(io.BytesIO(png))
    info = PngInfo()
    info.add_itxt(PNG_KEYWORD, json.dumps(credential, ensure_ascii=False), zip=False)
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def unbake_png(png: bytes) -> dict[str, Any] | None:
    """The credential baked into a PNG, or None."""
    from PIL import Image

    img = Image.open(io.BytesIO(png))
    img.load()
    text = getattr(img, "text", {}).get(PNG_KEYWORD)
    return json.loads(text) if text else None


def bake_svg(svg: str, credential: dict[str, Any]) -> str:
    """The SVG with ``xmlns:openbadges`` and an ``<openbadges:credential>`` holding the JSON in CDATA."""
    payload = json.dumps(credential, ensure_ascii=False).replace("]]>", "]]]]><![CDATA[>")
    head, _, rest = svg.partition(">")
    return (f'{head} xmlns:openbadges="{SVG_NS}"><openbadges:credential><![CDATA[{payload}]]>'
            f"</openbadges:credential>{rest}")


def unbake_svg(svg: str) -> dict[str, Any] | None:
    """The credential baked into an SVG, or None (parsed with defusedxml)."""
    import defusedxml.ElementTree as DET

    root = DET.fromstring(svg)
    node = root.find(f"{{{SVG_NS}}}credential")
    return json.loads(node.text) if node is not None and node.text else None
