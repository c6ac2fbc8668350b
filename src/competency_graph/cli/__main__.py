"""``python -m competency_graph.cli``."""

from . import main

main()
