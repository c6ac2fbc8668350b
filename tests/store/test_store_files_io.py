"""Profile YAML (format of `competency-graph recommend`) and positioning CSV (Excel-friendly, formula-safe)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from competency_graph.services import profiles as profiles_service
from competency_graph.services.profiles import dump_profile, load_profile
from competency_graph.store import Repository, StoreError
from competency_graph.store.csvio import COLUMNS, neutralise, parse_positionings, unneutralise

PROFILE = """\
person: {id: p1, status: esat, age: 34, writing: limited, networks: [rae, rsfp], goal: certification}
experience: [{job: rome:N1103, months: 14, in_pec: false, current: true}]
target: rncp:RNCP38386
positions:
  - {item: rectec:C01, self: 2, co: 3}
  - {item: rectec:C02, self: 1}
  - {item: rae:agent-de-proprete/A1, self: acquis, co: in_progress}
analysis_hint: kept as is
"""


def _counts(repo: Repository) -> dict[str, int]:
    from competency_graph.store.models import Base

    with repo.engine.connect() as c:
        return {t: int(c.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() or 0) for t in Base.metadata.tables}


def test_profile_import_then_export_round_trips(repo: Repository, people: dict[str, str]) -> None:
    profile = load_profile(PROFILE)
    person = profiles_service.import_profile(repo, profile, people["structure"], author_id="acc")
    assert person.networks == ("rae", "rsfp") and person.birth_year == dt.date.today().year - 34
    view = repo.current_view("p1")
    assert view.items["rectec:C01"].accompanist.author_id == "acc"  # type: ignore[union-attr]
    assert view.items["rae:agent-de-proprete/A1"].self_.state == "acquired"  # type: ignore[union-attr]
    exported = profiles_service.export_profile(repo, "p1")
    assert exported.person.age == 34 and exported.target == "rncp:RNCP38386"
    assert {p.item: p.values for p in exported.positions} == {
        "rectec:C01": {"self": 2, "co": 3}, "rectec:C02": {"self": 1},
        "rae:agent-de-proprete/A1": {"self": "acquired", "co": "in_progress"}}
    again = load_profile(dump_profile(exported))
    assert again == exported
    # Importing the same file twice appends nothing.
    before = repo.count_positionings()
    profiles_service.import_profile(repo, profile, people["structure"], author_id="acc")
    assert repo.count_positionings() == before == 5


def test_unknown_keys_are_kept_when_writing_a_profile_back() -> None:
    profile = load_profile(PROFILE)
    assert profile.extra == {"analysis_hint": "kept as is"}
    assert "analysis_hint: kept as is" in dump_profile(profile)


@pytest.mark.parametrize(("text_", "code", "fragment"), [
    ("person: {id: p1, status: esat}\nperson: {id: p2, status: esat}\n", "profile_duplicate_key", "2:1"),
    ("person: {id: p1, status: esat, status: ea}\n", "profile_duplicate_key", "1:"),
    ("person: {id: p1, status: robot}\n", "profile_invalid", "person.status"),
    ("person: {id: p1, status: esat}\npositions: [{item: rectec:C01, self: lots}]\n", "profile_invalid",
     "positions[0].self"),
    ("person: {id: p1, status: esat}\nexperience: [{job: x, months: -3}]\n", "profile_invalid", "experience[0].months"),
    ("person: [unclosed\n", "profile_yaml", "YAML"),
    ("!!python/object/apply:os.system ['true']\n", "profile_yaml", "YAML"),
])
def test_bad_profiles_give_a_located_error(text_: str, code: str, fragment: str) -> None:
    with pytest.raises(StoreError) as info:
        load_profile(text_)
    assert info.value.code == code
    assert fragment in info.value.message_fr


def test_a_profile_with_an_unknown_item_writes_nothing(repo: Repository, people: dict[str, str]) -> None:
    before = _counts(repo)
    bad = load_profile("person: {id: p9, status: esat}\npositions: [{item: rectec:C01, self: 2}, "
                       "{item: rectec:C42, self: 1}, {item: rectec:C03, co: 7}]\n")
    with pytest.raises(StoreError) as info:
        profiles_service.import_profile(repo, bad, people["structure"])
    assert info.value.code == "invalid_positionings"
    assert [d.split(" :")[0] for d in info.value.details] == ["positions[1].self", "positions[2].co"]
    assert _counts(repo) == before  # not even the person was created


def test_csv_export_is_excel_friendly_and_neutralises_formulas(repo: Repository, people: dict[str, str]) -> None:
    repo.record_positioning("pa", "rectec:C01", role="self", level=2, comment="=HYPERLINK(\"http://evil\")")
    repo.record_positioning("pa", "rectec:C01", role="accompanist", level=3, comment="@SUM(A1); -2 +3",
                            author_id="acc")
    data = repo.export_positionings_csv(structure_id=people["structure"])
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ";".join(COLUMNS)
    assert "'=HYPERLINK" in lines[1] and '"\'@SUM(A1); -2 +3"' in lines[2]
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines[1:] for cell in line.split(";"))


def test_csv_round_trip_into_another_database(repo: Repository, people: dict[str, str], tmp_path, catalog) -> None:
    repo.record_positioning("pa", "rectec:C01", role="self", level=2, comment="=1+1", at=dt.datetime(
        2025, 3, 1, 8, tzinfo=dt.UTC))
    repo.record_positioning("pb", "rae:agent-de-proprete/A2", role="self", state="not_yet")
    data = repo.export_positionings_csv()
    other = Repository.open(f"sqlite:///{tmp_path / 'other.sqlite'}", catalog=catalog, files_dir=tmp_path / "f2")
    structure = other.create_structure("Autre", "esat")
    other.create_person(structure.id, "A", "esat", person_id="pa")
    other.create_person(structure.id, "B", "esat", person_id="pb")
    report = other.import_positionings_csv(data)
    assert (report.inserted, report.skipped) == (2, 0)
    original = {e.uid: e for e in repo.history("pa") + repo.history("pb")}
    for event in other.history("pa") + other.history("pb"):
        source = original[event.uid]
        assert (event.item_id, event.level, event.state, event.comment, event.positioned_at,
                event.referential_version) == (source.item_id, source.level, source.state, source.comment,
                                               source.positioned_at, source.referential_version)
    assert other.import_positionings_csv(data).skipped == 2  # same uids: nothing appended twice
    assert other.count_positionings() == 2


def test_a_hand_written_csv_in_french(repo: Repository, people: dict[str, str]) -> None:
    data = (b"person_id;item;role;level;state;positioned_at;comment\r\n"
            b"pa;rectec:C02;soi;3;;12/03/2025;\r\n"
            b"pa;rae:agent-de-proprete/A1;accompagnateur;;acquis;2025-03-12T10:00;'-ok\r\n")
    assert repo.import_positionings_csv(data).inserted == 2
    events = repo.history("pa")
    assert events[0].positioned_at == dt.datetime(2025, 3, 11, 23, tzinfo=dt.UTC)  # midnight in Paris
    assert events[1].state == "acquired" and events[1].comment == "-ok"


@pytest.mark.parametrize(("data", "code", "fragment"), [
    (b"\xff\xfe p\x00a\x00", "csv_malformed", "UTF-8"),
    (b"person_id,item,role,level\r\npa,rectec:C01,self,2\r\n", "csv_malformed", "point-virgule"),
    (b"person_id;item;level\r\npa;rectec:C01;2\r\n", "csv_malformed", "en-tête"),
    (b"person_id;item;role;level;colour\r\npa;rectec:C01;self;2;red\r\n", "csv_malformed", "en-tête"),
    (b"person_id;item;role;level\r\npa;\"rectec:C01;self;2\r\n", "csv_malformed", "guillemets"),
    (b"person_id;item;role;level\r\npa;rectec:C01;self;2;extra\r\n", "csv_invalid", "colonnes"),
    (b"", "csv_malformed", "vide"),
    (b"person_id;item;role;level\r\npa;rectec:C01;self;deux\r\n", "csv_invalid", "ligne 2"),
    (b"person_id;item;role;level;positioned_at\r\npa;rectec:C01;self;2;hier\r\n", "csv_invalid", "date"),
    (b"person_id;item;role;level\r\npa;rectec:C01;self;2\r\npa;rectec:C01;self;9\r\n", "invalid_positionings",
     "ligne 3"),
    (b"person_id;item;role;level\r\npa;rectec:C01;self;2\r\npa;rectec:C404;self;1\r\n", "invalid_positionings",
     "ligne 3"),
    (b"person_id;item;role;level\r\nghost;rectec:C01;self;2\r\n", "unknown_person", "ghost"),
])
def test_malformed_or_bad_csv_is_refused_and_writes_nothing(
        repo: Repository, people: dict[str, str], data: bytes, code: str, fragment: str) -> None:
    before = _counts(repo)
    with pytest.raises(StoreError) as info:
        repo.import_positionings_csv(data)
    assert info.value.code == code
    assert fragment in info.value.message("fr")
    assert info.value.message_en
    assert _counts(repo) == before


@pytest.mark.parametrize("cell", ["=1+1", "+33 6", "-2", "@x", "\tx", "'=x", "''+y", "ok", "'quoted", ""])
def test_neutralise_is_reversible(cell: str) -> None:
    assert unneutralise(neutralise(cell)) == cell
    assert not neutralise(cell).startswith(("=", "+", "-", "@", "\t"))


def test_parse_reports_every_bad_line_at_once() -> None:
    data = b"person_id;item;role;level\r\npa;rectec:C01;chef;2\r\npa;;self;x\r\n"
    with pytest.raises(StoreError) as info:
        parse_positionings(data)
    assert [d.split(" :")[0] for d in info.value.details] == ["ligne 2", "ligne 3"]


FACTS_PROFILE = """\
person: {id: p7, status: pec, writing: fluent, goal: certification, pec_enrolled_on: 2022-11-30,
         placement_planned: false}
structure: {kind: pec-employer, networks: [{network: rsfp, field: propreté, field_structures: 2}]}
contracts:
  - {kind: cdd, start: 2019-01-01, end: 2020-02-01, job: rsfp:agent-de-nettoyage-de-locaux}
  - {kind: pec, start: 2021-09-15, end: 2022-09-14, job: rsfp:agent-de-nettoyage-de-locaux}
held:
  - {certification: rncp:RNCP37794, outcome: partial, blocs: [rncp:RNCP37794BC01], awarded_on: 2022-06-30,
     jury: Jury DREETS, modality: modality:vae}
target: rncp:RNCP37794
"""


def test_profile_facts_import_export_round_trip(repo: Repository, people: dict[str, str]) -> None:
    from competency_graph.store import facts

    facts.set_network(repo, people["structure"], "rsfp", field="propreté", field_structures=2)
    profile = load_profile(FACTS_PROFILE)
    assert profile.person.pec_enrolled_on == dt.date(2022, 11, 30) and len(profile.contracts or ()) == 2
    profiles_service.import_profile(repo, profile, people["structure"], author_id="acc")
    profiles_service.import_profile(repo, profile, people["structure"], author_id="acc")  # twice: nothing added
    stored = facts.person_facts(repo, "p7")
    assert [c.kind for c in stored.contracts] == ["cdd", "pec"] and len(stored.held) == 1
    assert stored.held[0].blocs == ("rncp:RNCP37794BC01",) and stored.pec_enrolled_on == dt.date(2022, 11, 30)
    assert stored.contracts[1].followups  # the PEC contract got its follow-up schedule
    exported = profiles_service.export_profile(repo, "p7")
    assert exported.contracts == profile.contracts and exported.held == profile.held
    structure = exported.model_dump(exclude_none=True)["structure"]
    assert {"network": "rsfp", "field": "propreté", "field_structures": 2} in structure["networks"]
    assert load_profile(dump_profile(exported)) == exported


def test_every_worked_example_loads_in_the_store_format() -> None:
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[2] / "examples" / "profiles").glob("*.yaml")):
        load_profile(path)


@pytest.mark.parametrize(("text_", "fragment"), [
    ("person: {id: p1, status: esat}\ncontracts: [{kind: job, start: 2020-01-01}]\n", "contracts[0].kind"),
    ("person: {id: p1, status: esat}\ncontracts: [{kind: cdd, start: 2020-01-01, end: 2019-01-01}]\n",
     "contracts[0].end"),
    ("person: {id: p1, status: esat}\nheld: [{certification: rncp:RNCP1, outcome: all, awarded_on: 2020-01-01}]\n",
     "held[0].outcome"),
    ("person: {id: p1, status: esat, pec_enrolled_on: soon}\n", "person.pec_enrolled_on"),
])
def test_bad_profile_facts_are_located(text_: str, fragment: str) -> None:
    with pytest.raises(StoreError) as err:
        load_profile(text_)
    assert fragment in str(err.value.message_fr if hasattr(err.value, "message_fr") else err.value)


def test_an_export_leaves_out_a_free_text_job_or_target_the_format_refuses(repo: Repository,
                                                                           people: dict[str, str]) -> None:
    """Older records may hold a job or a target typed as free text: the exported file leaves them out, so it
    can be read back (by the record's import and by the command line)."""
    from competency_graph.store import ExperienceEntry

    repo.create_person(people["structure"], "Personne C", "esat", person_id="pc", target="CAP cuisine",
                       experience=[ExperienceEntry("plongeur", 12), ExperienceEntry("rome:G1605", 6)])
    exported = profiles_service.export_profile(repo, "pc")
    assert exported.target is None and [e.job for e in exported.experience] == ["rome:G1605"]
    assert load_profile(dump_profile(exported)) == exported
