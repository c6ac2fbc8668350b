"""Open Badges 3.0 (1EdTech) as JSON-LD: an ``Achievement`` per RECTEC circle / trade activity / bloc, and an
``OpenBadgeCredential`` for one person, signed by :mod:`.signing` (``eddsa-rdfc-2022``) and baked into an
image by :mod:`.badge_image`.

The JSON-LD contexts and 1EdTech's official JSON schema are vendored under ``vendor/`` (no network at run
time; sources, licences and sha256 in ``vendor/README.md``): ``OB_CONTEXT_URL`` → ``vendor/ob-context-3.0.3.json``,
``VC_CONTEXT_URL`` → ``vendor/credentials-v2.json``, ``OB_SCHEMA_URL`` →
``vendor/ob_v3p0_achievementcredential_schema.json`` (the VC 2.0 revision: ``validFrom`` required).

Dates are VC 2.0 ``validFrom``/``validUntil`` only: ``issuanceDate``/``expirationDate`` are not terms of the
VC 2.0 context, so a JSON-LD processor in safe mode (as the signature suites use) refuses them.
The recipient is identified by a salted SHA-256 of the person's id, never by name unless ``reveal_name``.
Only what an accompanist (or jury) recognised is issued: a self-positioning never yields a badge.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from ..ids import level_iri, mint_iri
from ..messages import t
from ..store.validations import active_evidence, status_of, validations
from .common import label_of, referential_of

__all__ = ["OB_CONTEXT_URL", "VC_CONTEXT_URL", "OB_SCHEMA_URL", "OB_SCHEMA_PURL", "result_value_fr", "VENDOR", "vendored_contexts", "ob_schema",
           "schema_errors", "achievement_for", "credential_for", "offline_jsonld", "NotMastered"]

OB_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2"
OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json"
# The URL the specification text names for the same schema; registered as an alias of the vendored file.
OB_SCHEMA_PURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
VENDOR = Path(__file__).resolve().parent / "vendor"
_MODALITY_FR = {modality: t(f"badge.modality.{modality}") for modality in ("montrer", "expliquer", "comparer")}
_NS = uuid.UUID("6f1c9a52-6c3e-4b1e-9a59-0c2f7e1d4b11")  # namespace of our deterministic urn:uuid ids


class NotMastered(ValueError):
    """The item (or the asked level) was not validated for the person: no badge is issued."""


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((VENDOR / name).read_text(encoding="utf-8"))


def vendored_contexts() -> dict[str, dict[str, Any]]:
    """``{context URL: context document}`` for the two contexts a credential names."""
    return {OB_CONTEXT_URL: _load("ob-context-3.0.3.json"), VC_CONTEXT_URL: _load("credentials-v2.json")}


def ob_schema() -> dict[str, Any]:
    """1EdTech's official ``AchievementCredential`` JSON schema (draft 2019-09), vendored verbatim."""
    return _load("ob_v3p0_achievementcredential_schema.json")


def _is_datetime(value: object) -> bool:
    """RFC 3339 date-time with a time zone (jsonschema checks ``date-time`` only with an extra package)."""
    if not isinstance(value, str):
        return True  # formats constrain strings only
    if "T" not in value.upper():
        return False
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Every violation of the official OB 3.0 schema, as ``path: message`` lines (empty when valid).

    Offline: the schema is registered locally under its ``$id``; every ``$ref`` in it is internal."""
    import jsonschema
    from referencing import Registry, Resource

    schema = ob_schema()
    resource = Resource.from_contents(schema)
    registry = Registry().with_resources([(OB_SCHEMA_URL, resource), (OB_SCHEMA_PURL, resource)])
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time")(_is_datetime)
    validator = jsonschema.Draft201909Validator(schema, registry=registry, format_checker=checker)
    out = []
    for err in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        out.append(f"{where}: {err.message}")
    return out


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(str(p) for p in parts))}"


def _iso(value: dt.date | dt.datetime) -> str:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0), tzinfo=dt.timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _levels_rd(bundle: Any, item_id: str, required: int | None) -> dict[str, Any] | None:
    item = bundle.items.get(item_id)
    if item is None or not item.levels:
        return None
    rd: dict[str, Any] = {
        "id": f"{mint_iri(item_id)}#cercles", "type": ["ResultDescription"],
        "name": t("badge.circles", label=item.label), "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [
            {"id": level_iri(item_id, lv.rank), "type": ["RubricCriterionLevel"], "name": t("badge.circle", level=lv.rank),
             "description": str(lv.title), "level": str(lv.rank)} for lv in item.levels],
    }
    if required is not None:
        rd["requiredLevel"] = level_iri(item_id, required)
    return rd


def _criteria(bundle: Any, item: Any, level: int | None) -> str:
    lines: list[str] = []
    if level is not None and item.level(level) is not None:
        lv = item.level(level)
        lines.append(t("badge.criteria.circle", level=level, title=lv.title))
        if lv.descriptor:
            lines.append(str(lv.descriptor))
        lines += [f"- {i}" for i in lv.indicators]
    model = item.model
    for ref in getattr(model, "rectec", None) or []:
        lines.append(t("badge.criteria.rectec", label=label_of(bundle, ref.competency), level=ref.level))
    for c in getattr(model, "competencies", None) or []:
        if hasattr(c, "label"):
            lines.append(f"- {c.label}")
    lines += [f"- {c}" for c in getattr(model, "criteria", None) or []]
    if not lines and item.kind == "bloc":
        lines += [f"- {c.label}" for c in bundle.children(item.id)]
    if not lines:
        lines.append(t("badge.criteria.master", label=item.label))
    return "\n".join(lines)


def achievement_for(bundle: Any, item_id: str, level: int | None = None) -> dict[str, Any]:
    """The OB 3.0 ``Achievement`` of an item (RECTEC competency at a circle, trade activity, bloc …)."""
    item = bundle.items.get(item_id)
    if item is None:
        raise KeyError(t("badge.unknown_item", item=repr(item_id)))
    if level is not None and item.levels and item.level(level) is None:
        raise ValueError(t("badge.no_such_level", level=level, item=item_id))
    title, version = referential_of(bundle, item_id)
    name = item.label if level is None else t("badge.name_at_circle", label=item.label, level=level)
    description = str(getattr(item.model, "description", None) or item.label)
    achievement: dict[str, Any] = {
        "id": level_iri(item_id, level) if level is not None else mint_iri(item_id),
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": name,
        "description": description,
        "criteria": {"narrative": _criteria(bundle, item, level)},
        "humanCode": item_id,
        "alignment": [{"type": ["Alignment"], "targetName": item.label, "targetUrl": mint_iri(item_id),
                       "targetCode": item_id, "targetFramework": title}],
    }
    if version:
        achievement["version"] = version
    results = []
    own = _levels_rd(bundle, item_id, level)
    if own:
        results.append(own)
    for ref in getattr(item.model, "rectec", None) or []:
        rd = _levels_rd(bundle, ref.competency, ref.level)
        if rd:
            rd["id"] = f"{mint_iri(item_id)}#cercle-{ref.competency.replace(':', '-')}"
            results.append(rd)
    if results:
        achievement["resultDescription"] = results
    return achievement


def _identity(person_id: str, salt: str) -> dict[str, Any]:
    digest = hashlib.sha256((person_id + salt).encode("utf-8")).hexdigest()
    return {"type": "IdentityObject", "hashed": True, "identityHash": f"sha256${digest}",
            "identityType": "systemId", "salt": salt}


_STATE_FR = {state: t(f"badge.state.{state}") for state in ("acquired", "in_progress", "not_acquired")}


def result_value_fr(level: int | None, state: str | None) -> str:
    """The French ``result.value`` of a badge: ``cercle 2`` for a graded item, else the state in French."""
    if level is not None:
        return t("badge.result.circle", level=level)
    return _STATE_FR.get(state or "", state or _STATE_FR["acquired"])


def credential_for(repo: Any, bundle: Any, person_id: str, item_id: str, *, level: int | None = None,
                   issuer_name: str | None = None, valid_from: dt.date | dt.datetime,
                   valid_until: dt.date | dt.datetime | None = None, salt: str | None = None,
                   reveal_name: bool = False, issuer_url: str | None = None, issuer_id: str | None = None,
                   image: str | None = None) -> dict[str, Any]:
    """An unsigned ``OpenBadgeCredential`` saying ``person_id`` masters ``item_id`` (at ``level``, default the
    validated level). Raises :class:`NotMastered` unless the item was validated (at that level at least): a
    self-positioning or a co-positioning is never presented as recognised.

    ``issuer_id`` is the structure's DID (:func:`.signing.issuer_for`); ``image`` the achievement image URI."""
    person = repo.get_person(person_id)
    structure = repo.get_structure(person.structure_id)
    # Only a validated competency is recognised: a self-positioning or a co-positioning never makes a badge.
    validation = validations(repo, person_id, as_of=valid_from).get(item_id)
    if validation is None:
        entry = repo.current_view(person_id, as_of=valid_from).items.get(item_id)
        status = status_of(entry, None) or ""
        why = t(f"badge.why.{status if status in ('self_positioned', 'co_positioned') else 'not_positioned'}")
        raise NotMastered(t("badge.not_validated", item=item_id, why=why))
    if validation.level is not None:
        if level is None:
            level = validation.level
        elif level > validation.level:
            raise NotMastered(t("badge.level_above", item=item_id, validated=validation.level, asked=level))
    else:
        level = None
    achievement = achievement_for(bundle, item_id, level)
    if image:
        achievement["image"] = {"id": image, "type": "Image", "caption": achievement["name"]}
    salt = salt if salt is not None else secrets.token_hex(16)
    identifiers = [_identity(person_id, salt)]
    if reveal_name:
        identifiers.append({"type": "IdentityObject", "hashed": False, "identityHash": person.display_name,
                            "identityType": "name"})
    issuer: dict[str, Any] = {"id": issuer_id or _urn("structure", structure.id), "type": ["Profile"],
                              "name": issuer_name or structure.name}
    if issuer_url:
        issuer["url"] = issuer_url
    cred_id = _urn("credential", person_id, item_id, level, _iso(valid_from))
    result: dict[str, Any] = {"type": ["Result"], "value": result_value_fr(level, validation.state)}
    if level is not None and achievement.get("resultDescription"):
        result["resultDescription"] = achievement["resultDescription"][0]["id"]
        result["achievedLevel"] = level_iri(item_id, level)
    evidence, endorsements = [], []
    for ev in active_evidence(repo, person_id, item_id=item_id):  # withdrawn proofs never travel
        ev_id = ev.url or _urn("evidence", ev.id)
        entry: dict[str, Any] = {"id": ev_id, "type": ["Evidence"], "name": ev.title, "genre": ev.kind}
        if ev.description:
            entry["description"] = ev.description
        evidence.append(entry)
        for en in ev.endorsements:
            comment = t("badge.endorsement.comment", relation=en.relation, statement=en.statement) if en.statement \
                else en.relation
            endorsements.append({
                "@context": [VC_CONTEXT_URL, OB_CONTEXT_URL],
                "type": ["VerifiableCredential", "EndorsementCredential"],
                "id": _urn("endorsement", en.id), "name": t("badge.endorsement.name", endorser=en.endorser_name),
                "issuer": {"id": _urn("endorser", en.id), "type": ["Profile"], "name": en.endorser_name},
                "validFrom": _iso(en.endorsed_on),
                "credentialSubject": {"id": ev_id, "type": ["EndorsementSubject"], "endorsementComment": comment},
            })
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT_URL, OB_CONTEXT_URL],
        "id": cred_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["name"],
        "description": t("badge.description", issuer=issuer["name"], day=f"{validation.validated_on:%d/%m/%Y}",
                         validator=t("badge.validator.jury" if validation.validator_role == "jury"
                                     else "badge.validator.accompanist"),
                         modality=_MODALITY_FR.get(validation.modality or "", validation.modality)),
        "issuer": issuer,
        "validFrom": _iso(valid_from),
        "credentialSubject": {"type": ["AchievementSubject"], "identifier": identifiers,
                              "achievement": achievement, "result": [result]},
    }
    if valid_until is not None:
        credential["validUntil"] = _iso(valid_until)
    if evidence:
        credential["evidence"] = evidence
    if endorsements:
        credential["endorsement"] = endorsements
    return credential


def offline_jsonld(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` whose context URLs are replaced by the vendored context objects (recursively),
    so that a JSON-LD processor (rdflib) needs no network."""
    contexts = vendored_contexts()

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: fix(v) for k, v in node.items() if k != "@context"}
            if "@context" in node:
                ctx = node["@context"]
                ctx = ctx if isinstance(ctx, list) else [ctx]
                out["@context"] = [contexts[c]["@context"] if isinstance(c, str) and c in contexts else c
                                   for c in ctx]
            return out
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    return fix(document)
