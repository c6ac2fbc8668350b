"""Hostile uploads: a 100 MB file is refused without being read in full, and a refused upload leaves nothing."""

from __future__ import annotations

import io
import os
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

from competency_graph.store import Repository, StoreError
from competency_graph.store import evidence as store_evidence
from competency_graph.store.files import DEFAULT_MAX_BYTES, FileStore
from competency_graph.store.models import Evidence, StoredFile

from .conftest import PNG

ROOT = Path(__file__).resolve().parents[2]
HUNDRED_MB = 100 * 1024 * 1024
CHUNK = 64 * 1024


class CountingReader(io.RawIOBase):
    """A binary stream over a file that counts the bytes handed out and hides its size (no seek, no
    ``size``), as a network stream would: the store cannot know the size before reading."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self.bytes_read = 0
        self.unbounded_reads = 0
        self.largest_request = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            self.unbounded_reads += 1
        else:
            self.largest_request = max(self.largest_request, size)
        data = self._file.read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer: Any) -> int:  # pragma: no cover - the store calls read()
        raise AssertionError("unexpected readinto")

    def close(self) -> None:
        self._file.close()
        super().close()


@pytest.fixture
def sparse_pdf(tmp_path: Path) -> Iterator[Path]:
    """A 100 MB file that starts like a PDF (sparse: it takes almost no disk space)."""
    path = tmp_path / "big.pdf"
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n" + b"%" * 100)
        out.truncate(HUNDRED_MB)
    yield path


def _nothing_stored(repo: Repository) -> None:
    with repo.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(Evidence)).scalar() == 0
        assert c.execute(select(func.count()).select_from(StoredFile)).scalar() == 0
    root = repo.files.root
    assert not root.exists() or [p for p in root.rglob("*") if p.is_file()] == []  # no file, no temp file


def _add(repo: Repository, content: Any) -> Any:
    return repo.add_evidence("own", "document", "Attestation de stage", item_id="rectec:C01", content=content,
                             filename="../../etc/passwd")


def test_a_100_mb_stream_is_refused_after_reading_at_most_the_limit_plus_one_byte(
        repo: Repository, world: dict[str, str], sparse_pdf: Path) -> None:
    stream = CountingReader(sparse_pdf)
    with pytest.raises(StoreError) as info:
        _add(repo, stream)
    stream.close()
    assert info.value.code == "file_too_large" and "20 Mo" in info.value.message_fr
    assert stream.unbounded_reads == 0 and stream.largest_request <= CHUNK
    assert stream.bytes_read == repo.files.max_bytes + 1  # one byte past the limit, in bounded chunks
    _nothing_stored(repo)


def test_a_100_mb_file_with_a_known_size_is_refused_before_reading(
        repo: Repository, world: dict[str, str], sparse_pdf: Path) -> None:
    with sparse_pdf.open("rb") as handle:
        with pytest.raises(StoreError) as info:
            _add(repo, handle)
        assert handle.tell() == 0  # not one byte read
    assert info.value.code == "file_too_large"
    _nothing_stored(repo)


def test_streamlit_declared_size_is_trusted_to_refuse_but_never_to_accept(
        repo: Repository, world: dict[str, str]) -> None:
    upload = UploadedFile(UploadedFileRec("f1", "photo.png", "image/png", PNG), None)  # type: ignore[arg-type]
    upload.size = HUNDRED_MB  # what the browser announced
    with pytest.raises(StoreError) as info:
        _add(repo, upload)
    assert info.value.code == "file_too_large" and upload.tell() == 0
    # A size announced too small does not let a big file through: the count of bytes read decides.
    small = FileStore(repo.files.root, max_bytes=1024)
    record = UploadedFileRec("f2", "x.png", "image/png", PNG + b"\x00" * 4096)
    liar = UploadedFile(record, None)  # type: ignore[arg-type]
    liar.size = 10
    with pytest.raises(StoreError) as info:
        small.stage(liar)
    assert info.value.code == "file_too_large"
    _nothing_stored(repo)


def test_a_wrong_type_is_refused_on_the_first_chunk(repo: Repository, world: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "disguised.pdf"
    with path.open("wb") as out:
        out.write(b"MZ\x90\x00" + b"\x00" * 60)  # a Windows executable named .pdf
        out.truncate(10 * 1024 * 1024)
    stream = CountingReader(path)
    with pytest.raises(StoreError) as info:
        _add(repo, stream)
    stream.close()
    assert info.value.code == "file_type_refused"
    assert stream.bytes_read <= CHUNK
    _nothing_stored(repo)


def test_a_text_mode_stream_is_refused_not_looped_on(repo: Repository, world: dict[str, str]) -> None:
    with pytest.raises(StoreError) as info:
        _add(repo, io.StringIO("%PDF-1.7 but as text"))
    assert info.value.code == "file_type_refused"
    _nothing_stored(repo)


def test_uploaded_file_bytes_and_stream_give_the_same_stored_file(repo: Repository, world: dict[str, str]) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 300
    upload = UploadedFile(UploadedFileRec("f3", "cv.pdf", "application/pdf", pdf), None)  # type: ignore[arg-type]
    from_stream = _add(repo, upload)
    from_bytes = _add(repo, pdf)
    assert from_stream.file_sha256 == from_bytes.file_sha256
    assert from_stream.media_type == "application/pdf" and from_stream.size == len(pdf)
    assert from_stream.original_name == "../../etc/passwd"  # kept as a label only
    assert repo.evidence_file(from_stream.id) == (pdf, "application/pdf")
    assert repo.files.hashes() == {from_stream.file_sha256}


def test_a_failed_database_write_removes_the_file_it_stored(repo: Repository, world: dict[str, str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("database went away after the file was stored")
    monkeypatch.setattr(store_evidence, "evidence_record", broken)
    with pytest.raises(RuntimeError):
        _add(repo, io.BytesIO(PNG))
    _nothing_stored(repo)


def test_a_failed_write_keeps_a_file_another_proof_uses(repo: Repository, world: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    first = _add(repo, PNG)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom")
    monkeypatch.setattr(store_evidence, "evidence_record", broken)
    with pytest.raises(RuntimeError):
        _add(repo, io.BytesIO(PNG))
    monkeypatch.undo()
    assert repo.evidence_file(first.id)[0] == PNG


def test_streamlit_refuses_in_the_browser_what_the_store_would_refuse() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # Streamlit counts maxUploadSize in MiB (x 1024 x 1024).
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == DEFAULT_MAX_BYTES


def _age(path: Path, hours: float) -> None:
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_orphan_files_are_found_and_removed_but_not_recent_or_used_ones(repo: Repository,
                                                                        world: dict[str, str]) -> None:
    used = _add(repo, PNG)
    used_path = repo.files.path(used.file_sha256)  # type: ignore[arg-type]
    _age(used_path, 5)
    staged = repo.files.stage(b"%PDF-1.4 left behind by a database outage")
    repo.files.commit(staged)  # on disk, but no row: what a failed commit leaves
    orphan = repo.files.path(staged.sha256)
    _age(orphan, 5)
    fresh = repo.files.stage(b"%PDF-1.4 an upload still in flight")
    repo.files.commit(fresh)
    crashed = repo.files.stage(b"%PDF-1.4 staged, then the process died")  # a temporary .upload- file
    _age(crashed.temp_path, 5)

    assert repo.orphan_files() == [orphan, crashed.temp_path]
    assert repo.remove_orphan_files() == 2
    assert not orphan.exists() and not crashed.temp_path.exists()
    assert used_path.exists() and repo.files.exists(fresh.sha256)
    assert repo.evidence_file(used.id)[0] == PNG
