"""Where things live: data directory, database URL, referential directories (from the environment)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["project_root", "data_dir", "database_url", "referential_dirs", "imported_referentials_dir", "mode",
           "check", "SettingsError", "MODES", "MODE_ENV", "shipped_referentials_dir", "shapes_dir",
           "shape_files", "ShapesMissing", "proxy_hops", "demo_requested", "issuer_domain", "pdf_font", "idle_minutes"]

MODE_ENV = "COMPETENCY_GRAPH_MODE"
#: ``demo``: the demonstration database and its passwordless accounts; ``production``: real records only
MODES = ("demo", "production")


class SettingsError(ValueError):
    """A setting of the environment that is not understood: the app refuses to start (never guesses)."""

    def __init__(self, message_fr: str) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr


def mode() -> str:
    """``demo`` (unset or empty) or ``production``; any other value raises :class:`SettingsError` so that a
    typo (``prod``) cannot leave a production site in demo mode with passwordless accounts."""
    value = os.environ.get(MODE_ENV, "").strip().lower()
    if not value:
        return "demo"
    if value not in MODES:
        raise SettingsError(f"{MODE_ENV}={value!r} inconnu : valeurs possibles « demo » ou « production ».")
    return value


def proxy_hops() -> int:
    """How many reverse proxies in front of the app to trust for the client's address
    (``COMPETENCY_GRAPH_PROXY_HOPS``, default 0: the TCP peer is the client)."""
    value = os.environ.get("COMPETENCY_GRAPH_PROXY_HOPS", "").strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) > 5:
        raise SettingsError(f"COMPETENCY_GRAPH_PROXY_HOPS={value!r} : un nombre entier de 0 à 5 est attendu.")
    return int(value)


def check() -> None:
    """Validate the settings at start (raises :class:`SettingsError`): the mode, the database URL's scheme,
    the number of trusted proxies."""
    mode()
    proxy_hops()
    url = database_url()
    if not url.startswith(("sqlite:", "postgresql", "postgres:")):
        raise SettingsError("COMPETENCY_GRAPH_DATABASE_URL : seules les bases SQLite et PostgreSQL sont prises "
                            "en charge.")


def project_root() -> Path:
    """The checkout root (the folder holding ``pyproject.toml``); for an installed wheel, the current directory."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def _package_dir(name: str) -> Path:
    # The package's own data (symlinks to the top-level folders in a checkout, real folders in a wheel).
    return Path(str(resources.files("competency_graph") / name)).resolve()


def shipped_referentials_dir() -> Path:
    """The referentials shipped with the package (``referentials/`` of the checkout, or inside the wheel)."""
    return _package_dir("referentials")


def shapes_dir() -> Path:
    """The SHACL shapes shipped with the package (``shapes/`` of the checkout, or inside the wheel)."""
    return _package_dir("shapes")


class ShapesMissing(RuntimeError):
    """No SHACL shape could be found: checking would "conform" vacuously, so we refuse to go on."""


def shape_files(directory: Path | None = None) -> list[Path]:
    """The shape files of ``directory`` (default: the package's shapes); raises ShapesMissing when there are none."""
    folder = directory or shapes_dir()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise ShapesMissing(f"no SHACL shapes (*.ttl) in {folder}: the installation is incomplete")
    return files


def data_dir() -> Path:
    """Writable data directory: ``$COMPETENCY_GRAPH_DATA_DIR``, else ``<checkout>/var``, else ``./var``."""
    path = Path(os.environ.get("COMPETENCY_GRAPH_DATA_DIR") or project_root() / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """``$COMPETENCY_GRAPH_DATABASE_URL`` or an SQLite file in the data directory."""
    url = os.environ.get("COMPETENCY_GRAPH_DATABASE_URL")
    return url or f"sqlite:///{data_dir() / 'competency-graph.sqlite'}"


def imported_referentials_dir() -> Path:
    """Where importers (ROME, RNCP) write the referentials they build (JSON files)."""
    path = data_dir() / "referentials"
    path.mkdir(parents=True, exist_ok=True)
    return path


def referential_dirs() -> list[Path]:
    """Directories loaded into the bundle: the shipped ones, then the imported ones (if any)."""
    env = os.environ.get("COMPETENCY_GRAPH_REFERENTIALS")
    shipped = [Path(p) for p in env.split(os.pathsep)] if env else [shipped_referentials_dir()]
    return shipped + [imported_referentials_dir()]


def sparql_url() -> str | None:
    """The query URL of an external SPARQL server serving the published graph (``COMPETENCY_GRAPH_SPARQL_URL``,
    e.g. ``http://127.0.0.1:7878/query`` for ``oxigraph serve-read-only``); None: the app's own store."""
    return os.environ.get("COMPETENCY_GRAPH_SPARQL_URL") or None


# -- the other variables, read here so that the environment is read in one module ----------------------------

def demo_requested(default: str) -> bool:
    """``COMPETENCY_GRAPH_DEMO`` (``default`` when unset): false for 0, false, no, non."""
    return os.environ.get("COMPETENCY_GRAPH_DEMO", default).strip().lower() not in ("0", "false", "no", "non")


def issuer_domain() -> str | None:
    """``COMPETENCY_GRAPH_ISSUER_DOMAIN``: the domain of the badges' issuer (None when unset)."""
    return os.environ.get("COMPETENCY_GRAPH_ISSUER_DOMAIN") or None


def pdf_font() -> str | None:
    """``COMPETENCY_GRAPH_PDF_FONT``: a TTF file for the PDFs (None when unset)."""
    return os.environ.get("COMPETENCY_GRAPH_PDF_FONT") or None


def idle_minutes(default: int) -> int:
    """``COMPETENCY_GRAPH_IDLE_MINUTES``: the sessions' idle timeout (``default`` when unset or not a number;
    at least 1)."""
    try:
        return max(1, int(os.environ.get("COMPETENCY_GRAPH_IDLE_MINUTES", default)))
    except ValueError:
        return default
