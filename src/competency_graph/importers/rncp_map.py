"""One ``<FICHE>`` element of the XML v4.1 export → the certification's data (the dict the model validates,
its fields in the model's order, defaults left out). Compiled with mypyc (``setup.py``) with the field
helpers of :mod:`.rncp_fields` and the text splitter."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree.ElementTree import Element

from ..messages import t
from .rncp_fields import (
    _bloc,
    _certifier,
    _clean,
    _date,
    _fiche_ids,
    _formacodes,
    _level,
    _norm_fiche,
    _paragraphs,
    _rome,
    _source,
    _unique,
    _yes_no,
    repertoire,
)

__all__ = ["fiche_data"]


def _children(elem: Element) -> dict[str, Element]:
    kids: dict[str, Element] = {}
    for child in elem:
        kids.setdefault(child.tag, child)
    return kids


def _text(elem: Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    text = elem.text.strip()
    return text or None


def _sub_texts(elem: Element | None, item: str, field: str) -> list[str | None]:
    if elem is None:
        return []
    return [_text(child.find(field)) for child in elem.iter(item)]


def _yes_no_elem(elem: Element | None) -> bool | None:
    """``<SI_JURY_VAE><ACTIF>Oui</ACTIF>…`` (v4.1) or ``<SI_JURY_VAE>Oui</SI_JURY_VAE>`` (older exports)."""
    if elem is None:
        return None
    flag = elem.find("ACTIF")
    return _yes_no(_text(flag) if flag is not None else _text(elem))


def fiche_data(fiche: Element, source_title: str, date: dt.date) -> dict[str, Any]:
    kids = _children(fiche)
    raw_number = _text(kids.get("NUMERO_FICHE"))
    if raw_number is None:
        raise ValueError(t("rncp.error.no_number_xml"))
    number = _norm_fiche(raw_number)
    if number is None:
        raise ValueError(t("rncp.error.bad_number_xml", number=raw_number[:40]))
    label = " ".join((_text(kids.get("INTITULE")) or "").split())
    if not label:
        raise ValueError(t("rncp.error.no_label_xml", number=number))
    taken: set[str] = set()
    blocs = [
        _bloc(number, i, _text(b.find("CODE")), _text(b.find("LIBELLE")), b.findtext("LISTE_COMPETENCES"),
              b.findtext("MODALITES_EVALUATION"), taken, equivalences=_equivalence_texts(b))
        for i, b in enumerate(kids["BLOCS_COMPETENCES"].iter("BLOC_COMPETENCES") if "BLOCS_COMPETENCES" in kids
                              else (), 1)
    ]
    abrege = kids.get("ABREGE")
    europe = kids.get("NOMENCLATURE_EUROPE")
    partial = _yes_no_elem(kids.get("VALIDATION_PARTIELLE"))
    cert: dict[str, Any] = {  # the model's field order: the dict, compacted, is also the output's JSON
        "id": f"rncp:{number}",
        "label": label,
        "provenance": "imported",
        "sources": [_source(number, source_title, date)],
        "abbrev": _text(abrege.find("CODE")) if abrege is not None else None,
        "level": _level(_text(europe.find("NIVEAU"))) if europe is not None else None,
        "vae_open": _yes_no_elem(kids.get("SI_JURY_VAE")),
        "partial_validation": partial if partial is not None else bool(blocs),
        "active": _yes_no(_text(kids.get("ACTIF"))),
        "rome": _rome(_sub_texts(kids.get("CODES_ROME"), "ROME", "CODE")),
        "nsf": _unique(_sub_texts(kids.get("CODES_NSF"), "NSF", "CODE")),
        "certifiers": _unique(_sub_texts(kids.get("CERTIFICATEURS"), "CERTIFICATEUR", "NOM_CERTIFICATEUR")),
        "entry_requirements": _paragraphs(kids["PREREQUIS_ENTREE_FORMATION"].text)
        if "PREREQUIS_ENTREE_FORMATION" in kids else None,
        "blocs": blocs,
        "replaces": _fiche_ids(_sub_texts(kids.get("ANCIENNES_CERTIFICATIONS"), "ANCIENNE_CERTIFICATION",
                                          "ID_FICHE_ANCIENNE_CERTIFICATION"), number),
        "replaced_by": _fiche_ids(_sub_texts(kids.get("NOUVELLES_CERTIFICATIONS"), "NOUVELLE_CERTIFICATION",
                                             "ID_FICHE_NOUVELLE_CERTIFICATION"), number),
        "end_date": _date(_text(kids.get("DATE_FIN_ENREGISTREMENT"))),
        "repertoire": repertoire(number),
        "registration_type": _clean(_text(kids.get("TYPE_ENREGISTREMENT"))),
        "state": _clean(_text(kids.get("ETAT_FICHE"))),
        "decision_date": _date(_text(kids.get("DATE_DECISION"))),
        "effect_date": _date(_text(kids.get("DATE_EFFET"))),
        "publication_date": _date(_text(kids.get("DATE_DE_PUBLICATION")) or _text(kids.get("DATE_PUBLICATION"))),
        "delivery_limit_date": _date(_text(kids.get("DATE_LIMITE_DELIVRANCE"))),
        "certifier_details": _certifiers_xml(kids.get("CERTIFICATEURS")),
        "formacodes": _formacodes(_sub_texts(kids.get("FORMACODES"), "FORMACODE", "CODE")),
    }
    if cert["repertoire"] == "RNCP":  # the model's default
        del cert["repertoire"]
    return {key: value for key, value in cert.items() if value is not None and value != []}


def _equivalence_texts(bloc: Element) -> list[str | None]:
    """Texts of a bloc's correspondence fields (``CORRESPONDANCES``, ``EQUIVALENCES``… and their children)."""
    out: list[str | None] = []
    for child in bloc:
        if "CORRESPONDANCE" in child.tag or "EQUIVALENCE" in child.tag:
            out += [node.text for node in child.iter()]
    return out


def _certifiers_xml(elem: Element | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in elem.iter("CERTIFICATEUR") if elem is not None else ():
        entry = _certifier(c.findtext("NOM_CERTIFICATEUR"), c.findtext("SIRET_CERTIFICATEUR"),
                           c.findtext("ETAT_CERTIFICATEUR"))
        if entry and entry not in out:
            out.append(entry)
    return out
