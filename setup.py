"""Build: the RNCP import's per-fiche modules are compiled with mypyc when it is available (the same typed Python;
an RNCP import takes about 0.8× the CPU, issue #19). Anything that stops the compilation leaves the pure-Python
modules, which behave the same (tests/importers/test_rncp_compiled.py); COMPETENCY_GRAPH_PURE=1 skips it."""
import os
import sys

from setuptools import setup

# the RNCP import's pure per-fiche work (text splitting, field helpers, the XML fiche mapping); kept in step with
# competency_graph/importers/__init__.py (COMPILED)
COMPILED = [f"src/competency_graph/importers/{name}.py" for name in ("rncp_text_scan", "rncp_text", "rncp_fields", "rncp_map")]


def _ext_modules():
    if os.environ.get("COMPETENCY_GRAPH_PURE"):
        return []
    try:
        from mypyc.build import mypycify

        exts = mypycify(COMPILED, opt_level="3", group_name="competency_graph_rncp")
    except (Exception, SystemExit) as exc:  # no mypyc, or it refused the code: pure Python
        print(f"competency-graph: RNCP import modules not compiled ({type(exc).__name__}): pure Python", file=sys.stderr)
        return []
    for ext in exts:
        ext.optional = True
    return exts


setup(ext_modules=_ext_modules())
