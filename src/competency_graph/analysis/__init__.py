"""Analysis engine: gaps, coverage, recommendation, pathways, course links (pure functions)."""
