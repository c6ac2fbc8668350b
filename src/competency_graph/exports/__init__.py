"""Exports for the field: PDF documents (``pdf``), Open Badges 3.0 (``openbadges``), one person's positionings as
a separate RDF graph (``person_rdf``), spreadsheets (``sheets``)."""
