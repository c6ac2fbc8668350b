"""The one error type of the store: a stable code, a French message and an English one."""

from __future__ import annotations

__all__ = ["StoreError"]


class StoreError(Exception):
    """A refused operation. Nothing was written when this is raised.

    ``code`` is stable (tests and the UI rely on it); ``message_fr`` is shown to users first,
    ``message_en`` is for logs of operators and English speakers. ``details`` lists extra lines
    (e.g. every bad CSV row), in French. Messages never carry names or free-text comments.
    """

    def __init__(self, code: str, message_fr: str, message_en: str, details: list[str] | None = None) -> None:
        super().__init__(f"[{code}] {message_fr} / {message_en}")
        self.code = code
        self.message_fr = message_fr
        self.message_en = message_en
        self.details = list(details or [])

    def message(self, lang: str = "fr") -> str:
        """The message in ``lang`` (``fr`` or ``en``), followed by its details."""
        text = self.message_en if lang == "en" else self.message_fr
        return "\n".join([text, *self.details]) if self.details else text
