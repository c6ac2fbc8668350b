"""A wheel installed without the checkout carries its referentials and its SHACL shapes.

Regression: shapes were found through ``parents[2]``, so a non-editable install loaded no shapes and SHACL
"conformed" vacuously. The wheel is built offline (no build isolation) and unpacked into a folder that is put
first on ``sys.path`` of a child process running from an empty directory, so nothing of the checkout is seen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = out.glob("competency_graph-*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _run(site: Path, cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "COMPETENCY_GRAPH_DATA_DIR": str(cwd / "data")}
    env.pop("COMPETENCY_GRAPH_REFERENTIALS", None)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_wheel_carries_shapes_and_referentials(installed: Path) -> None:
    files = {p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file()}
    assert "competency_graph/shapes/referential.ttl" in files
    shipped = ROOT / "referentials"
    for path in shipped.rglob("*.yaml"):
        assert f"competency_graph/referentials/{path.relative_to(shipped).as_posix()}" in files


def test_installed_wheel_validates_the_shipped_referentials_with_shapes(installed: Path, tmp_path: Path) -> None:
    code = """
import json, competency_graph
from competency_graph.settings import referential_dirs
from competency_graph.loader import load_bundle
from competency_graph.shacl import load_shapes, check_shapes
from rdflib.namespace import RDF, SH
shapes = load_shapes()
bundle = load_bundle([p for p in referential_dirs() if p.exists()])
errors = [p for p in check_shapes(bundle, shapes) if p.severity == "error"]
print(json.dumps({"module": competency_graph.__file__, "node_shapes": len(set(shapes.subjects(RDF.type, SH.NodeShape))),
                  "items": len(bundle.items), "errors": len(errors)}))
"""
    result = _run(installed, tmp_path, code)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["module"].startswith(str(installed))  # the wheel, not the checkout
    assert report["node_shapes"] > 0
    assert report["items"] > 1000
    assert report["errors"] == 0


def test_no_shapes_is_refused_not_vacuously_conformant(installed: Path, tmp_path: Path) -> None:
    for shape in (installed / "competency_graph" / "shapes").glob("*.ttl"):
        shape.rename(shape.with_suffix(".ttl.off"))
    try:
        result = _run(installed, tmp_path, "from competency_graph.shacl import load_shapes; load_shapes()")
        assert result.returncode != 0
        assert "ShapesMissing" in result.stderr
        started = _run(installed, tmp_path,
                       "from competency_graph.services.bootstrap import load_referentials; load_referentials()")
        assert started.returncode != 0 and "ShapesMissing" in started.stderr
    finally:
        for shape in (installed / "competency_graph" / "shapes").glob("*.ttl.off"):
            shape.rename(shape.with_suffix(""))


def test_installed_wheel_reads_its_message_catalogue(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, tmp_path, "from competency_graph.messages import FR, t; print(len(FR), t('app.title'))")
    assert result.returncode == 0, result.stderr[-2000:]
    count, title = result.stdout.strip().split(" ", 1)
    assert int(count) > 500 and title == "Reconnaître ses compétences"
