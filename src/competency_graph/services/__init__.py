"""Thin services the Streamlit pages call: they combine the record store and the analysis engine.

Every function takes a :class:`~competency_graph.services.context.Context` (the referential bundle and the
repository) and returns plain data; none imports streamlit except :mod:`.cache`, which builds the cached
context for the app.
"""
