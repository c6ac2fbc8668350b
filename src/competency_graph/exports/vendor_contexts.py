"""The JSON-LD contexts the badges name, served from ``vendor/`` (never fetched: see ``vendor/README.md``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["VENDOR", "CONTEXT_FILES", "context", "document_loader"]

VENDOR = Path(__file__).resolve().parent / "vendor"
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
}


@cache
def _read(name: str) -> str:
    return (VENDOR / name).read_text(encoding="utf-8")


def context(url: str) -> dict[str, Any]:
    """The vendored context document published at ``url`` (KeyError when it is not vendored)."""
    return json.loads(_read(CONTEXT_FILES[url]))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that answers from the vendored contexts and refuses anything else."""
    if url not in CONTEXT_FILES:
        from pyld.jsonld import JsonLdError

        raise JsonLdError(f"contexte JSON-LD non disponible hors ligne : {url}", "jsonld.LoadDocumentError",
                          {"url": url}, code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": context(url)}
