"""Build: the RNCP text splitter is compiled with mypyc when it is available (the same typed Python, 1.3× faster;
issue #19); anything that stops the compilation leaves the pure-Python modules, which behave the same."""
import os
from setuptools import setup

COMPILED = ["src/competency_graph/importers/rncp_text.py", "src/competency_graph/importers/rncp_text_scan.py"]


def _ext_modules():
    if os.environ.get("COMPETENCY_GRAPH_PURE"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    exts = mypycify(COMPILED, opt_level="3", group_name="competency_graph_text")
    for ext in exts:
        ext.optional = True
    return exts


setup(ext_modules=_ext_modules())
