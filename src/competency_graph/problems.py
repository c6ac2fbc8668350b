"""One problem type for everything the loader, the shapes and the importers report.

Problems are data (severity, code, message, location, hint); they become an exception only when a caller
asks for it (:class:`ReferentialError`). Codes are stable and listed in ``docs/referential-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Location", "Problem", "ReferentialError", "format_problems"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file (1-based line and column; 0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True)
class Problem:
    """One finding: ``path:line:col: error [code] message``."""

    code: str
    message: str
    location: Location
    severity: Literal["error", "warning"] = "error"
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity} [{self.code}] {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def format_problems(problems: list[Problem]) -> str:
    """All problems, one per line, sorted by file and position.

    >>> print(format_problems([Problem("level-order", "levels must be 1, 2, 3", Location("rectec.yaml", 42, 7))]))
    rectec.yaml:42:7: error [level-order] levels must be 1, 2, 3
    """
    return "\n".join(str(p) for p in sorted(problems, key=lambda p: (p.location, p.code)))


class ReferentialError(Exception):
    """Raised when referentials cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.location, p.code))
        super().__init__(format_problems(self.problems))
