"""No French sentence is written in the code of the PDF, spreadsheet, command-line and scanned service modules:
what a person reads there comes from the message catalogue (``pdf.*``, ``sheet.*``, ``cli.*``, ``caseload.*``…
keys of ``messages/fr.yaml``).

The scan reads each module's string literals (f-string parts included, docstrings excluded) and flags those
with a French accented letter, French typography (a space before ``:`` ``;`` ``?`` ``!``) or a French function
word. Help texts of the command line are English (the CLI is for administrators and developers, see
``docs/architecture.md``); the allow-list names the few literals that are not French prose.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "competency_graph"
MODULES = sorted([*(SRC / "exports" / name for name in ("pdf.py", "advice_pdf.py", "pdf_tags.py", "sheets.py",
                                                       "recognition.py", "openbadges.py")),
                  *(SRC / "services" / name for name in ("caseload.py", "coassess.py", "cohort.py", "interviews.py")),
                  SRC / "limits.py", SRC / "settings.py",
                  *(SRC / "importers" / name for name in ("rncp_csv.py", "rncp_xml.py", "rncp_map.py", "rncp_valid.py", "rome_files.py")),
                  *(SRC / "cli").glob("*.py")])

ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿœæÀÂÇÉÈÊËÎÏÔÛÙÜŸŒÆ]")
TYPOGRAPHY = re.compile(r"\w [:;?!](\s|$)")
WORDS = re.compile(r"\b(le|la|les|des|du|une|et|ou|pour|par|avec|sans|dans|sur|aucun|aucune|pas|est|sont|vous|"
                   r"votre|vos|cette|ces|au|aux|fichier|personne|personnes|écart|niveau|mois)\b", re.I)

#: literal -> why it may stay in the code
ALLOWED = {
    "France compétences export: XML v4.1 file, or the CSV directory.": "English help text; a proper noun",
    "’": "typographic apostrophe replaced for the PDF core fonts (pdf_tags.py)",
    "œ": "ligature replaced for the PDF core fonts", "Œ": "ligature replaced for the PDF core fonts",
    "NIVEAU": "a tag name of the RNCP XML export (importers/rncp_map.py)",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def french_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if text in ALLOWED:
                continue
            if ACCENTED.search(text) or TYPOGRAPHY.search(text) or WORDS.search(text):
                found.append(f"{path.name}:{node.lineno}: {text!r}")
    return found


def test_the_scan_sees_a_french_sentence(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Docstrings are not scanned : é."""\nx = f"Période du {a}"\ny = "Lien : "\n'
                      'z = "le fichier"\nw = "Backup written"\n', encoding="utf-8")
    assert sorted(line.split(": ", 1)[0] for line in french_literals(sample)) == ["sample.py:2", "sample.py:3",
                                                                                 "sample.py:4"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_french_literal_outside_the_catalogue(path: Path) -> None:
    assert french_literals(path) == []


def test_the_allow_list_is_short_and_used() -> None:
    assert len(ALLOWED) <= 6
    texts = {n.value for p in MODULES for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert set(ALLOWED) <= texts


def test_every_literal_key_these_modules_read_is_in_the_catalogue() -> None:
    from competency_graph.messages import FR

    keys = {node.args[0].value for path in [*MODULES, SRC / "store" / "csvio.py"]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
    assert len(keys) > 80
    assert sorted(k for k in keys if k not in FR) == []
