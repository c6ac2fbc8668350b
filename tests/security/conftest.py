"""Fixtures of the security tests: a SQLite repository with two structures and one user per role."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from _store_workers import fake_catalog  # noqa: E402

from competency_graph.store import Repository  # noqa: E402


def real_png(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (4, 4)) -> bytes:
    """A small image Pillow decodes (uploads are decoded and re-encoded before they are stored)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


PNG = real_png()


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    repository = Repository.open(f"sqlite:///{tmp_path / 'record.sqlite'}", catalog=fake_catalog(),
                                 files_dir=tmp_path / "files")
    yield repository
    repository.close()


@pytest.fixture
def world(repo: Repository) -> dict[str, str]:
    """Structure S: candidates own (with a user) and mate; accompanist acc (assigned to own only), trainer,
    admin. Structure T: candidate other, its accompanist."""
    s = repo.create_structure("ESAT S", "esat", networks=["rae"]).id
    t = repo.create_structure("EA T", "ea").id
    repo.create_person(s, "Personne Propre", "esat", person_id="own")
    repo.create_person(s, "Personne Voisine", "esat", person_id="mate")
    repo.create_person(t, "Personne Ailleurs", "ea", person_id="other")
    repo.create_user("cand", "Candidat", person_id="own", user_id="u-cand")
    repo.grant_role("u-cand", s, "candidate")
    for uid, role, structure in [("u-acc", "accompanist", s), ("u-trainer", "trainer", s), ("u-admin", "admin", s),
                                 ("u-acc-t", "accompanist", t)]:
        repo.create_user(uid, uid, user_id=uid)
        repo.grant_role(uid, structure, role)
    repo.assign("u-acc", "own")
    repo.assign("u-acc-t", "other")
    return {"s": s, "t": t}
