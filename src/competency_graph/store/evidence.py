"""Evidence: the proofs of the dossier, their files (stored by content hash) and endorsements."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .accounts import user_row
from .checks import MAX_NOTES_CHARS, check_choice, check_text, not_found
from .errors import StoreError
from .files import StagedFile
from .models import (
    ENDORSER_RELATIONS,
    EVIDENCE_KINDS,
    RAE_MODALITIES,
    Endorsement,
    Evidence,
    PositioningEvent,
    StoredFile,
)
from .people import person_row
from .positionings import require_catalog
from .records import EndorsementRecord, EvidenceRecord
from .unit import UnitOfWork

__all__ = ["evidence_owner", "evidence_record", "add_evidence", "endorse", "list_evidence", "orphan_files", "remove_orphan_files",
           "evidence_file"]

log = logging.getLogger("competency_graph.store")

def evidence_record(s: Session, row: Evidence) -> EvidenceRecord:
    stored = s.get(StoredFile, row.file_sha256) if row.file_sha256 else None
    endorsements = tuple(
        EndorsementRecord(e.id, e.evidence_id, e.endorser_name, e.relation, e.statement, e.endorsed_on)
        for e in s.scalars(select(Endorsement).where(Endorsement.evidence_id == row.id).order_by(
            Endorsement.endorsed_on, Endorsement.id))
    )
    return EvidenceRecord(
        row.id, row.person_id, row.item_id, row.positioning_id, row.kind, row.rae_modality, row.title,
        row.description, row.url, row.file_sha256, stored.media_type if stored else None,
        stored.size if stored else None, row.original_name, row.evidence_date, row.author_id, row.created_at,
        endorsements,
    )


def add_evidence(uow: UnitOfWork, person_id: str, kind: str, title: str, *, item_id: str | None = None,
                 positioning_id: int | None = None, rae_modality: str | None = None,
                 description: str | None = None, url: str | None = None,
                 content: bytes | BinaryIO | None = None, filename: str | None = None,
                 evidence_date: dt.date | None = None, author_id: str | None = None,
                 also: Callable[[], None] | None = None) -> EvidenceRecord:
    """Add a proof to the dossier: ``kind`` photo, document, video_link, observation, attestation or
    endorsement; attached to an item and/or a positioning; an optional file is checked (size, magic
    bytes) and stored by content hash; ``filename`` is kept as a label only."""
    check_choice(kind, EVIDENCE_KINDS, code="bad_evidence_kind")
    if rae_modality is not None:
        check_choice(rae_modality, RAE_MODALITIES, code="bad_rae_modality")
    title = check_text(title, 300, code="bad_title", field="title", required=True) or ""
    description = check_text(description, MAX_NOTES_CHARS, code="bad_description", field="description")
    filename = check_text(filename, 300, code="bad_filename", field="filename")
    if item_id is None and positioning_id is None:
        raise StoreError(code="evidence_unattached")
    if item_id is not None and not require_catalog(uow).has_item(item_id):
        raise StoreError(code="unknown_item", params={"item": item_id})
    if url is not None:
        url = url.strip()
        if not url.startswith(("https://", "http://")) or len(url) > 2000 or any(c.isspace() for c in url):
            raise StoreError(code="bad_url")
    if kind == "video_link" and url is None:
        raise StoreError(code="url_required")
    if kind == "photo" and content is None:
        raise StoreError(code="file_required")
    if kind == "observation" and not description:
        raise StoreError(code="description_required")
    day = evidence_date or dt.date.today()
    if day > dt.date.today() + dt.timedelta(days=1):
        raise StoreError(code="future_date")
    staged: StagedFile | None = uow.files.stage(content) if content is not None else None
    if staged is not None and kind == "photo" and not staged.media_type.startswith("image/"):
        uow.files.discard(staged)
        raise StoreError(code="file_type_refused")

    def write(s: Session) -> EvidenceRecord:
        person_row(s, person_id)
        if author_id is not None:
            user_row(s, author_id)
        if positioning_id is not None:
            event = s.get(PositioningEvent, positioning_id)
            if event is None or event.person_id != person_id:
                raise StoreError(code="bad_positioning")
        sha = None
        if staged is not None:
            if uow.files.commit(staged):
                created_file.append(staged.sha256)
            sha = staged.sha256
            if s.get(StoredFile, sha) is None:
                s.add(StoredFile(sha256=sha, size=staged.size, media_type=staged.media_type))
                s.flush()
        row = Evidence(person_id=person_id, item_id=item_id, positioning_id=positioning_id, kind=kind,
                       rae_modality=rae_modality, title=title, description=description, url=url,
                       file_sha256=sha, original_name=filename, evidence_date=day, author_id=author_id)
        s.add(row)
        s.flush()
        if also is not None:  # e.g. the audit entry: committed with the row or not at all
            also()
        log.info("evidence added id=%s kind=%s file=%s", row.id, kind, "yes" if sha else "no")
        return evidence_record(s, row)

    created_file: list[str] = []  # set when this call put the file in place (write may run several times)
    try:
        return uow.run(write, write=True)
    except BaseException as exc:
        if staged is not None:
            uow.files.discard(staged)
            # When the commit's outcome is unknown the row may exist: keep the file (an orphan at worst).
            unknown = isinstance(exc, StoreError) and exc.code == "database_commit_unknown"
            if created_file and not unknown:
                _drop_unreferenced_file(uow, staged.sha256)
        raise


def _drop_unreferenced_file(uow: UnitOfWork, sha256: str) -> None:
    """Remove a file this call just stored when the write that needed it failed, unless a row (committed
    by someone else meanwhile) uses it. One attempt: when the database is unreachable, nobody can have
    committed a row pointing to the file either."""
    try:
        with Session(uow.engine) as s:
            used = s.get(StoredFile, sha256) is not None
    except DBAPIError:
        used = False
    if not used:
        uow.files.delete(sha256)


def endorse(uow: UnitOfWork, evidence_id: str, endorser_name: str, relation: str, *, statement: str | None = None,
            endorsed_on: dt.date | None = None) -> EndorsementRecord:
    """Record that someone who saw the work (tutor, colleague, educator…) vouches for a proof."""
    endorser_name = check_text(endorser_name, 200, code="bad_name", field="name", required=True) or ""
    check_choice(relation, ENDORSER_RELATIONS, code="bad_relation")
    statement = check_text(statement, MAX_NOTES_CHARS, code="bad_statement", field="statement")

    def write(s: Session) -> EndorsementRecord:
        if s.get(Evidence, evidence_id) is None:
            raise not_found(evidence_id, code="unknown_evidence")
        row = Endorsement(evidence_id=evidence_id, endorser_name=endorser_name, relation=relation,
                          statement=statement, endorsed_on=endorsed_on or dt.date.today())
        s.add(row)
        s.flush()
        log.info("endorsement added id=%s evidence=%s relation=%s", row.id, evidence_id, relation)
        return EndorsementRecord(row.id, evidence_id, endorser_name, relation, statement, row.endorsed_on)

    return uow.run(write, write=True)


def list_evidence(uow: UnitOfWork, person_id: str, *, item_id: str | None = None) -> list[EvidenceRecord]:
    def read(s: Session) -> list[EvidenceRecord]:
        person_row(s, person_id)
        query = select(Evidence).where(Evidence.person_id == person_id)
        if item_id is not None:
            query = query.where(Evidence.item_id == item_id)
        rows = s.scalars(query.order_by(Evidence.evidence_date, Evidence.created_at, Evidence.id))
        return [evidence_record(s, r) for r in rows]

    return uow.run(read, write=False)


def orphan_files(uow: UnitOfWork, *, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[Path]:
    """Files in the store that no row points to (left when the database failed during a commit, or by a
    crash while uploading), untouched for ``older_than``: younger ones may belong to an upload in flight."""
    limit = time.time() - older_than.total_seconds()
    on_disk = uow.files.hashes()
    known = set(uow.run(lambda s: list(s.scalars(select(StoredFile.sha256))), write=False)) if on_disk else set()
    modified = {sha: uow.files.modified_at(sha) for sha in sorted(on_disk - known)}
    orphans = [uow.files.path(sha) for sha, at in modified.items() if at is not None and at < limit]
    for temp in uow.files.temp_files():
        try:
            if temp.stat().st_mtime < limit:
                orphans.append(temp)
        except FileNotFoundError:  # committed or discarded meanwhile
            pass
    return orphans


def remove_orphan_files(uow: UnitOfWork, *, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Delete what :func:`orphan_files` finds, checking each hash again just before; returns the count."""
    removed = 0
    for path in orphan_files(uow, older_than=older_than):
        if path.name.startswith(".upload-"):
            path.unlink(missing_ok=True)
        elif not uow.run(lambda s, sha=path.name: s.get(StoredFile, sha) is not None, write=False):
            uow.files.delete(path.name)
        else:
            continue
        removed += 1
    log.info("orphan files removed: %d", removed)
    return removed


def evidence_file(uow: UnitOfWork, evidence_id: str) -> tuple[bytes, str]:
    """The content and media type of a proof's file."""
    def read(s: Session) -> tuple[str, str]:
        row = s.get(Evidence, evidence_id)
        if row is None or row.file_sha256 is None:
            raise not_found(evidence_id, code="unknown_evidence_file")
        stored = s.get(StoredFile, row.file_sha256)
        return row.file_sha256, stored.media_type if stored else "application/octet-stream"

    sha, media_type = uow.run(read, write=False)
    return uow.files.read(sha), media_type


def evidence_owner(uow: UnitOfWork, evidence_id: str) -> str | None:
    """The id of the person whose dossier holds the proof (None when there is no such proof)."""
    return uow.read(lambda s: s.scalar(select(Evidence.person_id).where(Evidence.id == evidence_id)))
