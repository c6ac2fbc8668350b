"""What is the same for the whole of one Streamlit script run, and new at the next (issue #19).

A page's run checked the session three times (the button's callback, ``app.py``, the page) and listed the
referential files four times (each ``cache.context()``); :func:`run_marker` lets them do it once per run.
"""

from __future__ import annotations

__all__ = ["run_marker"]


def run_marker() -> object | None:
    """An object that stays the same for one script run (its widget callbacks included) and is replaced at the
    next: the run context's cursor table, which Streamlit builds afresh when a run starts (AppTest too). None
    outside a script run (then nothing is reused)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
    except Exception:  # noqa: BLE001 - another Streamlit layout: no reuse, every call does its work
        return None
    return getattr(ctx, "cursors", None) if ctx is not None else None
