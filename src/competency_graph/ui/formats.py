"""French formats for what users read: dates, numbers, percentages, durations; and safe display of user text."""

from __future__ import annotations

import datetime as dt
import math
import re

__all__ = ["fr_date", "fr_datetime", "fr_number", "fr_percent", "fr_months", "fr_size", "md_escape", "MONTHS"]

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_NNBSP = "\u202f"  # narrow no-break space: thousands separator and before % in French typography
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def fr_date(day: dt.date | dt.datetime | None, *, long: bool = False) -> str:
    """``12/03/2025`` or, with ``long``, ``12 mars 2025`` (``1er`` for the first day); ``–`` when None."""
    if day is None:
        return "–"
    if isinstance(day, dt.datetime):
        day = day.astimezone().date() if day.tzinfo else day.date()
    if long:
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {MONTHS[day.month - 1]} {day.year}"
    return day.strftime("%d/%m/%Y")


def fr_datetime(moment: dt.datetime | None) -> str:
    """``12/03/2025 à 14 h 05`` in local time."""
    if moment is None:
        return "–"
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{local.strftime('%d/%m/%Y')} à {local.hour} h {local.minute:02d}"


def fr_number(value: float | int | None, decimals: int = 0) -> str:
    """``1 234,5`` (narrow no-break space between thousands, decimal comma)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", _NNBSP).replace(".", ",")


def fr_percent(share: float | None, decimals: int = 0) -> str:
    """``45 %`` from a share between 0 and 1."""
    if share is None:
        return "–"
    return f"{fr_number(share * 100, decimals)}{_NNBSP}%"


def fr_months(months: float) -> str:
    """``7 mois``, ``1,5 mois``."""
    decimals = 0 if float(months).is_integer() else 1
    return f"{fr_number(months, decimals)} mois"


def fr_size(size: int) -> str:
    """A file size: ``850 o``, ``7,5 ko``, ``11,9 Mo``, ``1,2 Go`` (decimal units, as file managers show)."""
    for unit, factor in (("Go", 1e9), ("Mo", 1e6), ("ko", 1e3)):
        if size >= factor:
            return f"{fr_number(size / factor, 1)}{_NNBSP}{unit}"
    return f"{fr_number(size)}{_NNBSP}o"


def md_escape(text: str | None) -> str:
    """User-written text made inert for ``st.markdown`` (no links, images, headings or HTML)."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", text)
