"""Commands on the record database: demo data, backup and restore, a person's export, orphan files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
        state = "créée" if summary.created else "déjà présente"
        typer.echo(f"Structure de démonstration {state} : {summary.structure_id} ({len(summary.people)} personnes)")


# -- administration (record database) -------------------------------------------------------------------------
def _database_url() -> str:
    from ..settings import database_url

    return database_url()


def _require_sqlite(url: str, action_fr: str, action_en: str) -> None:
    from sqlalchemy.engine import make_url

    try:
        backend = make_url(url).get_backend_name()
    except Exception:  # noqa: BLE001 - a malformed URL is a user error
        _fail("Adresse de base invalide (COMPETENCY_GRAPH_DATABASE_URL). / Invalid database URL.")
    if backend in ("postgresql", "postgres"):
        _fail(f"{action_fr} intégrée : base SQLite seulement. Pour PostgreSQL, utilisez pg_dump / pg_restore "
              f"(ex. pg_dump -Fc -f sauvegarde.dump <base>).\n"
              f"Built-in {action_en} is for SQLite only. For PostgreSQL use pg_dump / pg_restore.")


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
        typer.echo(f"Attention : entrée du journal d'audit non écrite / audit entry not written "
                   f"({type(exc).__name__})", err=True)


@app.command("backup")
def backup_cmd(
    path: Annotated[Path, typer.Argument(help="Backup file to create (never overwritten).")],
) -> None:
    """Online backup of the SQLite record database (consistent while the app runs). PostgreSQL: pg_dump."""
    from ..security.backup import backup
    from ..security.errors import SecurityError

    url = _database_url()
    _require_sqlite(url, "Sauvegarde", "backup")
    try:
        written = backup(url, path)
    except SecurityError as exc:
        _fail(exc.message_fr)
    from ..settings import data_dir

    # A backup is a copy of everybody's record: it is logged like an export.
    _audit_operation(url, "export", "database_backup")
    typer.echo(f"Sauvegarde écrite / backup written: {written}")
    typer.echo(f"Les fichiers de preuves se sauvegardent à part / evidence files are backed up separately: "
               f"{data_dir() / 'files'}", err=True)


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
        _fail("Format inconnu : turtle ou json-ld. / Unknown format: turtle or json-ld.")
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
        typer.echo(f"Graphe de la personne écrit / person graph written: {output} ({len(graph)} triples)", err=True)


@app.command("restore")
def restore_cmd(
    path: Annotated[Path, typer.Argument(help="A backup file made by `competency-graph backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the SQLite record database with a backup (checked first). Asks for confirmation."""
    from ..security.backup import check_backup, restore
    from ..security.errors import SecurityError

    url = _database_url()
    _require_sqlite(url, "Restauration", "restore")
    try:
        check_backup(path)
    except SecurityError as exc:
        _fail(exc.message_fr)
    if not yes:
        # Accept the French answer (o/oui) as well as y/yes; anything else keeps the database.
        answer = typer.prompt("Remplacer tout le contenu de la base par cette sauvegarde ? / Replace the whole "
                              "database with this backup? [o/N]", default="n", show_default=False)
        if answer.strip().lower() not in ("o", "oui", "y", "yes"):
            _fail("Restauration annulée. / Restore cancelled.")
    import datetime as dt

    from ..security.backup import backup, sqlite_path

    current = sqlite_path(url)
    try:
        if current.is_file():
            # Keep what is about to be replaced, in case the wrong backup was chosen.
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = backup(url, current.with_name(f"{current.stem}.before-restore-{stamp}{current.suffix}"))
            typer.echo(f"Base actuelle conservée / current database kept: {kept}", err=True)
        again = restore(path, url)
        if again:
            typer.echo(f"Attention : {again} personne(s) effacée(s) après cette sauvegarde y figuraient encore ; "
                       f"effacée(s) à nouveau. / Warning: {again} person(s) erased after this backup were "
                       "erased again.", err=True)
    except SecurityError as exc:
        _fail(exc.message_fr)
    from ..store.engine import upgrade

    upgrade(url)  # a backup made by an older version gets this version's schema
    _audit_operation(url, "change", "database_restore")
    typer.echo(f"Base restaurée depuis / database restored from: {path}")


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
                typer.echo(f"Fichiers orphelins supprimés / orphan files removed: {count}")
            else:
                count = len(repo.orphan_files(older_than=older_than))
                typer.echo(f"Fichiers orphelins / orphan files: {count}"
                           + (" (--delete pour les supprimer / to remove them)" if count else ""))
        finally:
            repo.close()
    except StoreError as exc:
        _fail(exc.message("fr"))
