"""``competency-graph badge …``: issuer keys (create, rotate) and offline verification of signed badges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..messages import t

badge_app = typer.Typer(add_completion=False, no_args_is_help=True, help=t("cli.badge.help"))


def _credential_from(path: Path) -> dict:
    from ..exports import badge_image

    data = path.read_bytes()
    if data.startswith(b"\x89PNG"):
        found = badge_image.unbake_png(data)
    elif path.suffix.lower() == ".svg" or data.lstrip().startswith(b"<"):
        found = badge_image.unbake_svg(data.decode("utf-8"))
    else:
        found = json.loads(data.decode("utf-8"))
    if not isinstance(found, dict):
        typer.echo(t("cli.badge.none_found", name=path.name), err=True)
        raise typer.Exit(1)
    return found


@badge_app.command("issuer")
def issuer_cmd(
    structure: Annotated[str, typer.Argument(help="Structure id (as stored).")],
    domain: Annotated[Optional[str], typer.Option(help="did:web domain (default $COMPETENCY_GRAPH_ISSUER_DOMAIN).")] = None,
) -> None:
    """Show (creating it on first use) the structure's issuer DID and where its DID document lives."""
    from ..exports.signing import issuer_for

    issuer = issuer_for(structure, domain=domain)
    typer.echo(t("cli.badge.issuer", did=issuer.did, key=issuer.key_id, document=issuer.directory / "did.json"))


@badge_app.command("rotate-key")
def rotate_key_cmd(
    structure: Annotated[str, typer.Argument(help="Structure id (as stored).")],
    retire_previous: Annotated[bool, typer.Option("--retire-previous", help="Also withdraw the previous public keys: badges they signed stop verifying.")] = False,
) -> None:
    """Make a new Ed25519 signing key for the structure (private key file mode 0600)."""
    from ..exports.signing import rotate_key

    issuer = rotate_key(structure, retire_previous=retire_previous)
    kept = len(issuer.did_document.get("assertionMethod", []))
    typer.echo(t("cli.badge.new_key", key=issuer.key_id, kept=kept, document=issuer.directory / "did.json"))


@badge_app.command("verify")
def verify_cmd(
    path: Annotated[Path, typer.Argument(help="Badge: JSON-LD credential, baked PNG or baked SVG.")],
    did_document: Annotated[Optional[Path], typer.Option("--did-document", help="Issuer DID document (default: the local issuers).")] = None,
) -> None:
    """Check a badge's eddsa-rdfc-2022 signature and 1EdTech's official schema. Exit 1 when invalid."""
    from ..exports.openbadges import schema_errors
    from ..exports.signing import verify

    if not path.is_file():
        typer.echo(t("cli.badge.no_file", path=path), err=True)
        raise typer.Exit(1)
    try:
        credential = _credential_from(path)
    except (ValueError, UnicodeDecodeError) as exc:
        typer.echo(t("cli.badge.unreadable", name=path.name, error=exc.__class__.__name__), err=True)
        raise typer.Exit(1) from None
    doc = json.loads(did_document.read_text(encoding="utf-8")) if did_document else None
    result = verify(credential, did_document=doc)
    problems = schema_errors(credential)
    typer.echo(("✔ " if result.verified else "✘ ") + result.message)
    if problems:
        typer.echo(t("cli.badge.schema_errors", count=len(problems), first=problems[0]))
    else:
        typer.echo(t("cli.badge.schema_ok"))
    if not result.verified or problems:
        raise typer.Exit(1)
