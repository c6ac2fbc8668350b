"""A short coverage-guided fuzzing run (atheris) of every loader target in ``fuzz_atheris.py``, and the
regressions it found.

Optional: the fuzzing runs are skipped when atheris is not installed (``pip install atheris``: a binary wheel
for CPython 3.11 on x86-64 Linux). Each target runs in its own process (libFuzzer exits the process when it
stops) for ``COMPETENCY_GRAPH_FUZZ_SECONDS`` seconds (default 3); a crash fails the test with the input.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from competency_graph.importers.rncp import RncpImportError, iter_rncp_xml

HARNESS = Path(__file__).resolve().parent / "fuzz_atheris.py"
SECONDS = int(os.environ.get("COMPETENCY_GRAPH_FUZZ_SECONDS", "3"))
TARGETS = ["yaml", "profile", "rncp_xml", "rncp_csv", "positionings_csv"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("atheris") is None,
                    reason="atheris is not installed (optional fuzzing: pip install atheris)")
@pytest.mark.parametrize("target", TARGETS)
def test_atheris_finds_no_crash(target: str, tmp_path: Path) -> None:
    artifacts = tmp_path / "crashes"
    artifacts.mkdir()
    result = subprocess.run(
        [sys.executable, str(HARNESS), target, f"-max_total_time={SECONDS}", "-timeout=20", "-rss_limit_mb=2048",
         f"-artifact_prefix={artifacts}/", str(tmp_path / "corpus")],
        capture_output=True, text=True, timeout=SECONDS + 180, cwd=tmp_path,
    )
    crashes = {p.name: p.read_bytes()[:300] for p in sorted(artifacts.iterdir())}
    assert result.returncode == 0 and not crashes, f"{target}: {crashes}\n{result.stderr[-3000:]}"
    assert "Done" in result.stderr  # libFuzzer ran and used up its time budget


@pytest.mark.parametrize("encoding", ["UTF-7", "Shift_JIS", "UTF-32"])
def test_rncp_xml_with_a_multibyte_encoding_declaration_is_our_error(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?>\n<FICHES><FICHE><NUMERO_FICHE>RNCP1'
                     '</NUMERO_FICHE><INTITULE>x</INTITULE></FICHE></FICHES>\n'.encode("ascii"))
    with pytest.raises(RncpImportError):
        list(iter_rncp_xml(path))
