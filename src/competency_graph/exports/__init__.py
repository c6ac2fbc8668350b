"""Exports for the field: PDF documents (``pdf``), Open Badges 3.0 (``openbadges``), spreadsheets (``sheets``)."""
