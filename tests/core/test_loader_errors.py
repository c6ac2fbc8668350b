"""Each error code of the loader, with its exact line and column (docs/referential-format.md)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from competency_graph.loader import check_paths, load_bundle
from competency_graph.problems import ReferentialError

HEADER = """\
referential:
  id: tx
  version: "1"
  kind: transversal
  title: Test
  publisher: Tests
  licence: EUPL-1.2
  provenance: seed
  sources: [{title: Fixture}]
  scale: {name: cercle, min: 1, max: 4}
"""


def problems_for(tmp_path: Path, body: str, name: str = "t.yaml", extra: dict[str, str] | None = None):
    (tmp_path / name).write_text(body, encoding="utf-8")
    for other, text in (extra or {}).items():
        (tmp_path / other).write_text(text, encoding="utf-8")
    bundle, problems = check_paths([tmp_path])
    assert bundle is None, "a file with errors must not load"
    return problems


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"no {code} in {[str(p) for p in problems]}"
    return found[0]


MODALITY = """\
referential:
  id: modality
  version: "1"
  kind: modalities
  title: Test
  publisher: Tests
  licence: EUPL-1.2
  provenance: seed
  sources: [{title: Fixture}]
modalities:
  - id: modality:vae
    label: VAE
    public: [Tous]
    jury: Jury
    outcome: Certification
    certifying: true
    duration_months: 7
    rules:
      - id: r1
        effect: require
"""

CASES = [
    # (id, body, code, line, column)
    ("yaml-syntax", HEADER + "competencies: [\n  {id: tx:C01, label: x\n", "yaml-syntax", 13, 1),
    ("duplicate-key", HEADER + "competencies:\n  - id: tx:C01\n    label: A\n    label: B\n", "duplicate-key", 14, 5),
    ("not-a-mapping", "- just\n- a list\n", "not-a-mapping", 1, 1),
    ("missing-field", HEADER + "competencies:\n  - id: tx:C01\n    pole: tx:P1\n", "missing-field", 12, 5),
    ("unknown-field", HEADER + "competencies:\n  - id: tx:C01\n    label: A\n    lable: B\n", "unknown-field", 14, 5),
    ("wrong-type", HEADER + "competencies:\n  - id: tx:C01\n    label: A\n    elements: pas une liste\n", "wrong-type", 14, 15),
    ("invalid-value", HEADER + "competencies:\n  - id: not an id\n    label: A\n", "invalid-value", 12, 9),
    ("duplicate-id", HEADER + "competencies:\n  - {id: tx:C01, label: A}\n  - {id: tx:C01, label: B}\n", "duplicate-id", 13, 10),
    ("id-prefix", HEADER + "competencies:\n  - {id: other:C01, label: A}\n", "id-prefix", 12, 10),
    ("unknown-reference", HEADER + "competencies:\n  - {id: tx:C01, label: A, pole: tx:P9}\n", "unknown-reference", 12, 34),
    ("level-out-of-range", HEADER + "competencies:\n  - id: tx:C01\n    label: A\n    levels:\n      - {rank: 5, title: T}\n",
     "level-out-of-range", 15, 16),
    ("level-order", HEADER + "competencies:\n  - id: tx:C01\n    label: A\n    levels:\n      - {rank: 2, title: T}\n"
     "      - {rank: 1, title: U}\n", "level-order", 16, 16),
    ("requires-level-out-of-range", HEADER + "competencies:\n  - id: tx:C01\n    label: A\n    levels:\n"
     "      - {rank: 1, title: T}\nlinks:\n  - {from: tx:C01, type: requires-level, to: tx:C01, level: 3}\n",
     "level-out-of-range", 17, 5),
    # a misspelt condition kind is a located error, never a condition that silently never holds
    ("unknown-condition", MODALITY + "        when: {min_month: 12}\n        reason: R\n        source: {title: S}\n",
     "unknown-condition", 21, 16),
    ("unknown-nested-condition", MODALITY + "        when:\n          any_of:\n            - {status_in: [esat], minmonths: 3}\n"
     "        reason: R\n        source: {title: S}\n", "unknown-condition", 23, 35),
    ("condition-value-outside-vocabulary", MODALITY + "        when: {status_in: [esta]}\n        reason: R\n"
     "        source: {title: S}\n", "invalid-value", 21, 28),
]


@pytest.mark.parametrize("body,code,line,column", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_code_and_position(tmp_path, body, code, line, column):
    problem = only(problems_for(tmp_path, body), code)
    assert (problem.location.line, problem.location.column) == (line, column), str(problem)
    assert str(problem).startswith(f"t.yaml:{line}:{column}: error [{code}]") or f":{line}:{column}: error [{code}]" in str(problem)


def test_no_scale(tmp_path):
    body = HEADER.replace("  scale: {name: cercle, min: 1, max: 4}\n", "") + (
        "competencies:\n  - id: tx:C01\n    label: A\n    levels:\n      - {rank: 1, title: T}\n")
    problem = only(problems_for(tmp_path, body), "no-scale")
    assert (problem.location.line, problem.location.column) == (14, 7)  # the first level


def test_duplicate_referential(tmp_path):
    body = HEADER + "competencies: []\n"
    problem = only(problems_for(tmp_path, body, extra={"u.yaml": body}), "duplicate-referential")
    assert problem.location.line == 2


def test_empty_directory(tmp_path):
    _, problems = check_paths([tmp_path])
    assert [p.code for p in problems] == ["empty-directory"]


def test_io_error_not_utf8(tmp_path):
    problem = only(problems_for(tmp_path, "", extra={}), "empty-directory") if False else None
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe\x00garbage")
    _, problems = check_paths([tmp_path])
    assert problems[0].code == "io-error"
    assert problem is None


def test_all_problems_reported_at_once(tmp_path):
    body = HEADER + ("competencies:\n  - id: tx:C01\n    label: A\n    lable: B\n"
                     "  - {id: tx:C02, label: B, pole: tx:P9}\n")
    other = HEADER.replace("id: tx", "id: ty") + "competencies:\n  - {id: ty:C01, label: A, pole: ty:nowhere}\n"
    problems = problems_for(tmp_path, body, extra={"other.yaml": other})
    codes = sorted(p.code for p in problems)
    assert codes == ["unknown-field", "unknown-reference"], codes  # other.yaml is checked too once t.yaml parses
    body_ok = HEADER + "competencies:\n  - {id: tx:C02, label: B, pole: tx:P9}\n"
    problems = problems_for(tmp_path, body_ok, extra={"other.yaml": other})
    assert sorted((Path(p.location.path).name, p.code) for p in problems) == [("other.yaml", "unknown-reference"),
                                                                    ("t.yaml", "unknown-reference")]


def test_one_broken_file_refuses_the_whole_directory(tmp_path, mini_dir):
    target = tmp_path / "refs"
    shutil.copytree(mini_dir, target)
    broken = target / "trades.yaml"
    text = broken.read_text(encoding="utf-8").replace("label: Tailler\n", "label: Tailler\n        label: Encore\n")
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ReferentialError) as info:
        load_bundle([target])
    message = str(info.value)
    assert "trades.yaml:" in message and "[duplicate-key]" in message
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "label: Encore" in l)
    assert f"trades.yaml:{line}:9: error [duplicate-key]" in message


def test_valid_fixture_loads(mini_dir):
    bundle = load_bundle([mini_dir])
    assert set(bundle.items) >= {"tx:P1", "tx:C01", "tr:jardinier", "tr:jardinier/A1/C1"}
    assert bundle.level_range("tx:C01") == (1, 2)
    assert bundle.items["tr:jardinier/A1"].parent == "tr:jardinier"


def test_external_rome_ids_are_allowed(mini_dir):
    bundle = load_bundle([mini_dir])
    assert any(e.target == "rome:A1203" for e in bundle.edges)


def test_format_doc_lists_every_code():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "referential-format.md").read_text(encoding="utf-8")
    for code in {c[2] for c in CASES} | {"no-scale", "duplicate-referential", "empty-directory", "io-error"}:
        assert f"`{code}`" in doc, code
    _ = textwrap  # keep import for readability of multi-line cases
