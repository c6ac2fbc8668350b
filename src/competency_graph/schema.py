"""The JSON Schema of the referential format, generated from the pydantic models (one source of truth)."""

from __future__ import annotations

import json

from .model import ReferentialFile

__all__ = ["referential_json_schema"]


def referential_json_schema() -> str:
    """Deterministic JSON text of the schema (as checked in at ``schema/referential.schema.json``)."""
    schema = ReferentialFile.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://w3id.org/competency-graph/schema/referential.schema.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
