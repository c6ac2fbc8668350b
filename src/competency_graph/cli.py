"""The ``competency-graph`` command line (offline). Every command exits 0 on success, 1 on a user error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .loader import check_paths, load_bundle
from .problems import ReferentialError, format_problems

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Référentiels de compétences : RECTEC, RAE, RSFP, RNCP, CléA.")

RefsOption = Annotated[
    Optional[list[Path]],
    typer.Option("--referentials", "-r", help="Referential directory or file (repeatable). Default: shipped + imported."),
]


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _bundle(referentials: list[Path] | None):
    try:
        return load_bundle(referentials or None)
    except ReferentialError as exc:
        _fail(format_problems(exc.problems) + f"\n{len(exc.problems)} problem(s); nothing loaded.")


@app.command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or directories (default: referentials/).")] = None,
    shacl: Annotated[bool, typer.Option("--shacl/--no-shacl", help="Also check the SHACL shapes.")] = True,
) -> None:
    """Check referentials: structure, references, levels, then SHACL shapes. Lists every problem."""
    from .settings import referential_dirs

    targets = paths or [p for p in referential_dirs() if p.exists()]
    bundle, problems = check_paths(targets)
    if bundle is not None and shacl:
        from .shacl import check_shapes

        problems = problems + check_shapes(bundle)
    errors = [p for p in problems if p.severity == "error"]
    if problems:
        typer.echo(format_problems(problems), err=True)
    if errors:
        typer.echo(f"{len(errors)} error(s); nothing loaded.", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {len(bundle.referentials)} referential(s), {len(bundle.items)} items, {len(bundle.edges)} links.")


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    referentials: RefsOption = None,
) -> None:
    """Counts per referential and kind, provenance counts and the number of RDF triples."""
    from .rdf import publish
    from .stats import compute_stats

    bundle = _bundle(referentials)
    result = compute_stats(bundle, triples=len(publish(bundle)))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    columns = ["poles", "competencies", "levels", "activities", "trades", "jobs", "certifications", "blocs",
               "modalities", "links", "reconstructed", "provisional", "unverified"]
    header = f"{'referential':28}" + "".join(f"{c[:6]:>8}" for c in columns)
    typer.echo(header)
    for key, row in result["referentials"].items():
        typer.echo(f"{key:28}" + "".join(f"{row[c]:>8}" for c in columns))
    typer.echo(f"{'total':28}" + "".join(f"{result['totals'][c]:>8}" for c in columns))
    typer.echo(f"RDF triples: {result['triples']}")
    for name in ("occupations_without_rectec_link", "occupations_without_rome_link"):
        if result[name]:
            typer.echo(f"{name}: {', '.join(result[name])}")


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    format: Annotated[str, typer.Option("--format", "-f", help="turtle | json-ld | graphml")] = "turtle",
    referentials: RefsOption = None,
    inline_context: Annotated[bool, typer.Option("--inline-context", help="JSON-LD: embed the @context instead of naming its published URL.")] = False,
) -> None:
    """Export the referential graph (RDF Turtle / compact JSON-LD, or the networkx projection as GraphML)."""
    if format not in ("turtle", "json-ld", "graphml"):
        _fail(f"unknown format '{format}': choose turtle, json-ld or graphml")
    bundle = _bundle(referentials)
    if format == "graphml":
        import networkx as nx

        from .network import to_networkx

        graph = to_networkx(bundle)
        for _, data in graph.nodes(data=True):
            for key, value in list(data.items()):
                if value is None:
                    data[key] = ""
        for _, _, data in graph.edges(data=True):
            for key, value in list(data.items()):
                if isinstance(value, list):
                    data[key] = " ".join(value)
        nx.write_graphml(graph, output)
    else:
        from .rdf import publish, serialize

        output.write_text(serialize(publish(bundle), format, inline_context=inline_context), encoding="utf-8")
    typer.echo(f"written {output}")


@app.command("publish-store")
def publish_store(
    location: Annotated[Path, typer.Argument(help="Directory of the Oxigraph store to (re)write.")],
    referentials: RefsOption = None,
) -> None:
    """Write the published graph into an on-disk Oxigraph store, for ``oxigraph serve-read-only --location``
    (then set COMPETENCY_GRAPH_SPARQL_URL to its /query URL)."""
    from .rdf_store import save_store

    count = save_store(_bundle(referentials), location)
    typer.echo(f"{count} triples written to {location}")


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL SELECT/ASK query (read-only).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON rows.")] = False,
    referentials: RefsOption = None,
) -> None:
    """Run a read-only SPARQL query on the referential graph and print a table."""
    from .rdf import publish
    from .sparql import SparqlError, run_query

    bundle = _bundle(referentials)
    try:
        columns, rows = run_query(publish(bundle), sparql)
    except SparqlError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=2))
        return
    widths = [max([len(c), *(len(str(r[i])) for r in rows)]) for i, c in enumerate(columns)]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        typer.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    typer.echo(f"({len(rows)} row(s))", err=True)


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o")] = None,
) -> None:
    """Print (or write) the JSON Schema of the referential format, generated from the pydantic models."""
    from .schema import referential_json_schema

    text = referential_json_schema()
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"written {output}")
    else:
        typer.echo(text)


# -- analysis ------------------------------------------------------------------------------------------------
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="Date the rules are applied at (YYYY-MM-DD).")]
TargetOpt = Annotated[Optional[str], typer.Option("--target", "-t", help="Target id (rae:/rsfp:/rncp:/rome:) or a target-profile YAML file.")]


def _profile(path: Path):
    from .analysis.profile import load_profile

    try:
        return load_profile(path)
    except ReferentialError as exc:
        _fail(format_problems(exc.problems))


def _date(value: str | None):
    import datetime as dt

    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"invalid date '{value}': use YYYY-MM-DD")


def _target(bundle, value: str | None, profile=None):
    from .analysis.profile import TargetProfile
    from .analysis.targets import TargetError, resolve_target

    spec = value if value is not None else (profile.target if profile is not None else None)
    if spec is None:
        _fail("no target: give --target or a 'target' in the profile")
    if isinstance(spec, str) and (spec.endswith((".yaml", ".yml")) or Path(spec).is_file()):
        import yaml

        try:
            spec = TargetProfile.model_validate(yaml.safe_load(Path(spec).read_text(encoding="utf-8")))
        except Exception as exc:  # noqa: BLE001 - shown to the user
            _fail(f"invalid target profile {value}: {exc}")
    try:
        return resolve_target(bundle, spec)
    except TargetError as exc:
        _fail(str(exc))


def _print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command()
def recommend(
    profile_path: Annotated[Path, typer.Argument(metavar="PROFILE.yaml")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Rank the recognition modalities for a person, with reasons, what is missing and sources."""
    from .analysis.recommend import recommend_modalities

    bundle = _bundle(referentials)
    recs = recommend_modalities(bundle, _profile(profile_path), _date(as_of))
    if as_json:
        _print_json([{k: r.to_dict()[k] for k in ("modality", "eligible", "score", "reasons", "missing", "sources",
                                                  "variant", "eligible_from", "value", "tier", "goal_fit",
                                                  "provenance", "duration_source")}
                     for r in recs])
        return
    for rank, rec in enumerate(recs, 1):
        flag = "oui" if rec.eligible else "non"
        variant = f" — {rec.variant_label}" if rec.variant_label else ""
        typer.echo(f"{rank}. {rec.label} [{rec.modality}]{variant} — éligible : {flag} — score {rec.score:.2f}")
        for reason in rec.reasons:
            typer.echo(f"     + {reason}")
        for missing in rec.missing:
            typer.echo(f"     - {missing}")
        for note in rec.provenance:
            typer.echo(f"     ! {note}")


@app.command()
def gaps(
    profile_path: Annotated[Path, typer.Argument(metavar="PROFILE.yaml")],
    target: TargetOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Gaps to a target per item, per pole and overall, with bloc coverage for certifications."""
    from .analysis.coverage import acquired_items, bloc_coverage
    from .analysis.gaps import compute_gaps, gap_provenance

    bundle = _bundle(referentials)
    profile = _profile(profile_path)
    tgt = _target(bundle, target, profile)
    positions = profile.positions_by_item()
    report = compute_gaps(bundle, positions, tgt)
    acquired = acquired_items(bundle, positions)
    coverage = [{"bloc": c.bloc, "label": c.label, "share": round(c.share, 3), "covered": list(c.covered),
                 "total": c.total} for cert in tgt.certifications for c in bloc_coverage(bundle, acquired, cert)]
    provenance = gap_provenance(bundle, tgt)
    if as_json:
        _print_json({**report.to_dict(), "bloc_coverage": coverage, "provenance": provenance})
        return
    typer.echo(f"Cible : {tgt.label} [{tgt.id}] — {report.met}/{report.total} attendus atteints, écart total {report.total_gap}")
    for note in provenance:
        typer.echo(f"  ! {note}")
    for row in report.rows:
        shown = lambda v: "–" if v is None else str(v)  # noqa: E731
        mark = "" if row.confirmed else " (non confirmé)"
        div = f"  écart auto/co {row.divergence:+d}" if row.divergence else ""
        typer.echo(f"  {row.item:32} auto {shown(row.self_level)} · accomp. {shown(row.co_level)} · retenu {row.retained}{mark}"
                   f" · requis {row.required} · écart {row.gap}{div}")
    for cov in coverage:
        typer.echo(f"  bloc {cov['bloc']}: {round(cov['share'] * 100)} % couvert")


@app.command()
def pathway(
    profile_path: Annotated[Path, typer.Argument(metavar="PROFILE.yaml")],
    target: TargetOpt = None,
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """The sequence of recognition steps to a target certification, with durations and blocs."""
    from .analysis.pathway import plan_pathway
    from .analysis.targets import TargetError

    bundle = _bundle(referentials)
    profile = _profile(profile_path)
    try:
        result = plan_pathway(bundle, profile, target, _date(as_of))
    except (TargetError, ValueError) as exc:
        _fail(str(exc))
    if as_json:
        _print_json(result.to_dict())
        return
    typer.echo(f"Parcours vers {result.target_label} [{result.target}] — environ {result.total_months:g} mois")
    for i, step in enumerate(result.steps, 1):
        blocs = f" — blocs : {', '.join(step.blocs)}" if step.blocs else ""
        source = "" if step.duration_source else ", durée non sourcée"
        typer.echo(f"  {i}. {step.label} — à partir du {step.eligible_from:%d/%m/%Y} "
                   f"({step.duration_months:g} mois{source}){blocs}")
        if step.note:
            typer.echo(f"       {step.note}")
    if result.note:
        typer.echo(f"  {result.note}")
    for note in result.provenance:
        typer.echo(f"  ! {note}")


@app.command("course-links")
def course_links(
    profiles_dir: Annotated[Path, typer.Argument(metavar="PROFILES_DIR")],
    target: TargetOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Maillons de parcours for a group: competencies to raise circle by circle, situations, people, hours."""
    from .analysis.course_links import design_course_links

    bundle = _bundle(referentials)
    files = sorted(p for p in Path(profiles_dir).glob("*.y*ml")) if Path(profiles_dir).is_dir() else [Path(profiles_dir)]
    if not files:
        _fail(f"no profile file in {profiles_dir}")
    profiles = [_profile(p) for p in files]
    tgt = _target(bundle, target, profiles[0] if target is None else None)
    links = design_course_links(bundle, profiles, tgt)
    if as_json:
        _print_json([link.to_dict() for link in links])
        return
    typer.echo(f"Maillons de parcours vers {tgt.label} [{tgt.id}] pour {len(profiles)} personne(s)")
    for link in links:
        where = "; ".join(s["label"] for s in link.situations) or "situation à définir"
        typer.echo(f"  {link.order}. {link.title} — {link.hours} h — {len(link.people)} pers. — en situation : {where}")


# -- storage --------------------------------------------------------------------------------------------------
@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    referentials: RefsOption = None,
) -> None:
    """Create the fictional demo structure (ESAT, candidates, accompanist, trainer, a PEC employee, history)."""
    from .store import Repository, StoreError
    from .store.demo import create_demo

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
    from .settings import database_url

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
    from .store import Repository, StoreError

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
    from .security import audit
    from .store import Repository

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
    from .security.backup import backup
    from .security.errors import SecurityError

    url = _database_url()
    _require_sqlite(url, "Sauvegarde", "backup")
    try:
        written = backup(url, path)
    except SecurityError as exc:
        _fail(exc.message_fr)
    from .settings import data_dir

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
    from .exports import person_rdf
    from .security import audit
    from .store import StoreError

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
    from .security.backup import check_backup, restore
    from .security.errors import SecurityError

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

    from .security.backup import backup, sqlite_path

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
    from .store.engine import upgrade

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

    from .store import Repository, StoreError

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


def _read_password(login: str, from_stdin: bool) -> str:
    from .security.accounts import check_password
    from .security.errors import WeakPassword

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Mot de passe / password", hide_input=True,
                                confirmation_prompt="Confirmez le mot de passe / repeat the password")
    try:
        check_password(password, login)
    except WeakPassword as exc:
        _fail(exc.message_fr)
    return password


def _store_failure(exc: Exception) -> None:
    from .security.errors import SecurityError
    from .store import StoreError

    if isinstance(exc, StoreError):
        _fail(exc.message("fr"))
    if isinstance(exc, SecurityError):
        _fail(exc.message_fr)
    raise exc


@app.command("create-user")
def create_user_cmd(
    login: Annotated[str, typer.Option("--login", help="Sign-in name.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    role: Annotated[str, typer.Option("--role", help="candidate | accompanist | trainer | admin")],
    structure: Annotated[str, typer.Option("--structure", help="Structure id where the role applies.")],
    person: Annotated[Optional[str], typer.Option("--person", help="For a candidate: their person record id.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line "
                                                                           "of standard input.")] = False,
) -> None:
    """Create a local account with a password (asked twice, hidden) and a role in a structure."""
    from .security import audit
    from .security.accounts import set_password
    from .security.errors import SecurityError
    from .store import Repository, StoreError
    from .store.models import USER_ROLES

    if role not in USER_ROLES:
        _fail(f"Rôle inconnu / unknown role: {role!r} ({', '.join(USER_ROLES)})")
    password = _read_password(login, password_stdin)
    repo = _open_repository()
    try:
        if repo.find_user_by_login(login) is not None:
            _fail("Cet identifiant de connexion est déjà pris. / This login is already taken.")

        def create(r: Repository) -> str:
            user = r.create_user(login, name, person_id=person)
            r.grant_role(user.id, structure, role)
            audit.record(r, None, "create", "user", record_id=user.id, structure_id=structure)
            set_password(r, user.id, password, must_change=True)  # a first password: changed at first sign-in
            return user.id
        # One transaction: a refused role or structure leaves no account behind.
        user_id = repo.transaction(create)
    except (StoreError, SecurityError) as exc:
        _store_failure(exc)
    finally:
        repo.close()
    typer.echo(f"Compte créé / account created: {login} (id {user_id}, {role} @ {structure})")


@app.command("set-password")
def set_password_cmd(
    login: Annotated[str, typer.Option("--login", help="Sign-in name of an existing account.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line "
                                                                           "of standard input.")] = False,
) -> None:
    """Set a new password for an account (asked twice, hidden); unlocks it and ends its sessions."""
    from .security.accounts import set_password
    from .security.errors import SecurityError
    from .store import StoreError

    repo = _open_repository()
    try:
        user = _existing_user(repo, login)
        # Chosen by the operator, not the user: changed at the next sign-in.
        set_password(repo, user.id, _read_password(login, password_stdin), must_change=True)
    except (StoreError, SecurityError) as exc:
        _store_failure(exc)
    finally:
        repo.close()
    typer.echo(f"Mot de passe changé / password changed: {login}")


@app.command("grant-role")
def grant_role_cmd(
    login: Annotated[str, typer.Option("--login", help="Sign-in name of an existing account.")],
    role: Annotated[str, typer.Option("--role", help="candidate | accompanist | trainer | admin")],
    structure: Annotated[str, typer.Option("--structure", help="Structure id where the role applies.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Take the role away instead.")] = False,
) -> None:
    """Give (or with --revoke take away) a role in a structure to an existing account (audited)."""
    from .security import audit
    from .store import StoreError
    from .store.models import USER_ROLES

    if role not in USER_ROLES:
        _fail(f"Rôle inconnu / unknown role: {role!r} ({', '.join(USER_ROLES)})")
    repo = _open_repository()
    try:
        user = _existing_user(repo, login)

        def change(r):
            changed = (r.revoke_role if revoke else r.grant_role)(user.id, structure, role)
            audit.record(r, None, "change", "user", record_id=user.id, structure_id=structure)
            return changed
        record = repo.transaction(change)  # the role change and its audit entry together
    except StoreError as exc:
        _store_failure(exc)
    finally:
        repo.close()
    roles = ", ".join(f"{r}@{s}" for s, r in record.roles) or "-"
    typer.echo(f"Rôles de {login} / roles: {roles}")


# -- imports --------------------------------------------------------------------------------------------------
def _progress_bar(label: str, quiet: bool):
    """A progress callback ``(done, total)`` drawing a bar on stderr (nothing when quiet)."""
    state: dict[str, object] = {}

    def callback(done: int, total: int) -> None:
        if quiet or not total:
            return
        bar = state.get("bar")
        if bar is None:
            bar = typer.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"], state["done"] = bar, 0
        bar.update(max(0, done - state["done"]))  # type: ignore[union-attr]
        state["done"] = done
        if done >= total:
            bar.__exit__(None, None, None)  # type: ignore[union-attr]

    return callback


@app.command("import-rome")
def import_rome_cmd(
    directory: Annotated[Path, typer.Argument(help="ROME 4.0 CSV bundle (unix_*_utf8.csv).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for rome.json (default: data dir).")] = None,
) -> None:
    """Import the ROME 4.0 bundle (jobs, savoir-faire, savoir-être, savoirs, core flags, mobility) into the graph."""
    from .importers.rome import RomeImportError, import_rome

    try:
        counts = import_rome(directory, output, progress=_progress_bar("ROME", as_json))
    except RomeImportError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(counts)
    else:
        typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command("import-rncp")
def import_rncp_cmd(
    path: Annotated[Path, typer.Argument(help="France compétences export: XML v4.1 file, or the CSV directory.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for rncp.json (default: data dir).")] = None,
) -> None:
    """Import RNCP certifications and blocs (streaming XML, or the CSV export); re-importing updates."""
    from .importers.rncp import RncpImportError, import_rncp

    try:
        counts = import_rncp(path, output, progress=_progress_bar("RNCP", as_json))
    except RncpImportError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(counts)
    else:
        typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command("import-esco")
def import_esco_cmd(
    path: Annotated[Path, typer.Argument(help="ROME ↔ ESCO correspondence CSV (code_rome / code_ogr, uri_esco).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Directory for esco-mapping.json (default: data dir).")] = None,
) -> None:
    """Import a ROME ↔ ESCO correspondence table as SKOS mapping links (docs/esco-mapping.md)."""
    from .importers.esco import EscoImportError, import_esco_mapping

    try:
        counts = import_esco_mapping(path, output)
    except EscoImportError as exc:
        _fail(str(exc))
    typer.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


from .cli_badges import badge_app  # noqa: E402  (sub-commands: badge issuer / rotate-key / verify)

app.add_typer(badge_app, name="badge")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
