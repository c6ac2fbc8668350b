"""No raw traceback for users: a friendly French message on screen, a log line without personal data."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import OperationalError

from ..problems import ReferentialError
from ..settings import SettingsError
from ..store import StoreError
from .i18n import t

__all__ = ["guard", "show_refusal", "log_failure"]

log = logging.getLogger("competency_graph.app")


def log_failure(where: str, exc: BaseException) -> None:
    """Log the exception type and where it happened (file, line, function) only: the message and the source
    lines may quote what a user typed."""
    frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                         for f in reversed(traceback.extract_tb(exc.__traceback__)[-6:]))
    log.error("unexpected error in %s: %s at %s", where, type(exc).__name__, frames)


#: store errors that are not a refusal of what the user did: the database is away (restart, network)
UNAVAILABLE = ("database_unavailable", "database_commit_unknown")


def show_refusal(error: StoreError) -> None:
    """A refused operation (nothing was written): the store's French message. An unreachable database is
    said as such (it is not the user's fault), with the store's advice."""
    if error.code in UNAVAILABLE:
        st.warning(t("error.unavailable", message=error.message("fr")))
        log.warning("database unavailable code=%s", error.code)
        return
    st.error(t("error.refused", message=error.message("fr")))
    log.info("operation refused code=%s", error.code)


@contextmanager
def guard(where: str) -> Iterator[None]:
    """Run a page (or part of it): a :class:`StoreError` shows its French message; anything else a generic
    message. Streamlit's own control flow (rerun, stop, switch page) is a BaseException and passes through."""
    try:
        yield
    except StoreError as error:
        show_refusal(error)
    except SettingsError as exc:  # a setting not understood: nothing starts (the variable named, no value logged)
        log.error("settings refused in %s: %s", where, exc.variable)
        st.error(t("error.settings", message=exc.message_fr))
    except ReferentialError as exc:
        log.error("referentials cannot be loaded in %s: %d problem(s)", where, len(exc.problems))
        st.error(t("error.referentials"))
    except OperationalError as exc:
        log_failure(where, exc)
        st.error(t("error.database"))
    except Exception as exc:  # noqa: BLE001 - the user sees a message, the operator the log line
        log_failure(where, exc)
        st.error(t("error.generic"))
