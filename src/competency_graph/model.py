"""The referential file format: one source of truth (pydantic), from which the JSON Schema is generated.

A referential file is a YAML mapping with a ``referential`` header and any of the item sections below.
See ``docs/referential-format.md`` for the prose description and ``schema/referential.schema.json`` for the
generated schema (``competency-graph schema`` rewrites it).

Every model is strict (an unknown key is refused) and frozen; ids are ``prefix:local``:

>>> from pydantic import ValidationError
>>> c01 = Competency.model_validate({"id": "ex:C01", "label": "Organiser son activité",
...                                  "levels": [{"rank": 1, "title": "Identifie"}, {"rank": 2, "title": "Applique"}]})
>>> [level.title for level in c01.levels], c01.eqf_graded
(['Identifie', 'Applique'], True)
>>> try:
...     Competency.model_validate({"id": "no prefix", "label": "x", "colour": "red"})
... except ValidationError as exc:
...     print([(e["loc"], e["type"]) for e in exc.errors()])
[(('id',), 'string_pattern_mismatch'), (('colour',), 'extra_forbidden')]

A link is written ``from`` / ``to`` in YAML; its type is one of :data:`LINK_TYPES`:

>>> link = Link.model_validate({"from": "ext:jardinier/A1", "type": "requires-level", "to": "ex:C01", "level": 2})
>>> link.source_id, link.target, link.level
('ext:jardinier/A1', 'ex:C01', 2)
>>> try:
...     Link.model_validate({"from": "ex:a", "type": "likes", "to": "ex:b"})
... except ValidationError as exc:
...     print(exc.errors()[0]["loc"], exc.errors()[0]["type"])
('type',) literal_error
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from .conditions import COMPOSITES, GOALS, REGISTRY
from .ids import ID_PATTERN

__all__ = [
    "Id",
    "Text",
    "Provenance",
    "Source",
    "Scale",
    "Header",
    "Level",
    "Pole",
    "Competency",
    "LevelRef",
    "Activity",
    "EvaluationGrid",
    "Appellation",
    "Occupation",
    "Bloc",
    "Certifier",
    "Certification",
    "Condition",
    "Rule",
    "Variant",
    "Modality",
    "Link",
    "LINK_TYPES",
    "ReferentialFile",
]

Id = Annotated[str, Field(pattern=ID_PATTERN, description="An id `prefix:local` (DOMAIN.md §10).")]
Text = Annotated[str, Field(min_length=1)]
Provenance = Literal["official", "seed", "reconstructed", "provisional", "imported"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a fact comes from: a document, its address and the date it was read or published."""

    title: Text
    url: str | None = None
    date: dt.date | None = None
    note: str | None = None


class Scale(_Strict):
    """The graded scale of a referential's levels (RECTEC: 4 circles; RECTEC+: 8 levels)."""

    name: Text = Field(description="What one level is called, in French (e.g. 'cercle', 'niveau').")
    min: int = 1
    max: int = 4


class Header(_Strict):
    """Identity and provenance of one version of a referential."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")] = Field(description="Short id, also the default id prefix.")
    version: Text
    kind: Literal[
        "transversal", "trade-catalogue", "job-catalogue", "certification-register", "basic-skills",
        "modalities", "crosswalk", "job-register",
    ]
    title: Text
    publisher: Text
    licence: Text = Field(description="Licence of the facts, and of our own wording.")
    provenance: Provenance
    sources: list[Source] = Field(min_length=1)
    scale: Scale | None = None
    version_of: str | None = Field(None, description="Id of the referential this one is a version of.")
    prefixes: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]] = Field(
        default_factory=list, description="Extra id prefixes this file may mint (default: the header id)."
    )
    description: str | None = None


class _Item(_Strict):
    id: Id
    label: Text
    provenance: Provenance | None = Field(None, description="Defaults to the referential's.")
    verified: bool = True
    sources: list[Source] = Field(default_factory=list)
    note: str | None = None
    broader: Id | None = Field(None, description="Parent in the source's own hierarchy (3.1 for 3.1.2; a ROME "
                                                 "macro-competence; a ROME domaine professionnel).")


class Level(_Strict):
    """One graded level of a competency (a RECTEC circle)."""

    rank: int
    title: Text = Field(description="Official level title.")
    descriptor: str | None = None
    autonomy: str | None = Field(None, description="Autonomy & responsibility statement.")
    indicators: list[Text] = Field(default_factory=list)
    easy_read: str | None = Field(None, description="Easy-read first-person statement for candidates ('Je …').")
    eqf: int | None = None


class Pole(_Item):
    """A group of competencies (RECTEC pole, CléA domain)."""

    color: str | None = Field(None, pattern=r"^#[0-9A-Fa-f]{6}$")
    color_name: str | None = None
    order: int | None = None


class Competency(_Item):
    """A competency, optionally graded in levels and grouped in a pole."""

    pole: Id | None = None
    order: int | None = None
    elements: list[Text] = Field(default_factory=list, description="'Éléments considérés'.")
    eqf_graded: bool = True
    levels: list[Level] = Field(default_factory=list)
    criteria: list[Text] = Field(default_factory=list, description="Performance criteria.")
    close_match: list[Id] = Field(default_factory=list)
    category: str | None = Field(None, description="Kind of item, e.g. ROME 'savoir-faire', 'savoir-etre', 'savoir'.")
    notation: str | None = Field(None, description="Official numbering as printed in the source ('3.1.2').")
    description: str | None = Field(None, description="Official definition (ROME 'definition').")


class LevelRef(_Strict):
    """A reference to one level of a graded competency: 'this activity calls for circle 2 of C01'."""

    competency: Id
    level: int


class Activity(_Item):
    """An activity of a trade or job, observable in a workshop, with the competencies it mobilises."""

    situations: list[Text] = Field(default_factory=list)
    competencies: list[Competency] = Field(min_length=1)
    rectec: list[LevelRef] = Field(default_factory=list, description="RECTEC circles the activity calls for.")
    rome_items: list[Id] = Field(default_factory=list, description="ROME items (rome-ogr:…) it matches.")


class EvaluationGrid(_Strict):
    """RSFP 'référentiel d'évaluation': the work situation and the grid used by the jury."""

    situation: Text
    criteria: list[Text] = Field(min_length=1)
    jury: str | None = None


class Appellation(_Strict):
    """A ROME appellation (job title) of a fiche métier, with its OGR code."""

    code: Annotated[str, Field(pattern=r"^[0-9]+$")]
    label: Text


class Occupation(_Item):
    """An RAE trade, an RSFP job, or a ROME job."""

    diploma: str | None = Field(None, description="Source diploma or titre professionnel, as named.")
    rome: list[Id] = Field(default_factory=list)
    rncp: list[Id] = Field(default_factory=list)
    modalities: list[Text] = Field(default_factory=list, description="Recognition modes offered.")
    field: str | None = Field(None, description="Professional field, used to match RAE trades and RSFP jobs.")
    bridges_to: list[Id] = Field(default_factory=list, description="Certifications it is a bridge to.")
    activities: list[Activity] = Field(default_factory=list)
    evaluation: EvaluationGrid | None = None
    description: str | None = None
    appellations: list[Appellation] = Field(default_factory=list, description="ROME appellations (job titles).")
    work_contexts: list[Text] = Field(default_factory=list, description="ROME contextes de travail.")


class Bloc(_Item):
    """A bloc de compétences of a certification, validable on its own."""

    competencies: list[Competency] = Field(default_factory=list)
    evaluation: str | None = None
    equivalences: list[Id] = Field(
        default_factory=list, description="Blocs of other fiches declared equivalent (correspondances).")


class Certifier(_Strict):
    """A certifying body of an RNCP/RS fiche (France compétences 'certificateur')."""

    name: Text
    siret: str | None = Field(None, pattern=r"^\d{14}$")
    status: str | None = Field(None, description="e.g. 'Certificateur', 'Certificateur partenaire'.")
    url: str | None = None


class Certification(_Item):
    """An RNCP certification (CAP, CAPa, titre professionnel, CQP…) or an RS one (CléA, habilitations).

    Registration window, read by the recommender (branch advice): a fiche may be proposed while
    ``today <= end_date`` (``DATE_FIN_ENREGISTREMENT``: end of registration; after it, candidates already
    engaged may still be certified until ``delivery_limit_date``); ``replaced_by`` lists its successors
    (``NOUVELLES_CERTIFICATIONS``, i.e. NOUVEAU_RNCP), ``replaces`` its predecessors.
    """

    abbrev: str | None = None
    level: int | None = Field(None, ge=1, le=8, description="Nomenclature 2019 level (3 = CAP).")
    vae_open: bool | None = None
    partial_validation: bool | None = None
    active: bool | None = None
    rome: list[Id] = Field(default_factory=list)
    nsf: list[str] = Field(default_factory=list)
    certifiers: list[str] = Field(default_factory=list)
    entry_requirements: str | None = None
    blocs: list[Bloc] = Field(default_factory=list)
    replaces: list[Id] = Field(default_factory=list, description="Predecessor fiches (ANCIENNES_CERTIFICATIONS).")
    replaced_by: list[Id] = Field(default_factory=list, description="Successor fiches (NOUVELLES_CERTIFICATIONS).")
    end_date: dt.date | None = Field(None, description="End of registration (DATE_FIN_ENREGISTREMENT).")
    repertoire: Literal["RNCP", "RS"] = Field("RNCP", description="Répertoire national (RNCP) or spécifique (RS).")
    registration_type: str | None = Field(
        None, description="TYPE_ENREGISTREMENT: 'Enregistrement de droit' or 'Enregistrement sur demande'.")
    state: str | None = Field(None, description="ETAT_FICHE: 'Publiée', 'Modifications à valider'…")
    decision_date: dt.date | None = Field(None, description="Date of the registration decision.")
    effect_date: dt.date | None = Field(None, description="Date the registration takes effect.")
    publication_date: dt.date | None = Field(None, description="Publication date (Journal officiel / fiche).")
    delivery_limit_date: dt.date | None = Field(
        None, description="Last date a certificate may still be delivered (DATE_LIMITE_DELIVRANCE).")
    certifier_details: list[Certifier] = Field(default_factory=list, description="Certifiers with SIRET, status.")
    formacodes: list[str] = Field(default_factory=list, description="Formacode® codes (5 digits).")


def _condition_model() -> type[BaseModel]:
    """``Condition``: one optional field per registered condition kind (``analysis/conditions.py``), plus the
    composites ``any_of`` / ``all_of`` / ``none_of``; unknown kinds are refused with their location."""
    fields: dict[str, Any] = {
        name: (kind.value_type | None, Field(None, description=kind.doc)) for name, kind in sorted(REGISTRY.items())
    }
    for name in COMPOSITES:
        fields[name] = (list["Condition"] | None, Field(None, description=f"{name.replace('_', ' ')} these conditions"))  # type: ignore[valid-type]
    model = create_model("Condition", __base__=_Strict, __module__=__name__, **fields)
    model.__doc__ = ("A condition on a person's facts, read by the recommendation engine: every kind set must hold. "
                     "Kinds: the typed registry of analysis/conditions.py.")
    return model


Condition = _condition_model()


class Rule(_Strict):
    """One eligibility rule of a modality, with its legal source and the dates it is in force."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    effect: Literal["require", "favour", "disfavour", "note", "serve", "tier"] = Field(
        description="require: not eligible when false; favour/disfavour: moves the score; note: a reason shown "
                    "when the condition holds; serve: the modality serves `goals` when it holds; tier: the "
                    "modality ranks in `tier` when it holds (the highest holding tier counts)."
    )
    applies_if: Condition | None = Field(None, description="The rule only applies to people matching this.")  # type: ignore[valid-type]
    when: Condition  # type: ignore[valid-type]
    weight: float = Field(1.0, ge=0)
    goals: list[Literal[GOALS]] = Field(default_factory=list, description="serve: goals served.")  # type: ignore[valid-type]
    tier: int | None = Field(None, ge=0, le=9, description="tier: the rank group it gives.")
    reason: Text = Field(description="Plain French reason when the condition holds (may use {months}, {target}…).")
    missing: str | None = Field(None, description="Plain French explanation when a required condition fails.")
    source: Source
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class Variant(_Strict):
    """One way of going through a modality (RAE: je MONTRE / j'EXPLIQUE / je COMPARE), chosen by its condition:
    the first variant whose condition holds is the one advised."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    label: Text
    when: Condition  # type: ignore[valid-type]
    reason: Text
    jury: str | None = None
    source: Source


class Modality(_Item):
    """A recognition modality (VAE, RAE, RSFP, CléA, CQP, AFEST, Open Badges, Compétences PEC)."""

    public: list[Text] = Field(min_length=1)
    prerequisites: list[Text] = Field(default_factory=list)
    supports: list[Text] = Field(default_factory=list)
    jury: Text
    outcome: Text
    certifying: bool
    duration_months: Annotated[float, Field(ge=0)]
    writing_required: bool = False
    duration_source: Source | None = Field(None, description="Where the typical duration comes from.")
    value: Literal["certification", "bloc", "attestation", "training", "accompaniment", "badge"] = Field(
        "attestation", description="What the person holds at the end (ranking: certification > bloc > attestation "
                                   "> training > accompaniment > badge).")
    serves: list[Literal[GOALS]] = Field(default_factory=list, description="Goals the modality serves.")  # type: ignore[valid-type]
    tier: int = Field(1, ge=0, le=9, description="Default rank group (see docs/recommendation.md).")
    variants: list[Variant] = Field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    rules: list[Rule] = Field(default_factory=list)


LINK_TYPES = (
    "requires-level",  # from an item to a level of a graded competency (needs `level`)
    "close-match",  # same competency in two referentials
    "broad-match",
    "narrow-match",
    "related",
    "part-of",  # from a part to its whole, across referentials
    "leads-to",  # passerelle: a modality or certification opens another
    "bridges-to",  # a trade/job towards a certification
    "same-field",  # RAE trade <-> RSFP job of the same field
    "rome",  # an item to a ROME job or item (ROME job -> its competencies, with `core`)
    "mobility",  # ROME job -> job mobility
)


class Link(_Strict):
    """A typed link between two items, usually of different referentials."""

    source_id: Id = Field(alias="from")
    type: Literal[LINK_TYPES]  # type: ignore[valid-type]
    target: Id = Field(alias="to")
    level: int | None = Field(None, description="Required level, for requires-level.")
    duration_months: float | None = Field(None, ge=0, description="Typical duration of a leads-to step.")
    validates: list[Id] = Field(default_factory=list, description="Blocs/items a leads-to step validates.")
    note: str | None = None
    source: Source | None = None
    provenance: Provenance | None = None
    verified: bool = True
    core: bool | None = Field(None, description="ROME: the item is a core item of the job ('Principale').")
    when: Condition | None = Field(None, description="leads-to: the passerelle only applies when this holds.")  # type: ignore[valid-type]
    label: str | None = Field(None, description="leads-to: what the step is called on this passerelle.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ReferentialFile(_Strict):
    """One YAML file: a referential header and its items."""

    referential: Header
    poles: list[Pole] = Field(default_factory=list)
    competencies: list[Competency] = Field(default_factory=list)
    trades: list[Occupation] = Field(default_factory=list, description="RAE trades.")
    jobs: list[Occupation] = Field(default_factory=list, description="RSFP jobs or ROME jobs.")
    certifications: list[Certification] = Field(default_factory=list)
    modalities: list[Modality] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)

    @field_validator("poles", "competencies", "trades", "jobs", "certifications", "modalities", "links", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value
