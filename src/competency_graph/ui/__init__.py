"""Streamlit widgets of the app: French strings (:func:`i18n.t`), formats, charts, easy-read widgets, session."""
