"""Importers that turn official exports (ROME CSV bundle, RNCP XML) into referential files."""
