"""The condition registry lives in :mod:`competency_graph.conditions` (the core: the model is built from it);
this name is kept for the callers of the analysis package."""

from __future__ import annotations

from ..conditions import *  # noqa: F403
from ..conditions import __all__  # noqa: F401
