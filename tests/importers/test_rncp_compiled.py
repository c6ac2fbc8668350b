"""The RNCP import's per-fiche modules are compiled with mypyc when the install could (``setup.py``): the
compiled build and the sources write the same ``rncp.json``, and a stale build is never used."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_rncp_golden import SAMPLE, XML_FIXTURES, generated_export

from competency_graph import importers
from competency_graph.importers import rncp_text
from competency_graph.importers.rncp import import_rncp

_IMPORT = """
import sys
from pathlib import Path
from competency_graph.importers import rncp_text
from competency_graph.importers.rncp import import_rncp
assert rncp_text.__file__.endswith(".py"), rncp_text.__file__
import_rncp(Path(sys.argv[1]), out_dir=Path(sys.argv[2]))
"""


def _pure_import(sources: Path, xml: Path, out: Path) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(sources)}
    done = subprocess.run([sys.executable, "-c", _IMPORT, str(xml), str(out)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return (out / "rncp.json").read_bytes()


def test_the_compiled_and_the_pure_import_write_the_same_file(tmp_path):
    """In this process the modules are what the install built (compiled when it could, see the last line);
    the child imports a copy of the package without any compiled module. Same bytes on the real sample, the
    fixtures and a generated export full of odd shapes (the golden tests' generator)."""
    sources = tmp_path / "sources"
    shutil.copytree(Path(importers.__file__).resolve().parents[1], sources / "competency_graph", symlinks=True,
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    generated = tmp_path / "export_fiches_RNCP_V4_1_2025_09_01.xml"
    generated_export(generated, fiches=300, seed=11)
    exports = [SAMPLE if SAMPLE.exists() else XML_FIXTURES[0], *XML_FIXTURES, generated]
    for n, xml in enumerate(exports):
        here, child = tmp_path / f"here{n}", tmp_path / f"child{n}"
        import_rncp(xml, out_dir=here)
        assert _pure_import(sources, xml, child) == (here / "rncp.json").read_bytes(), xml.name
    print("compiled" if not rncp_text.__file__.endswith(".py") else "pure", rncp_text.__file__)


def test_a_build_older_than_its_source_is_stale(tmp_path):
    source = tmp_path / "rncp_text.py"
    built = tmp_path / "rncp_text.cpython-311-x86_64-linux-gnu.so"
    source.write_text("")
    built.write_bytes(b"")
    os.utime(source, (1_000, 1_000))
    os.utime(built, (2_000, 2_000))
    assert not importers._stale(tmp_path, "rncp_text")
    os.utime(source, (3_000, 3_000))  # edited or checked out after the build
    assert importers._stale(tmp_path, "rncp_text")
    assert not importers._stale(tmp_path, "rncp_map")  # nothing built: nothing stale
