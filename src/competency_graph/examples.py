"""Small referentials for the doctests and for trying the API in a shell: a tiny bundle, and the shipped one.

``tiny_bundle()`` loads :data:`TINY` (three small files: a transversal referential with a pole and two graded
competencies, a trade with two activities, a certification with two blocs and the crosswalk between them)
through the real loader; ``shipped_bundle()`` loads the referentials the package ships (the modalities and
their rules included), once per process.

>>> tiny_bundle()
<Bundle 3 referentials, 14 items, 16 edges>
>>> sorted(tiny_bundle().items)[:3]
['ex:C01', 'ex:C02', 'ex:P1']
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from .bundle import Bundle
from .loader import load_bundle

__all__ = ["TINY", "write_tiny", "tiny_bundle", "shipped_bundle"]

_HEADER = """referential:
  id: {id}
  version: "1"
  kind: {kind}
  title: {title}
  publisher: Exemple
  licence: EUPL-1.2
  provenance: seed
  sources: [{{title: Exemple pour la documentation}}]
"""

#: file name -> YAML text of the tiny referentials
TINY: dict[str, str] = {
    "transversal.yaml": _HEADER.format(id="ex", kind="transversal", title="Transversal d'exemple") + """  scale: {name: cercle, min: 1, max: 4}
poles:
  - {id: "ex:P1", label: Organisationnel}
competencies:
  - id: ex:C01
    label: Organiser son activité
    pole: ex:P1
    levels:
      - {rank: 1, title: Identifie}
      - {rank: 2, title: Applique}
      - {rank: 3, title: Ajuste}
      - {rank: 4, title: Transmet}
  - id: ex:C02
    label: Travailler en équipe
    pole: ex:P1
    levels:
      - {rank: 1, title: Identifie}
      - {rank: 2, title: Applique}
      - {rank: 3, title: Ajuste}
      - {rank: 4, title: Transmet}
""",
    "trades.yaml": _HEADER.format(id="ext", kind="trade-catalogue", title="Métiers d'exemple") + """trades:
  - id: ext:jardinier
    label: Jardinier
    bridges_to: [exc:CAP1]
    activities:
      - id: ext:jardinier/A1
        label: Tondre une pelouse
        rectec: [{competency: ex:C01, level: 2}]
        competencies: [{id: ext:jardinier/A1/C1, label: Régler la tondeuse}]
      - id: ext:jardinier/A2
        label: Tailler une haie
        rectec: [{competency: ex:C02, level: 3}]
        competencies: [{id: ext:jardinier/A2/C1, label: Choisir l'outil de taille}]
""",
    "certifications.yaml": _HEADER.format(id="exc", kind="certification-register", title="Certifications d'exemple")
    + """certifications:
  - id: exc:CAP1
    label: CAP jardinier paysagiste
    level: 3
    blocs:
      - id: exc:CAP1/B1
        label: Entretenir un jardin
        competencies: [{id: exc:CAP1/B1/C1, label: Tondre}, {id: exc:CAP1/B1/C2, label: Tailler}]
      - id: exc:CAP1/B2
        label: Créer un jardin
        competencies: [{id: exc:CAP1/B2/C1, label: Planter}]
links:
  - {from: ext:jardinier/A1, type: close-match, to: exc:CAP1/B1/C1}
  - {from: ext:jardinier/A2, type: close-match, to: exc:CAP1/B1/C2}
""",
}


def write_tiny(directory: Path) -> Path:
    """Write :data:`TINY` into ``directory`` (returned), e.g. to try ``competency-graph validate`` on it."""
    for name, text in TINY.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@cache
def tiny_bundle() -> Bundle:
    """The bundle of :data:`TINY`, loaded (and checked) by the real loader; built once per process."""
    with tempfile.TemporaryDirectory(prefix="competency-graph-example-") as tmp:
        return load_bundle([write_tiny(Path(tmp))])


@cache
def shipped_bundle() -> Bundle:
    """The referentials shipped in the package (not the imported ones), built once per process."""
    from .settings import shipped_referentials_dir

    return load_bundle([shipped_referentials_dir()])
