"""What a user reads when something fails: a refusal, an unreachable database, an unexpected error."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from competency_graph.messages import t

_KEY = {"access_denied": "access_denied.read"}  # that code has one sentence per case


def _page(code: str) -> None:
    from competency_graph.store import StoreError
    from competency_graph.ui import errors

    with errors.guard("test"):
        if code == "boom":
            raise RuntimeError("secret detail")
        raise StoreError(code=code, message={"access_denied": "access_denied.read"}.get(code))  # as _KEY


@pytest.mark.parametrize(("code", "kind", "refused"), [
    ("database_unavailable", "warning", False),
    ("database_commit_unknown", "warning", False),
    ("access_denied", "error", True),
])
def test_store_errors_are_french_and_an_outage_is_not_called_a_refusal(code: str, kind: str, refused: bool) -> None:
    at = AppTest.from_function(_page, args=(code,)).run()
    assert not at.exception
    shown = [e.value for e in getattr(at, kind)]
    assert shown and t(f"errors.{_KEY.get(code, code)}") in shown[0]
    assert shown[0].startswith("Action refusée") is refused


def test_an_unexpected_error_shows_no_detail() -> None:
    at = AppTest.from_function(_page, args=("boom",)).run()
    assert not at.exception
    assert at.error and "secret detail" not in at.error[0].value


@pytest.mark.parametrize(("variable", "value"), [("COMPETENCY_GRAPH_MODE", "prod"),
                                                 ("COMPETENCY_GRAPH_MODEE", "production"),
                                                 ("COMPETENCY_GRAPH_PROXY_HOPS", "beaucoup")])
def test_the_app_refuses_to_start_on_a_setting_it_does_not_understand(monkeypatch, variable: str, value: str) -> None:
    """No sign-in page, no demo picker: the French message naming the variable, and nothing else."""
    from apphelpers import APP

    monkeypatch.setenv(variable, value)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and "mal configuré" in at.error[0].value and variable in at.error[0].value
    assert not at.title and not at.radio and not at.text_input  # the sign-in page never ran
