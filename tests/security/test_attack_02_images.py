"""Finding 2 (security round 2): a 198-byte fake PNG passed the upload check and then broke the dossier
pages for good; a 12,000 × 12,000 PNG cost 500 MB per view. Images are now decoded at upload, their pixel
count capped, and re-encoded without metadata."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from competency_graph.security import audit
from competency_graph.security.access import Guard
from competency_graph.store import Repository, StoreError

from .conftest import real_png


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def fake_png() -> bytes:
    """The 198 bytes of the attack: a PNG signature, a header announcing 512 × 512 pixels, and an image
    stream that is not zlib at all."""
    data = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 512, 512, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", b"\x00" * 141) + _chunk(b"IEND", b""))
    assert len(data) == 198
    return data


def huge_png() -> bytes:
    """12,000 × 12,000 pixels in a few kilobytes (one colour compresses to nothing)."""
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000), 0).save(out, format="PNG")
    return out.getvalue()


def _stored(repo: Repository) -> list:
    return sorted(p for p in repo.files.root.rglob("*") if p.is_file()) if repo.files.root.exists() else []


@pytest.mark.parametrize("kind", ["photo", "document"])
def test_a_198_byte_fake_png_is_refused_at_upload_and_nothing_is_stored(repo: Repository, world, kind) -> None:
    guard = Guard(repo, "u-cand", "candidate")
    with pytest.raises(StoreError) as caught:
        guard.add_evidence("own", kind, "Mon travail", item_id="rectec:C01", content=fake_png())
    assert caught.value.code == "image_unreadable" and "illisible" in caught.value.message("fr")
    assert repo.list_evidence("own") == [] and _stored(repo) == []
    assert not [e for e in audit.list_audit(repo, "u-admin", action="create") if e.record_kind == "evidence"]


def test_a_12000_by_12000_png_is_refused_from_its_header_without_decoding(repo: Repository, world) -> None:
    data = huge_png()
    assert len(data) < 100_000
    started = time.perf_counter()
    with pytest.raises(StoreError) as caught:
        Guard(repo, "u-cand", "candidate").add_evidence("own", "photo", "Grande", item_id="rectec:C01", content=data)
    assert caught.value.code == "image_too_large" and "12000 × 12000" in caught.value.message("fr")
    assert time.perf_counter() - started < 5  # the 144 megapixels are never decoded
    assert _stored(repo) == []


def test_what_is_stored_is_a_clean_re_encoding(repo: Repository, world) -> None:
    """EXIF (a GPS position here) and bytes hidden after the image end are not kept; a big photo is
    scaled down; the stored file decodes."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS IFD
    exif[0x010F] = "Appareil du candidat"
    photo = io.BytesIO()
    Image.new("RGB", (4000, 3000), (120, 160, 90)).save(photo, format="JPEG", exif=exif)
    sent = photo.getvalue() + b"<script>alert(1)</script>"
    record = Guard(repo, "u-cand", "candidate").add_evidence("own", "photo", "Poste", item_id="rectec:C01",
                                                              content=sent)
    stored = repo.evidence_file(record.id)[0]
    assert b"<script>" not in stored and b"Appareil du candidat" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert image.format == "JPEG" and max(image.size) <= 3200 and not image.getexif()


def test_a_real_png_is_accepted_and_the_same_upload_is_stored_once(repo: Repository, world) -> None:
    guard = Guard(repo, "u-cand", "candidate")
    a = guard.add_evidence("own", "photo", "A", item_id="rectec:C01", content=real_png())
    b = guard.add_evidence("own", "photo", "B", item_id="rectec:C02", content=real_png())
    assert a.file_sha256 == b.file_sha256 and a.media_type == "image/png" and len(_stored(repo)) == 1


HEIC = Path(__file__).resolve().parents[1] / "fixtures" / "images"


def test_an_iphone_heic_photo_is_stored_upright_as_jpeg_without_its_gps_position(repo: Repository, world) -> None:
    """An iPhone's default format: decoded (pi-heif), turned upright, stored as JPEG without EXIF."""
    from pi_heif import register_heif_opener

    register_heif_opener()  # for the test's own look at the original
    sent = (HEIC / "photo-iphone.heic").read_bytes()
    with Image.open(io.BytesIO(sent)) as original:  # the fixture does carry what must not be kept
        assert original.getexif().get_ifd(0x8825)[1] == "N"
    record = Guard(repo, "u-cand", "candidate").add_evidence("own", "photo", "Mon poste", item_id="rectec:C01",
                                                              content=sent)
    assert record.media_type == "image/jpeg"
    stored = repo.evidence_file(record.id)[0]
    assert b"iPhone" not in stored and b"Apple" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert image.format == "JPEG" and image.size == (480, 640) and not image.getexif()
        assert min(image.getpixel((470, 10))) > 240  # the white corner is top-right once upright
        assert min(image.getpixel((10, 10))) < 40


def test_a_heic_that_passes_the_magic_bytes_but_does_not_decode_is_refused(repo: Repository, world) -> None:
    sent = (HEIC / "truncated.heic").read_bytes()
    assert sent[4:12] == b"ftypheic"
    with pytest.raises(StoreError) as caught:
        Guard(repo, "u-cand", "candidate").add_evidence("own", "photo", "Abîmée", item_id="rectec:C01", content=sent)
    assert caught.value.code == "image_unreadable" and "HEIC" in caught.value.message("fr")
    assert repo.list_evidence("own") == [] and _stored(repo) == []


def test_a_jpeg_comment_does_not_survive_the_re_encoding() -> None:
    """review4: Pillow copies a JPEG's comment (COM segment) into the re-encoded JPEG from the image's own
    info; a comment can hold a name or an address, so it is dropped like EXIF."""
    from competency_graph.store.images import normalise_image

    source = io.BytesIO()
    Image.new("RGB", (24, 24), "red").save(source, "JPEG", comment=b"Marie Dupont, 12 rue des Lilas, Lyon")
    out, media_type = normalise_image(source.getvalue(), "image/jpeg")
    assert media_type == "image/jpeg" and b"Dupont" not in out and b"Lilas" not in out
    with Image.open(io.BytesIO(out)) as stored:
        assert "comment" not in stored.info and stored.size == (24, 24)


def test_a_heic_declaring_400_megapixels_is_refused_from_its_header() -> None:
    """review4: a 407-byte HEIC whose ``ispe`` box declares 20,000 × 20,000 is refused before libheif
    decodes anything (peak memory stays that of a small image)."""
    import resource

    from competency_graph.store.images import normalise_image

    sent = (HEIC / "huge-declared.heic").read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(StoreError) as caught:
        normalise_image(sent, "image/heic")
    assert caught.value.code == "image_too_large"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB: far below 1.2 GB RGB


def test_an_av1_image_in_an_heif_container_is_decoded_and_stored_as_jpeg() -> None:
    """review4: an AVIF whose brand says ``mif1`` passes the magic bytes as image/heif. Pillow's own AVIF plugin
    (registered before pi-heif, which has no AV1 decoder) decodes it: stored as a clean JPEG, never a
    traceback, the same result whatever the process opened before (it depended on that first)."""
    from competency_graph.store.files import sniff_media_type
    from competency_graph.store.images import normalise_image

    sent = (HEIC / "avif-in-mif1.heif").read_bytes()
    assert sniff_media_type(sent) == "image/heif"
    stored, media_type = normalise_image(sent, "image/heif")
    assert media_type == "image/jpeg"
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert image.format == "JPEG" and image.size == (64, 64) and not image.getexif()
