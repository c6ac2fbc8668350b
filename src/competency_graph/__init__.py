"""competency-graph: recognise the competencies of workers far from employment (RECTEC, RAE, RSFP, RNCP, CléA)."""

__version__ = "0.1.0"
