"""The RNCP XML reader as it was before the throughput work of issue #19 (commit 03f1f48), frozen verbatim
(only its package imports are made absolute): the golden reference the optimised reader is compared with
(``tests/importers/test_rncp_golden.py``). Never edit these files to make a comparison pass."""

from . import rncp_fields
from .rncp import import_rncp
from .rncp_fields import _paragraphs
from .rncp_text import split_competences, split_outline
from .rncp_xml import iter_rncp_xml

__all__ = ["import_rncp", "iter_rncp_xml", "rncp_fields", "split_competences", "split_outline", "_paragraphs"]
