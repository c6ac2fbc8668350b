"""The proof dossier: a person's evidence grouped by competency, and adding a proof through the store.

Every read and write goes through the access guard (:func:`.accounts.guard_for`): checked and logged."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import BinaryIO

from ..store import EvidenceRecord
from ..store.validations import withdrawals
from .accounts import Identity, guard_for
from .context import Context

__all__ = ["dossier", "add_proof", "proof_file", "endorse", "CANDIDATE_KINDS", "ACCOMPANIST_KINDS"]

#: what a candidate can add themselves (photo of their work, a document, a few words about what they did)
CANDIDATE_KINDS = ("photo", "document", "observation")
ACCOMPANIST_KINDS = ("observation", "photo", "document", "video_link", "attestation")


def dossier(ctx: Context, person_id: str, *, identity: Identity | None = None
            ) -> dict[str | None, list[EvidenceRecord]]:
    """Evidence by item (None: attached to a positioning only), newest first within an item; withdrawn proofs
    (kept in the database for the audit) are not part of the dossier."""
    grouped: dict[str | None, list[EvidenceRecord]] = defaultdict(list)
    guard = guard_for(ctx, identity)
    records = guard.list_evidence(person_id)
    gone = withdrawals(ctx.repo, person_id) if records else {}
    for record in records:
        if record.id not in gone:
            grouped[record.item_id].append(record)
    for records in grouped.values():
        records.sort(key=lambda r: (r.evidence_date, r.created_at), reverse=True)
    return dict(grouped)


def add_proof(ctx: Context, identity: Identity, person_id: str, kind: str, title: str, *, item_id: str,
              description: str | None = None, content: bytes | BinaryIO | None = None,
              filename: str | None = None,
              url: str | None = None, rae_modality: str | None = None,
              evidence_date: dt.date | None = None) -> EvidenceRecord:
    """Add one proof (the person or their accompanist); the store checks kind, size and content type
    (``StoreError`` with nothing written)."""
    return guard_for(ctx, identity).add_evidence(
        person_id, kind, title, item_id=item_id, description=description or None, content=content,
        filename=filename, url=url or None, rae_modality=rae_modality, evidence_date=evidence_date,
    )


def proof_file(ctx: Context, evidence_id: str, *, identity: Identity | None = None) -> tuple[bytes, str]:
    """The file of a proof and its media type, when the reader may open its owner's record."""
    return guard_for(ctx, identity).evidence_file(evidence_id)


def endorse(ctx: Context, person_id: str, evidence_id: str, endorser_name: str, relation: str,
            statement: str | None = None, *, identity: Identity | None = None) -> None:
    """Someone who saw the work vouches for one of the person's proofs (recorded by their accompanist)."""
    guard_for(ctx, identity).endorse(person_id, evidence_id, endorser_name, relation, statement=statement or None)
