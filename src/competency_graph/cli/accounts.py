"""Commands on accounts: create-user, set-password, grant-role."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..messages import t
from .common import _fail, app
from .records import _existing_user, _open_repository


def _read_password(login: str, from_stdin: bool) -> str:
    from ..security.accounts import check_password
    from ..security.errors import WeakPassword

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(t("cli.password"), hide_input=True, confirmation_prompt=t("cli.password_repeat"))
    try:
        check_password(password, login)
    except WeakPassword as exc:
        _fail(exc.message_fr)
    return password


def _store_failure(exc: Exception) -> None:
    from ..security.errors import SecurityError
    from ..store import StoreError

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
    from ..security import audit
    from ..security.accounts import set_password
    from ..security.errors import SecurityError
    from ..store import Repository, StoreError
    from ..store.models import USER_ROLES

    if role not in USER_ROLES:
        _fail(t("cli.unknown_role", role=repr(role), roles=", ".join(USER_ROLES)))
    password = _read_password(login, password_stdin)
    repo = _open_repository()
    try:
        if repo.find_user_by_login(login) is not None:
            _fail(t("cli.login_taken"))

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
    typer.echo(t("cli.account_created", login=login, id=user_id, role=role, structure=structure))


@app.command("set-password")
def set_password_cmd(
    login: Annotated[str, typer.Option("--login", help="Sign-in name of an existing account.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line "
                                                                           "of standard input.")] = False,
) -> None:
    """Set a new password for an account (asked twice, hidden); unlocks it and ends its sessions."""
    from ..security.accounts import set_password
    from ..security.errors import SecurityError
    from ..store import StoreError

    repo = _open_repository()
    try:
        user = _existing_user(repo, login)
        # Chosen by the operator, not the user: changed at the next sign-in.
        set_password(repo, user.id, _read_password(login, password_stdin), must_change=True)
    except (StoreError, SecurityError) as exc:
        _store_failure(exc)
    finally:
        repo.close()
    typer.echo(t("cli.password_changed", login=login))


@app.command("grant-role")
def grant_role_cmd(
    login: Annotated[str, typer.Option("--login", help="Sign-in name of an existing account.")],
    role: Annotated[str, typer.Option("--role", help="candidate | accompanist | trainer | admin")],
    structure: Annotated[str, typer.Option("--structure", help="Structure id where the role applies.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Take the role away instead.")] = False,
) -> None:
    """Give (or with --revoke take away) a role in a structure to an existing account (audited)."""
    from ..security import audit
    from ..store import StoreError
    from ..store.models import USER_ROLES

    if role not in USER_ROLES:
        _fail(t("cli.unknown_role", role=repr(role), roles=", ".join(USER_ROLES)))
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
    typer.echo(t("cli.roles", login=login, roles=roles))
