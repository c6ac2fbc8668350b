"""Every string a user reads, from one catalogue: ``messages/fr.yaml`` (a data file the wheel carries).

Keys are dotted (``page.map``); ``{name}`` placeholders are filled from keyword arguments. A missing key is
shown as itself and logged once, and a test checks that every key used in the code is in the catalogue.
Domain labels (competencies, trades…) are not here: they come from the referentials, in French.

>>> t("app.title")
'Reconnaître ses compétences'
>>> label("status", "esat")
"Travailleur d'ESAT"
"""

from __future__ import annotations

import logging
from importlib import resources

import yaml

__all__ = ["t", "t_easy", "label", "FR", "LANGUAGE", "load_catalogue"]

log = logging.getLogger("competency_graph.app")
LANGUAGE = "fr"
_missing: set[str] = set()


class _UniqueKeys(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader refusing a key written twice (the second would silently win)."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, str]:
    pairs = loader.construct_pairs(node)
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"messages catalogue: key(s) written twice: {', '.join(twice)}")
    return dict(pairs)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_catalogue(language: str = LANGUAGE) -> dict[str, str]:
    """The catalogue of ``language`` (``fr``), read from the package data."""
    text = resources.files(__package__).joinpath(f"{language}.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_UniqueKeys)  # noqa: S506 - a safe loader subclass
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"messages catalogue {language}.yaml: a mapping of text keys to text values is expected")
    return data


FR: dict[str, str] = load_catalogue("fr")


def t(key: str, /, **values: object) -> str:
    """The French text of ``key`` with ``{placeholders}`` filled (the key itself when unknown)."""
    text = FR.get(key)
    if text is None:
        if key not in _missing:
            _missing.add(key)
            log.warning("missing translation key %s", key)
        return key
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            log.warning("bad placeholders for translation key %s", key)
            return text
    return text


def t_easy(key: str, easy: bool, **values: object) -> str:
    """:func:`t` of ``key``, or of its easy-read variant ``key.easy`` when ``easy`` and the catalogue has one."""
    return t(f"{key}.easy" if easy and f"{key}.easy" in FR else key, **values)


def label(prefix: str, value: str | None, default: str | None = None) -> str:
    """The French label of a vocabulary value (``label('status', 'esat')``); ``default`` or the value when
    the catalogue has none."""
    if value is None:
        return default or "–"
    key = f"{prefix}.{value}"
    return FR[key] if key in FR else (default if default is not None else value)
