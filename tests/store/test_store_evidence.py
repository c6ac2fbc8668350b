"""Evidence: files by content hash, size and magic-byte checks, endorsements; refused files change nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from competency_graph.store import FileStore, Repository, StoreError
from competency_graph.store.demo import _tiny_png
from competency_graph.store.files import sniff_media_type

PNG = _tiny_png()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _files_on_disk(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_photo_is_stored_once_by_content_hash(repo: Repository, people: dict[str, str]) -> None:
    first = repo.add_evidence("pa", "photo", "Palette", item_id="rectec:C01", content=PNG, filename="../../etc/x.png",
                              rae_modality="montrer", author_id="acc")
    second = repo.add_evidence("pb", "photo", "Même photo", item_id="rectec:C01", content=io.BytesIO(PNG))
    # The image is decoded and re-encoded when stored (no metadata): the same upload gives the same file.
    assert first.file_sha256 == second.file_sha256 and first.media_type == "image/png"
    stored = _files_on_disk(repo.files.root)
    assert [p.name for p in stored] == [first.file_sha256]
    assert stored[0].relative_to(repo.files.root).parts[:2] == (first.file_sha256[:2], first.file_sha256[2:4])
    assert first.original_name == "../../etc/x.png"  # kept as a label, never used as a path
    content, media_type = repo.evidence_file(first.id)
    assert media_type == "image/png" and len(content) == first.size
    with Image.open(io.BytesIO(content)) as shown, Image.open(io.BytesIO(PNG)) as sent:
        assert shown.size == sent.size and list(shown.convert("RGB").getdata()) == list(sent.convert("RGB").getdata())


def test_evidence_attached_to_a_positioning_with_an_endorsement(repo: Repository, people: dict[str, str]) -> None:
    event = repo.record_positioning("pa", "rectec:C03", role="accompanist", level=2, author_id="acc")
    proof = repo.add_evidence("pa", "observation", "Travail en équipe", positioning_id=event.id,
                              description="Vu en atelier.", rae_modality="expliquer", author_id="acc")
    repo.endorse(proof.id, "Tuteur X", "tutor", statement="Je confirme.")
    listed = repo.list_evidence("pa")
    assert [(e.positioning_id, e.kind, [(n.relation, n.endorser_name) for n in e.endorsements]) for e in listed] == [
        (event.id, "observation", [("tutor", "Tuteur X")])]


def test_a_video_link_and_a_pdf_attestation(repo: Repository, people: dict[str, str]) -> None:
    video = repo.add_evidence("pa", "video_link", "Vidéo", item_id="rectec:C04", url="https://example.org/v")
    attestation = repo.add_evidence("pa", "attestation", "Attestation RAE", item_id="rectec:C04", content=PDF)
    assert video.url == "https://example.org/v" and attestation.media_type == "application/pdf"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "photo", "content": PDF}, "file_type_refused"),
        ({"kind": "document", "content": b"MZ\x90\x00 windows executable"}, "file_type_refused"),
        ({"kind": "document", "content": b"<html><script>alert(1)</script></html>"}, "file_type_refused"),
        ({"kind": "document", "content": b""}, "empty_file"),
        ({"kind": "document", "content": PDF + b"x" * 5000}, "file_too_large"),
        ({"kind": "photo"}, "file_required"),
        ({"kind": "video_link"}, "url_required"),
        ({"kind": "video_link", "url": "javascript:alert(1)"}, "bad_url"),
        ({"kind": "observation"}, "description_required"),
        ({"kind": "selfie", "content": PNG}, "bad_evidence_kind"),
        ({"kind": "photo", "content": PNG, "rae_modality": "danser"}, "bad_rae_modality"),
        ({"kind": "photo", "content": PNG, "item_id": "rectec:C99"}, "unknown_item"),
        ({"kind": "photo", "content": PNG, "item_id": None}, "evidence_unattached"),
        ({"kind": "photo", "content": PNG, "person": "ghost"}, "unknown_person"),
        ({"kind": "photo", "content": PNG, "positioning_id": 999}, "bad_positioning"),
    ],
)
def test_bad_evidence_is_refused_and_leaves_no_row_and_no_file(
        repo: Repository, people: dict[str, str], kwargs: dict[str, object], code: str) -> None:
    repo.files.max_bytes = 4096
    args = {"item_id": "rectec:C01", **kwargs}
    person = str(args.pop("person", "pa"))
    kind = str(args.pop("kind"))
    with pytest.raises(StoreError) as info:
        repo.add_evidence(person, kind, "Preuve", **args)  # type: ignore[arg-type]
    assert info.value.code == code
    assert info.value.message_fr and info.value.message_en
    assert repo.list_evidence("pa") == []
    assert _files_on_disk(repo.files.root) == []


class _Endless(io.RawIOBase):
    """A stream of unknown size that never ends; counts what was read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        raise OSError("not seekable")

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size < 0 else size
        self.read_bytes += size
        return (b"%PDF-" + b"0" * size)[:size]


def test_an_oversize_upload_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files", max_bytes=1024 * 1024)
    stream = _Endless()
    with pytest.raises(StoreError) as info:
        store.stage(stream)  # type: ignore[arg-type]
    assert info.value.code == "file_too_large"
    assert stream.read_bytes <= 1024 * 1024 + 65536
    assert _files_on_disk(store.root) == []


def test_a_declared_size_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    class Upload(io.BytesIO):
        size = 100 * 1024 * 1024  # what Streamlit's UploadedFile reports

    upload = Upload(PNG)
    with pytest.raises(StoreError) as info:
        FileStore(tmp_path / "files").stage(upload)
    assert info.value.code == "file_too_large" and upload.tell() == 0


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic", "image/heic"),
        (b"\x00\x00\x00\x18ftypisom", "video/mp4"),
        (b"%PDF-1.7", "application/pdf"),
        (b"ID3\x04", "audio/mpeg"),
        (b"PK\x03\x04", None),
        (b"#!/bin/sh", None),
    ],
)
def test_magic_bytes(head: bytes, media_type: str | None) -> None:
    assert sniff_media_type(head) == media_type


def test_file_hashes_are_checked_before_becoming_paths(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        FileStore(tmp_path).path("../../etc/passwd")


def test_endorsement_validation(repo: Repository, people: dict[str, str]) -> None:
    proof = repo.add_evidence("pa", "observation", "Obs", item_id="rectec:C01", description="ok")
    with pytest.raises(StoreError) as info:
        repo.endorse(proof.id, "X", "boss")
    assert info.value.code == "bad_relation"
    with pytest.raises(StoreError) as info:
        repo.endorse("nope", "X", "tutor")
    assert info.value.code == "unknown_evidence"
    assert repo.list_evidence("pa")[0].endorsements == ()
