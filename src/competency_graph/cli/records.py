"""Commands on the record database: demo data, backup and restore, a person's export, orphan files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..messages import t
from .common import RefsOption, _bundle, _fail, _print_json, app


@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Create the fictional demo structure (ESAT, candidates, accompanist, trainer, a PEC employee, history)."""
    from ..store import Repository, StoreError
    from ..store.demo import create_demo

    bundle = _bundle(referentials)
    try:
        repo = Repository.open(catalog=bundle)
        summary = create_demo(repo, catalog=bundle)
    except StoreError as exc:
        _fail(exc.message("fr"))
    result = {"structure": summary.structure_id, "created": summary.created, "people": len(summary.people),
              "users": summary.users}
    if as_json:
        _print_json(result)
    else:
        typer.echo(t("cli.demo.created" if summary.created else "cli.demo.present", structure=summary.structure_id,
                     people=len(summary.people)))


# -- administration (record database) -------------------------------------------------------------------------
def _database_url() -> str:
    from ..settings import database_url

    return database_url()


def _require_sqlite(url: str, action: str) -> None:
    """Exit unless ``url`` is SQLite; ``action`` is ``backup`` or ``restore`` (``cli.sqlite_only.<action>``)."""
    from sqlalchemy.engine import make_url

    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # noqa: BLE001 - a malformed URL is a user error
        _fail(t("cli.bad_database_url"))
    if backend in ("postgresql", "postgres"):
        _fail(t(f"cli.sqlite_only.{action}"))


def _open_repository():
    """The record database (migrated), or exit with the store's French message."""
    from ..store import Repository, StoreError

    try:
        return Repository.open(_database_url())
    except StoreError as exc:
        _fail(exc.message("fr"))


def _existing_user(repo, login: str):
    user = repo.find_user_by_login(login)
    if user is None:
        _fail(f"Compte inconnu / unknown account: {login!r}")
    return user


def _audit_operation(url: str, action: str, record_kind: str) -> None:
    """Append an audit entry for an operation run from the command line (no signed-in actor)."""
    from ..security import audit
    from ..store import Repository

    try:
        repo = Repository.open(url, migrate=False)
        try:
            audit.record(repo, None, action, record_kind)
        finally:
            repo.close()
    except Exception as exc:  # noqa: BLE001 - the operation itself succeeded; say the log entry is missing
        typer.echo(t("cli.audit_not_written", error=type(exc).__name__), err=True)


@app.command("backup")
def backup_cmd(
    path: Annotated[Path, typer.Argument(help="Backup file to create (never overwritten).")],
) -> None:
    """Online backup of the SQLite record database (consistent while the app runs). PostgreSQL: pg_dump."""
    from ..security.backup import backup
    from ..security.errors import SecurityError

    url = _database_url()
    _require_sqlite(url, "backup")
    try:
        written = backup(url, path)
    except SecurityError as exc:
        _fail(exc.message_fr)
    from ..settings import data_dir

    # A backup is a copy of everybody's record: it is logged like an export.
    _audit_operation(url, "export", "database_backup")
    typer.echo(t("cli.backup_written", path=written))
    typer.echo(t("cli.backup_files_apart", path=data_dir() / "files"), err=True)


@app.command("export-person")
def export_person_cmd(
    person_id: Annotated[str, typer.Argument(help="Id of the person whose positionings are exported.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="turtle or json-ld")] = "turtle",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    comments: Annotated[bool, typer.Option("--comments", help="Include the positioning comments.")] = False,
) -> None:
    """One person's positionings as a separate, pseudonymous RDF graph (never the referential graph); logged."""
    from ..exports import person_rdf
    from ..security import audit
    from ..store import StoreError

    if fmt not in ("turtle", "json-ld"):
        _fail(t("cli.unknown_format"))
    repo = _open_repository()
    try:
        try:
            person = repo.get_person(person_id)
        except StoreError as exc:
            _fail(str(exc))
        graph = person_rdf.person_graph(repo, person_id, pseudonym=audit.pseudonym(repo, f"rdf-export:{person_id}"),
                                        include_comments=comments)
        text = person_rdf.person_turtle(graph) if fmt == "turtle" else person_rdf.person_jsonld(graph)
        audit.record(repo, None, "export", "positionings_rdf", person_id=person_id, structure_id=person.structure_id)
    finally:
        repo.close()
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(t("cli.person_graph_written", path=output, triples=len(graph)), err=True)


@app.command("restore")
def restore_cmd(
    path: Annotated[Path, typer.Argument(help="A backup file made by `competency-graph backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the SQLite record database with a backup (checked first). Asks for confirmation."""
    from ..security.backup import check_backup, restore
    from ..security.errors import SecurityError

    url = _database_url()
    _require_sqlite(url, "restore")
    try:
        check_backup(path)
    except SecurityError as exc:
        _fail(exc.message_fr)
    if not yes:
        # Accept the French answer (o/oui) as well as y/yes; anything else keeps the database.
        answer = typer.prompt(t("cli.restore_confirm"), default="n", show_default=False)
        if answer.strip().lower() not in ("o", "oui", "y", "yes"):
            _fail(t("cli.restore_cancelled"))
    import datetime as dt

    from ..security.backup import backup, sqlite_path

    current = sqlite_path(url)
    try:
        if current.is_file():
            # Keep what is about to be replaced, in case the wrong backup was chosen.
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = backup(url, current.with_name(f"{current.stem}.before-restore-{stamp}{current.suffix}"))
            typer.echo(t("cli.database_kept", path=kept), err=True)
        again = restore(path, url)
        if again:
            typer.echo(t("cli.erased_again", count=again), err=True)
    except SecurityError as exc:
        _fail(exc.message_fr)
    from ..store.engine import upgrade

    upgrade(url)  # a backup made by an older version gets this version's schema
    _audit_operation(url, "change", "database_restore")
    typer.echo(t("cli.restored", path=path))


@app.command("clean-files")
def clean_files_cmd(
    delete: Annotated[bool, typer.Option("--delete", help="Remove them (default: only count them).")] = False,
    hours: Annotated[float, typer.Option("--hours", help="Only files untouched for this many hours.")] = 1.0,
) -> None:
    """Evidence files no record points to (left by a crash or a database outage during an upload)."""
    import datetime as dt

    from ..store import Repository, StoreError

    try:
        repo = Repository.open(_database_url())
        try:
            older_than = dt.timedelta(hours=hours)
            if delete:
                count = repo.remove_orphan_files(older_than=older_than)
                typer.echo(t("cli.orphans_removed", count=count))
            else:
                count = len(repo.orphan_files(older_than=older_than))
                typer.echo(t("cli.orphans", count=count) + (t("cli.orphans_hint") if count else ""))
        finally:
            repo.close()
    except StoreError as exc:
        _fail(exc.message("fr"))
