"""The pydantic side of the RNCP import: :func:`validated` (with the import's shallow models) and the French
text of a validation error. Kept apart from :mod:`.rncp_fields`, which is compiled with mypyc (``setup.py``)
and has no model class."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from itertools import chain
from typing import Any

from pydantic import Field, ValidationError

from ..messages import t
from ..model import Bloc, Certification

__all__ = ["validated"]


class _ShallowBloc(Bloc):
    """A :class:`Bloc` whose ``competencies`` stay the dicts :func:`_bloc` built (see :func:`validated`)."""

    competencies: list[Any] = Field(default_factory=list)  # type: ignore[assignment]


class _ShallowCertification(Certification):
    """A :class:`Certification` whose blocs are :class:`_ShallowBloc`: every other field, constraint and field
    order is the model's (a field overridden in a subclass keeps its place)."""

    blocs: list[_ShallowBloc] = Field(default_factory=list)  # type: ignore[assignment]


_LABEL = operator.itemgetter("label")
_COMPETENCIES = operator.methodcaller("get", "competencies", ())
_STR = {str}


def validated(data: dict[str, Any], shallow: bool = False) -> Certification:
    """``Certification.model_validate(data)``. With ``shallow`` (the import, which writes ``data`` and only
    counts the competencies), the competency dicts of the blocs are not turned into models (≈ 2 µs each,
    70,866 on the 60 MB bench file): the fiche and its blocs are validated as always, and each competency
    is what :class:`Competency` accepts unchanged, by construction in :func:`_bloc` or checked here:

    - keys ``id``, ``label``, ``provenance`` (``"imported"``), ``broader``, ``notation``: literal in :func:`_bloc`;
    - ``id`` and ``broader`` are ``<bloc id>/C<n>``: the bloc id is validated (``Id``) in this very call, and
      ``/``, ``C`` and digits are all allowed after it by ``ID_PATTERN``;
    - ``label`` (from :mod:`.rncp_text`) a non-empty ``str``: checked below, by C-level passes over the
      fiche's competencies (XML text cannot hold a lone surrogate, expat refuses it, so any ``str`` is valid);
    - ``notation`` (``str | None`` in the model) is not checked here: it is an outline number, a regex group
      that :func:`~.rncp_text.split_outline` itself splits (``num.split(".")``), so a ``str``; like every
      field, it is checked again by the model when ``rncp.json`` is loaded (``loader.parse_file``; for the
      web import, before the file is published).

    When the label check fails, or the shallow validation refuses the fiche, the full validation runs and
    raises the same errors, in the same order, as without ``shallow``.
    """
    if shallow and _labels_as_built(data.get("blocs", ())):
        try:
            return _ShallowCertification.model_validate(data)
        except ValidationError:
            pass  # raised again below with the full model's errors
    return Certification.model_validate(data)


def _labels_as_built(blocs: Iterable[dict[str, Any]]) -> bool:
    """Every competency label of these blocs is a non-empty ``str`` (one list and three C-level passes per
    fiche: ≈ 0.01 s CPU on the 60 MB bench file)."""
    labels = list(map(_LABEL, chain.from_iterable(map(_COMPETENCIES, blocs))))
    return set(map(type, labels)) <= _STR and "" not in labels


def _validation_fr(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(t("rncp.error.refused_value", where=where, type=error.get("type")))
    return " ; ".join(parts)

