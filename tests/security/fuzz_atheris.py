"""Coverage-guided fuzzing (atheris / libFuzzer) of the loaders that read files from outside.

Each target may raise only our own error type; anything else (or a hang, or memory blow-up) is a crash that
libFuzzer reports with the input that caused it. Run one target by hand::

    python tests/security/fuzz_atheris.py yaml -max_total_time=60 CORPUS_DIR

``test_fuzz_atheris.py`` runs every target briefly when atheris is installed (``pip install atheris``).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["competency_graph", "yaml", "defusedxml"]):
    from competency_graph.analysis.profile import parse_profile
    from competency_graph.importers.rncp import RncpImportError, iter_rncp_csv, iter_rncp_xml
    from competency_graph.loader import check_paths
    from competency_graph.problems import ReferentialError
    from competency_graph.services.profiles import load_profile
    from competency_graph.store.csvio import parse_positionings
    from competency_graph.store.errors import StoreError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_WORK = Path(tempfile.mkdtemp(prefix="cg-fuzz-"))


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def fuzz_yaml(data: bytes) -> None:
    """The referential loader reports problems; it never raises anything but ReferentialError."""
    path = _WORK / "fuzz.yaml"
    path.write_bytes(data)
    try:
        bundle, problems = check_paths([path])
    except ReferentialError:
        return
    if (bundle is None) != bool(problems):
        raise AssertionError("a bundle is returned together with problems (or neither)")


def fuzz_profile(data: bytes) -> None:
    """Both profile readers: the analysis one (ReferentialError) and the store one (StoreError)."""
    try:
        parse_profile(_text(data), "fuzz.yaml")
    except ReferentialError:
        pass
    try:
        load_profile(data)
    except StoreError:
        pass


def fuzz_rncp_xml(data: bytes) -> None:
    path = _WORK / "export_fiches_RNCP_V4_1_2025_09_01.xml"
    path.write_bytes(data)
    try:
        for _ in iter_rncp_xml(path):
            pass
    except RncpImportError:
        pass


def fuzz_rncp_csv(data: bytes) -> None:
    """The Standard table of an RNCP CSV export."""
    folder = _WORK / "rncp_csv"
    folder.mkdir(exist_ok=True)
    (folder / "export_fiches_CSV_Standard_2025_09_01.csv").write_bytes(data)
    try:
        for _ in iter_rncp_csv(folder):
            pass
    except RncpImportError:
        pass


def fuzz_positionings_csv(data: bytes) -> None:
    try:
        parse_positionings(data)
    except StoreError:
        pass


POSITIONINGS_CSV = ("\ufeffuid;person_id;item;role;level;state;positioned_at;referential_version;author_id;comment\r\n"
                    ";p1;rectec:C01;self;2;;2025-03-01T10:00:00+01:00;1;;'=SOMME(A1)\r\n"
                    ";p1;rae:agent/A1;accompagnateur;;acquis;01/03/2025;;acc;\r\n").encode("utf-8")

#: target name -> (function, seed inputs)
TARGETS: dict[str, tuple[Callable[[bytes], None], Callable[[], list[bytes]]]] = {
    "yaml": (fuzz_yaml, lambda: [p.read_bytes() for p in sorted((FIXTURES / "referentials" / "mini").glob("*.yaml"))]),
    "profile": (fuzz_profile, lambda: [
        b"person: {id: p1, status: esat, age: 34, writing: limited, networks: [rae], goal: certification}\n"
        b"experience: [{job: rome:N1103, months: 14, in_pec: false, current: true}]\ntarget: rncp:RNCP38386\n"
        b"positions:\n  - {item: rectec:C01, self: 2, co: 3}\n  - {item: rae:a/A1, self: acquis}\n",
        b"&a [*a]\n"]),
    "rncp_xml": (fuzz_rncp_xml, lambda: [p.read_bytes() for p in sorted((FIXTURES / "rncp").glob("*.xml"))]),
    "rncp_csv": (fuzz_rncp_csv, lambda: [p.read_bytes() for p in (FIXTURES / "rncp" / "csv").glob("*Standard*")]),
    "positionings_csv": (fuzz_positionings_csv, lambda: [POSITIONINGS_CSV]),
}


def write_seeds(target: str, corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(TARGETS[target][1]()):
        (corpus / f"seed-{i}").write_bytes(seed)


def main(argv: list[str]) -> None:
    """``fuzz_atheris.py TARGET [libFuzzer options] [CORPUS_DIR]``; an empty or new corpus directory is first
    filled with the target's seeds (real examples, so that mutations start from meaningful input)."""
    if len(argv) < 2 or argv[1] not in TARGETS:
        raise SystemExit(f"usage: {argv[0]} {{{'|'.join(TARGETS)}}} [libFuzzer options] [corpus dir]")
    target, rest = argv[1], argv[2:]
    dirs = [Path(a) for a in rest if not a.startswith("-")]
    if dirs and (not dirs[0].exists() or not any(dirs[0].iterdir())):
        write_seeds(target, dirs[0])
    atheris.Setup([argv[0], *rest], TARGETS[target][0])
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
