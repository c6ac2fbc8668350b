"""The UI's access to the message catalogue: every string a user reads goes through :func:`t`.

The catalogue itself is a data file, ``competency_graph/messages/fr.yaml``: add new keys THERE (one block per
feature, easy-read variants as ``key.easy``), not in this module.
"""

from __future__ import annotations

from ..messages import FR, LANGUAGE, label, t, t_easy

__all__ = ["t", "t_easy", "label", "FR", "LANGUAGE"]
