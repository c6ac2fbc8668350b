"""Administration commands: backup / restore of the SQLite database, create-user and grant-role."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from competency_graph.cli import app
from competency_graph.security.accounts import authenticate, must_change_password, session_user
from competency_graph.security.audit import list_audit
from competency_graph.security.errors import AuthError
from competency_graph.store import Repository
from competency_graph.store.security_models import AuditEntry

runner = CliRunner()
GOOD_PASSWORD = "Tilleuls-vert-2026!"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite database with one structure, configured as the CLI's database."""
    url = f"sqlite:///{tmp_path / 'record.sqlite'}"
    monkeypatch.setenv("COMPETENCY_GRAPH_DATABASE_URL", url)
    monkeypatch.setenv("COMPETENCY_GRAPH_DATA_DIR", str(tmp_path / "data"))
    repo = Repository.open(url)
    repo.create_structure("ESAT S", "esat", networks=["rae"])
    repo.close()
    return url


def _structure(url: str) -> str:
    repo = Repository.open(url)
    try:
        return repo.list_structures()[0].id
    finally:
        repo.close()


def _user_count(url: str) -> int:
    repo = Repository.open(url)
    try:
        return len(repo.list_users())
    finally:
        repo.close()


def _audit_kinds(repo: Repository) -> list[tuple[str, str]]:
    with repo.engine.connect() as c:
        return [(r.action, r.record_kind) for r in c.execute(select(AuditEntry).order_by(AuditEntry.id))]


# -- backup / restore -------------------------------------------------------------------------------------------

def test_backup_then_restore_brings_back_the_saved_state(db: str, tmp_path: Path) -> None:
    structure = _structure(db)
    saved = tmp_path / "save" / "backup.sqlite"
    result = runner.invoke(app, ["backup", str(saved)])
    assert result.exit_code == 0, result.output
    assert saved.is_file() and stat.S_IMODE(os.stat(saved).st_mode) == 0o600  # personal data: owner only
    repo = Repository.open(db)
    assert _audit_kinds(repo) == [("export", "database_backup")]  # a copy of everyone's record is logged
    repo.create_structure("Ajoutée après la sauvegarde", "ea")
    repo.close()

    result = runner.invoke(app, ["restore", str(saved)], input="n\n")
    assert result.exit_code == 1 and "annulée" in result.output
    repo = Repository.open(db)
    assert len(repo.list_structures()) == 2  # refusing the confirmation changed nothing
    repo.close()

    result = runner.invoke(app, ["restore", str(saved)], input="o\n")
    assert result.exit_code == 0, result.output
    repo = Repository.open(db)
    assert [s.id for s in repo.list_structures()] == [structure]
    kept = list((tmp_path).glob("record.before-restore-*.sqlite"))  # what was replaced is kept, owner-only
    assert len(kept) == 1 and stat.S_IMODE(os.stat(kept[0]).st_mode) == 0o600
    before = Repository.open(f"sqlite:///{kept[0]}", migrate=False)
    assert len(before.list_structures()) == 2
    before.close()
    # The restored log is the backup's (taken before the backup logged itself), plus the restore.
    assert _audit_kinds(repo) == [("change", "database_restore")]
    repo.close()


def test_backup_never_overwrites(db: str, tmp_path: Path) -> None:
    existing = tmp_path / "exists.sqlite"
    existing.write_bytes(b"keep me")
    result = runner.invoke(app, ["backup", str(existing)])
    assert result.exit_code == 1 and "existe déjà" in result.output
    assert existing.read_bytes() == b"keep me"


def test_backup_and_restore_refuse_postgresql_and_suggest_pg_dump(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COMPETENCY_GRAPH_DATABASE_URL", "postgresql://app@db.example/records")
    for command in (["backup", str(tmp_path / "b.sqlite")], ["restore", "--yes", str(tmp_path / "b.sqlite")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert "pg_dump" in result.output and "SQLite" in result.output
    assert not (tmp_path / "b.sqlite").exists()


def _not_ours(tmp_path: Path) -> dict[str, Path]:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x07" * 2000)
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    conn.close()
    future = tmp_path / "future.sqlite"
    with sqlite3.connect(future) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('ffffffffffff')")
    conn.close()
    return {"missing": tmp_path / "missing.sqlite", "garbage": garbage, "foreign": foreign, "future": future}


@pytest.mark.parametrize("kind", ["missing", "garbage", "foreign", "future"])
def test_restore_refuses_what_is_not_one_of_our_backups(db: str, tmp_path: Path, kind: str) -> None:
    before = Path(db.removeprefix("sqlite:///")).read_bytes()
    result = runner.invoke(app, ["restore", "--yes", str(_not_ours(tmp_path)[kind])])
    assert result.exit_code == 1
    assert ("sauvegarde valide" in result.output) if kind != "future" else ("plus récente" in result.output)
    assert Path(db.removeprefix("sqlite:///")).read_bytes() == before


# -- accounts -----------------------------------------------------------------------------------------------------

def test_create_user_with_a_prompted_password_who_can_then_sign_in(db: str) -> None:
    structure = _structure(db)
    result = runner.invoke(app, ["create-user", "--login", "marie.admin", "--name", "Marie", "--role", "admin",
                                 "--structure", structure], input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert GOOD_PASSWORD not in result.output  # the prompt hides it
    repo = Repository.open(db)
    try:
        user = repo.find_user_by_login("marie.admin")
        assert user is not None and user.roles == ((structure, "admin"),)
        token = authenticate(repo, "marie.admin", GOOD_PASSWORD)
        # A first password chosen at the command line opens nothing until the user changes it.
        assert session_user(repo, token) is None
        assert session_user(repo, token, allow_pending=True).id == user.id  # type: ignore[union-attr]
        assert must_change_password(repo, user.id)
        created = list_audit(repo, user.id, action="create")
        assert [(e.record_kind, e.record_id, e.actor_id) for e in created] == [("user", user.id, None)]
    finally:
        repo.close()


def test_create_user_reads_the_password_from_stdin(db: str) -> None:
    structure = _structure(db)
    result = runner.invoke(app, ["create-user", "--login", "paul", "--name", "Paul", "--role", "accompanist",
                                 "--structure", structure, "--password-stdin"], input=f"{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    repo = Repository.open(db)
    try:
        assert authenticate(repo, "paul", GOOD_PASSWORD)
    finally:
        repo.close()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    ([], "motdepasse\n", "au moins 12"),                      # too short
    ([], "azertyuiopqsdf\n", "trop facile"),                   # keyboard row
    ([], "jeanne.dupont-2026\n", "trop facile"),               # contains the login
    (["--role", "chef"], f"{GOOD_PASSWORD}\n", "Rôle inconnu"),
    (["--structure", "nowhere"], f"{GOOD_PASSWORD}\n", "Structure introuvable"),
    (["--person", "nobody"], f"{GOOD_PASSWORD}\n", "introuvable"),
])
def test_create_user_refusals_leave_no_account(db: str, args: list[str], stdin: str, message: str) -> None:
    base = {"--login": "jeanne.dupont", "--name": "Jeanne", "--role": "candidate", "--structure": _structure(db)}
    for key, value in zip(args[::2], args[1::2]):
        base[key] = value
    command = ["create-user", "--password-stdin"] + [x for pair in base.items() for x in pair]
    result = runner.invoke(app, command, input=stdin)
    assert result.exit_code == 1
    assert message in result.output
    assert _user_count(db) == 0


def test_create_user_prompt_must_match(db: str) -> None:
    result = runner.invoke(app, ["create-user", "--login", "l", "--name", "N", "--role", "admin",
                                 "--structure", _structure(db)], input=f"{GOOD_PASSWORD}\nautre-chose-2026\n")
    assert result.exit_code != 0
    assert _user_count(db) == 0


def test_create_user_refuses_a_taken_login(db: str) -> None:
    structure = _structure(db)
    command = ["create-user", "--login", "ana", "--name", "Ana", "--role", "trainer", "--structure", structure,
               "--password-stdin"]
    assert runner.invoke(app, command, input=f"{GOOD_PASSWORD}\n").exit_code == 0
    result = runner.invoke(app, command, input=f"{GOOD_PASSWORD}\n")
    assert result.exit_code == 1 and "déjà pris" in result.output
    assert _user_count(db) == 1


def test_grant_and_revoke_a_role(db: str) -> None:
    structure = _structure(db)
    runner.invoke(app, ["create-user", "--login", "ana", "--name", "Ana", "--role", "trainer", "--structure",
                        structure, "--password-stdin"], input=f"{GOOD_PASSWORD}\n")
    result = runner.invoke(app, ["grant-role", "--login", "ana", "--role", "accompanist", "--structure", structure])
    assert result.exit_code == 0, result.output
    assert f"accompanist@{structure}" in result.output and f"trainer@{structure}" in result.output
    result = runner.invoke(app, ["grant-role", "--login", "ana", "--role", "trainer", "--structure", structure,
                                 "--revoke"])
    assert result.exit_code == 0 and "trainer" not in result.output
    result = runner.invoke(app, ["grant-role", "--login", "ghost", "--role", "admin", "--structure", structure])
    assert result.exit_code == 1 and "inconnu" in result.output


def test_a_backup_from_an_older_version_is_brought_to_the_current_schema(db: str, tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from competency_graph.store.engine import alembic_config, current_revision, head_revision, make_engine, upgrade

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    oldest = list(script.walk_revisions())[-1].revision
    assert oldest != head_revision()
    old_db = tmp_path / "old.sqlite"
    upgrade(f"sqlite:///{old_db}", revision=oldest)
    result = runner.invoke(app, ["restore", "--yes", str(old_db)])
    assert result.exit_code == 0, result.output
    engine = make_engine(db)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_set_password_replaces_the_old_one_and_ends_sessions(db: str) -> None:
    structure = _structure(db)
    runner.invoke(app, ["create-user", "--login", "ana", "--name", "Ana", "--role", "trainer", "--structure",
                        structure, "--password-stdin"], input=f"{GOOD_PASSWORD}\n")
    repo = Repository.open(db)
    token = authenticate(repo, "ana", GOOD_PASSWORD)
    repo.close()
    new_password = "Marronnier-rouge-77"
    result = runner.invoke(app, ["set-password", "--login", "ana"], input=f"{new_password}\n{new_password}\n")
    assert result.exit_code == 0, result.output
    repo = Repository.open(db)
    try:
        assert session_user(repo, token) is None
        assert authenticate(repo, "ana", new_password)
        with pytest.raises(AuthError):
            authenticate(repo, "ana", GOOD_PASSWORD)
    finally:
        repo.close()
    result = runner.invoke(app, ["set-password", "--login", "ana", "--password-stdin"], input="court\n")
    assert result.exit_code == 1 and "au moins 12" in result.output
    result = runner.invoke(app, ["set-password", "--login", "ghost", "--password-stdin"], input=f"{new_password}\n")
    assert result.exit_code == 1 and "inconnu" in result.output


def test_clean_files_counts_then_removes_orphans(db: str, tmp_path: Path) -> None:
    from competency_graph.store.files import FileStore

    store = FileStore(tmp_path / "data" / "files")  # the CLI's store: $COMPETENCY_GRAPH_DATA_DIR/files
    staged = store.stage(b"%PDF-1.4 no record points to me")
    store.commit(staged)
    old = 0.0
    os.utime(store.path(staged.sha256), (old, old))
    result = runner.invoke(app, ["clean-files"])
    assert result.exit_code == 0 and "orphan files: 1" in result.output
    assert store.exists(staged.sha256)
    result = runner.invoke(app, ["clean-files", "--delete"])
    assert result.exit_code == 0 and "removed: 1" in result.output
    assert not store.exists(staged.sha256)


# -- export-person ------------------------------------------------------------------------------------------------

def test_export_person_writes_a_separate_pseudonymous_graph_and_logs_it(db: str, tmp_path: Path) -> None:
    from rdflib import Graph, URIRef

    from competency_graph.ids import mint_iri
    from competency_graph.store import StaticCatalog

    repo = Repository.open(db, catalog=StaticCatalog({"rectec:C01": ((1, 4), "2019")}))
    try:
        person = repo.create_person(_structure(db), "Camille Exemple", "esat")
        repo.record_positioning(person.id, "rectec:C01", role="self", level=2, comment="note privée")
    finally:
        repo.close()
    out = tmp_path / "person.ttl"
    result = runner.invoke(app, ["export-person", person.id, "-f", "turtle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    assert (None, None, URIRef(mint_iri("rectec:C01"))) in graph
    # pseudonymous and minimised: neither the id, the name nor the comment (not asked for) is in the export
    assert person.id not in text and "Camille" not in text and "note privée" not in text
    repo = Repository.open(db)
    try:
        assert ("export", "positionings_rdf") in _audit_kinds(repo)
    finally:
        repo.close()
    as_jsonld = runner.invoke(app, ["export-person", person.id, "-f", "json-ld"])
    assert as_jsonld.exit_code == 0 and '"@graph"' in as_jsonld.output


def test_export_person_refuses_an_unknown_person_and_format(db: str) -> None:
    unknown = runner.invoke(app, ["export-person", "no-such-person"])
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output
    bad_format = runner.invoke(app, ["export-person", "x", "-f", "xml"])
    assert bad_format.exit_code != 0 and "turtle ou json-ld" in bad_format.output
