"""Identifiers of the graph (DOMAIN.md §10) and the one function that mints IRIs from them.

An id is ``prefix:local`` (``rectec:C01``, ``rae:ouvrier-paysagiste/A1``, ``rncp:RNCP38386BC01``).
IRIs are minted from ids only, never from labels, so they stay stable when a label is reworded.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["BASE_IRI", "ID_PATTERN", "is_valid_id", "split_id", "mint_iri", "level_iri", "scheme_iri", "id_from_iri"]

BASE_IRI = "https://w3id.org/competency-graph/id/"
VOCAB_IRI = "https://w3id.org/competency-graph/vocab#"

ID_PATTERN = r"^[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9._/-]*$"
_ID_RE = re.compile(ID_PATTERN)

# Registries whose items may be referenced before they are imported (ROME bundle, RNCP export).
EXTERNAL_PREFIXES = frozenset({"rome", "rome-ogr", "esco"})
# Registries whose own IRIs we link to (a mapping must name the consumer's concept, not a copy of ours).
EXTERNAL_BASES = {"esco": "http://data.europa.eu/esco/"}


def is_valid_id(value: str) -> bool:
    """True when ``value`` has the ``prefix:local`` shape of DOMAIN.md §10.

    >>> is_valid_id("rae:agent-de-restauration/A2"), is_valid_id("no prefix")
    (True, False)
    """
    return bool(_ID_RE.match(value))


def split_id(item_id: str) -> tuple[str, str]:
    """Return ``(prefix, local)``; raises ValueError on a malformed id.

    >>> split_id("rncp:RNCP38386")
    ('rncp', 'RNCP38386')
    """
    if not is_valid_id(item_id):
        raise ValueError(f"malformed id: {item_id!r}")
    prefix, local = item_id.split(":", 1)
    return prefix, local


def mint_iri(item_id: str) -> str:
    """The IRI of an item, minted from its id alone.

    >>> mint_iri("rectec:C01")
    'https://w3id.org/competency-graph/id/rectec/C01'
    """
    prefix, local = split_id(item_id)
    if prefix in EXTERNAL_BASES:  # esco:occupation/<uuid> -> http://data.europa.eu/esco/occupation/<uuid>
        return f"{EXTERNAL_BASES[prefix]}{quote(local, safe='/._-')}"
    return f"{BASE_IRI}{prefix}/{quote(local, safe='/._-')}"


def level_iri(item_id: str, rank: int) -> str:
    """The IRI of one graded level (e.g. a RECTEC circle) of an item.

    >>> level_iri("rectec:C01", 2)
    'https://w3id.org/competency-graph/id/rectec/C01/level/2'
    """
    return f"{mint_iri(item_id)}/level/{int(rank)}"


def scheme_iri(referential_id: str, version: str | None) -> str:
    """The IRI of one version of a referential (a ``skos:ConceptScheme``); without ``version``, the stable IRI
    of a register that is re-imported in place (RNCP, ROME: the import date is ``owl:versionInfo`` only).

    >>> scheme_iri("rncp-import", None)
    'https://w3id.org/competency-graph/id/scheme/rncp-import'
    """
    if version is None:
        return f"{BASE_IRI}scheme/{quote(referential_id, safe='-')}"
    return f"{BASE_IRI}scheme/{quote(referential_id, safe='-')}/{quote(str(version), safe='.-')}"


def id_from_iri(iri: str) -> str | None:
    """Inverse of :func:`mint_iri` for item IRIs (levels and schemes give None).

    >>> id_from_iri(mint_iri("rectec:C01")), id_from_iri(level_iri("rectec:C01", 2))
    ('rectec:C01', None)
    """
    for prefix, base in EXTERNAL_BASES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base):]}"
    if not iri.startswith(BASE_IRI):
        return None
    rest = iri[len(BASE_IRI):]
    if rest.startswith("scheme/") or "/level/" in rest:
        return None
    prefix, _, local = rest.partition("/")
    return f"{prefix}:{local}" if local else None
