"""The server: the Streamlit app (``app.py``) with the route that sets the session cookie ``HttpOnly``
(``competency_graph.ui.cookie_route``). Started by ``./dev app``, i.e. ``streamlit run serve.py``: Streamlit
finds the ``App`` below and serves it with its usual options (``--server.port`` …)."""

from pathlib import Path

from streamlit import config
from streamlit.starlette import App

from competency_graph.ui.cookie_route import routes

app = App(str(Path(__file__).with_name("app.py")),
          routes=routes(str(config.get_option("server.baseUrlPath") or "")))
