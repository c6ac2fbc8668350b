"""One profile format: the record's import (services/profiles.py) and the command line's analysis
(``competency-graph recommend``) accept and refuse exactly the same files, each refusal a French message that
names the field, never a traceback. The rules are docs/profile-format.md's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from competency_graph.cli import analysis as cli_analysis
from competency_graph.cli.common import app
from competency_graph.services import profiles as profiles_service
from competency_graph.store import Repository, StoreError

P = "person: {id: p1, status: esat}\n"
GRADED = "rectec:C01"  # circles 1 to 4
STATE_ITEM = "rae:ouvrier-paysagiste/A1"  # not graded: a state


def _person(**fields: object) -> str:
    inner = ", ".join(f"{k}: {v}" for k, v in {"id": "p1", "status": "esat", **fields}.items())
    return f"person: {{{inner}}}\n"


def _pos(item: str, **values: object) -> str:
    inner = ", ".join(f"{k}: {v}" for k, v in values.items())
    return f"{P}positions: [{{item: {item}{', ' if inner else ''}{inner}}}]\n"


# (case, text, accepted, a fragment every refusal must show: the field's path or the YAML position)
CASES = [
    ("age-9", _person(status="ime", age=9), False, "person.age"),
    ("age-10", _person(status="ime", age=10), True, ""),
    ("age-13-ime", _person(status="ime", age=13), True, ""),
    ("age-67-esat", _person(age=67), True, ""),
    ("age-120", _person(age=120), True, ""),
    ("age-121", _person(age=121), False, "person.age"),
    ("age-text", _person(age='"34"'), False, "person.age"),
    ("age-bool", _person(age="true"), False, "person.age"),
    ("status-unknown", _person(status="robot"), False, "person.status"),
    ("person-unknown-key", _person(colour="blue"), False, "person.colour"),
    ("person-missing", "positions: []\n", False, "person"),
    ("person-id-missing", "person: {status: esat}\n", False, "person"),
    ("status-missing", "person: {id: p1}\n", False, "person"),
    ("person-id-64-chars", _person(id="p" * 64), True, ""),
    ("person-id-65-chars", _person(id="p" * 65), False, "person.id"),
    ("person-id-blank", _person(id='" "'), False, "person.id"),
    ("target-id", f"{P}target: rncp:RNCP38386\n", True, ""),
    ("target-not-an-id", f"{P}target: CAP cuisine\n", False, "target"),
    ("target-too-long", f"{P}target: rncp:{'R' * 200}\n", False, "target"),
    ("writing-unknown", _person(writing="some"), False, "person.writing"),
    ("networks-unknown", _person(networks="[rae, afpa]"), False, "person.networks[1]"),
    ("state-en-acquired", _pos(STATE_ITEM, self="acquired"), True, ""),
    ("state-en-in_progress", _pos(STATE_ITEM, self="in_progress", co="not_yet"), True, ""),
    ("state-fr-acquis", _pos(STATE_ITEM, self="acquis"), True, ""),
    ("state-fr-en-cours", _pos(STATE_ITEM, self="en cours", co="pas encore"), True, ""),
    ("state-fr-capitals", _pos(STATE_ITEM, self="En Cours", co="PAS_ENCORE"), True, ""),
    ("state-en-capitals", _pos(STATE_ITEM, self="Acquired"), True, ""),
    ("state-unknown", _pos(STATE_ITEM, self="fini"), False, "positions[0].self"),
    ("state-empty", _pos(STATE_ITEM, co='""'), False, "positions[0].co"),
    ("state-bool", _pos(STATE_ITEM, self="yes"), False, "positions[0].self"),
    ("state-on-graded-item", _pos(GRADED, self="acquis"), False, "positions[0]"),
    ("level-on-state-item", _pos(STATE_ITEM, self=2), False, "positions[0]"),
    ("level-1", _pos(GRADED, self=1), True, ""),
    ("level-4", _pos(GRADED, self=4, co=3), True, ""),
    ("level-0", _pos(GRADED, self=0), False, "positions[0]"),
    ("level-5", _pos(GRADED, co=5), False, "positions[0]"),
    ("level-text", _pos(GRADED, self='"2"'), False, "positions[0].self"),
    ("jury-and-tutor", _pos(GRADED, jury=3, tutor=2), True, ""),
    ("item-unknown", _pos("rectec:C99", self=2), False, "positions[0]"),
    ("item-not-an-id", _pos("C01", self=2), False, "positions[0].item"),
    ("item-missing", f"{P}positions: [{{self: 2}}]\n", False, "positions[0].item"),
    ("item-twice", f"{P}positions: [{{item: {GRADED}, self: 2}}, {{item: {GRADED}, co: 3}}]\n", False, "positions"),
    ("position-empty", _pos(GRADED), False, "positions[0]"),
    ("position-unknown-key", _pos(GRADED, self=2, boss=3), False, "positions[0].boss"),
    ("experience-null", f"{P}experience:\n", True, ""),
    ("experience-months-missing", f"{P}experience: [{{job: rome:N1103}}]\n", False, "experience[0].months"),
    ("experience-months-negative", f"{P}experience: [{{job: rome:N1103, months: -3}}]\n", False,
     "experience[0].months"),
    ("contract-start-missing", f"{P}contracts: [{{kind: cdd}}]\n", False, "contracts[0].start"),
    ("contract-ends-before", f"{P}contracts: [{{kind: cdd, start: 2020-01-01, end: 2019-01-01}}]\n", False,
     "contracts[0].end"),
    ("contract-date-number", f"{P}contracts: [{{kind: cdd, start: 1600000000}}]\n", False, "contracts[0].start"),
    ("contract-date-text", f"{P}contracts: [{{kind: cdd, start: '2020-01-06'}}]\n", True, ""),
    ("held-date-missing", f"{P}held: [{{certification: rncp:RNCP37794}}]\n", False, "held[0].awarded_on"),
    ("root-unknown-key-kept", f"{P}analysis_hint: kept as is\n", True, ""),
    ("root-misspelt-key", f"{P}positons: []\n", False, "positons"),
    ("junk-nested-in-an-extra-key", f"{P}junk: [[[[{{a: {{b: [1, {{c: [[[]]]}}]}}}}]]]]\n", True, ""),
    ("junk-nested-in-positions", f"{P}positions: [[[[{{item: {GRADED}}}]]]]\n", False, "positions[0]"),
    ("junk-too-deep", f"{P}junk: {'[' * 100}{']' * 100}\n", False, "1:"),
    ("duplicate-key", f"{P}person: {{id: p2, status: esat}}\n", False, "2:1"),
    ("yaml-syntax", "person: [unclosed\n", False, "YAML"),
    ("python-tag", "!!python/object/apply:os.system ['true']\n", False, "YAML"),
    ("root-is-a-list", "- person\n", False, "person"),
    ("empty-file", "", False, "person"),
]


@pytest.fixture
def shipped_repo(sqlite_url: str, tmp_path: Path, shipped_bundle) -> Repository:
    repository = Repository.open(sqlite_url, catalog=shipped_bundle, files_dir=tmp_path / "files")
    repository.create_structure("ESAT test", "esat", networks=["rae"], structure_id="s1")
    yield repository
    repository.close()


def _store_import(repo: Repository, text: str) -> str | None:
    """None when the record imports the file, else the French refusal."""
    try:
        profiles_service.import_profile(repo, profiles_service.load_profile(text), "s1", author_id=None)
    except StoreError as exc:
        return exc.message("fr")
    return None


def _cli(bundle, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setattr(cli_analysis, "_bundle", lambda _refs: bundle)
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["recommend", str(path), "--as-of", "2025-01-01"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception  # no traceback
    return result.exit_code, result.output


@pytest.mark.parametrize(("text", "accepted", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_record_and_the_command_line_accept_and_refuse_the_same_files(
        shipped_repo: Repository, shipped_bundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        text: str, accepted: bool, fragment: str) -> None:
    refusal = _store_import(shipped_repo, text)
    code, output = _cli(shipped_bundle, text, tmp_path, monkeypatch)
    assert (refusal is None) is accepted, refusal
    assert (code == 0) is accepted, output
    if not accepted:
        for shown in (refusal, output):
            assert fragment in shown, shown
            assert "Traceback" not in shown
        assert any(word in output for word in ("attendu", "inconnu", "invalide", "illisible", "manquant", "double",
                                               "profil", "trop", "niveau", "état", "déjà", "fin", "indiquez")), output


def test_every_example_profile_goes_both_ways(shipped_repo: Repository, shipped_bundle) -> None:
    """The worked examples load in the record's import (and the analysis reads them: tests/analysis)."""
    from competency_graph.analysis.profile import load_profile

    for path in sorted((Path(__file__).resolve().parents[2] / "examples" / "profiles").glob("*.yaml")):
        profile = load_profile(path, scales=shipped_bundle)
        assert profiles_service.load_profile(path) == profile
        profiles_service.import_profile(shipped_repo, profile, "s1")


def test_a_target_profile_file_is_read_the_same_way(shipped_bundle, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``--target FILE.yaml`` (a training's entry expectations): its refusals are French and located too."""
    monkeypatch.setattr(cli_analysis, "_bundle", lambda _refs: shipped_bundle)
    profile = tmp_path / "p.yaml"
    profile.write_text(_pos(GRADED, self=1, co=2), encoding="utf-8")
    good, bad = tmp_path / "target.yaml", tmp_path / "bad-target.yaml"
    good.write_text("id: training:essai\nlabel: Essai\nrequires: {rectec:C01: 3}\n", encoding="utf-8")
    bad.write_text("id: training:essai\nlabel: Essai\nrequires: {rectec:C01: trois}\nblocs: 5\n", encoding="utf-8")
    ok = CliRunner().invoke(app, ["gaps", str(profile), "--target", str(good)])
    assert ok.exit_code == 0 and "Essai" in ok.output and "rectec:C01" in ok.output, ok.output
    refused = CliRunner().invoke(app, ["gaps", str(profile), "--target", str(bad)])
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)
    assert f"{bad}:3:" in refused.output and "requires.rectec:C01 : un nombre entier est attendu" in refused.output
    assert f"{bad}:4:" in refused.output and "blocs : une liste est attendue" in refused.output
