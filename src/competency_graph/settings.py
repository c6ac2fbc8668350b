"""Where things live and how the site runs, from the environment: one typed, fail-closed :class:`Settings`.

Every ``COMPETENCY_GRAPH_*`` variable the project reads is a field of :class:`Settings` (pydantic-settings,
``env_prefix="COMPETENCY_GRAPH_"``); nothing else in ``src/`` reads the environment. A value that is not
understood raises :class:`SettingsError` with a French message naming the variable (the app and the command
line refuse to start, they never guess), and so does an unknown ``COMPETENCY_GRAPH_*`` variable: a typo such as
``COMPETENCY_GRAPH_MODEE=production`` must not leave a production site in demo mode.

:func:`get_settings` reads the environment again whenever one of those variables changed (tests set them with
``monkeypatch.setenv``); the functions below (:func:`mode`, :func:`data_dir`…) are thin readers of it.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .messages import t

__all__ = ["Settings", "get_settings", "ENV_PREFIX", "TOOLING_VARIABLES", "project_root", "data_dir",
           "database_url", "referential_dirs", "imported_referentials_dir", "mode", "check", "SettingsError",
           "MODES", "MODE_ENV", "shipped_referentials_dir", "shapes_dir", "shape_files", "ShapesMissing",
           "proxy_hops", "demo_requested", "issuer_domain", "pdf_font", "idle_minutes", "sparql_url"]

ENV_PREFIX = "COMPETENCY_GRAPH_"
MODE_ENV = "COMPETENCY_GRAPH_MODE"
#: ``demo``: the demonstration database and its passwordless accounts; ``production``: real records only
MODES = ("demo", "production")
#: variables with the prefix read by the test suite, the benchmarks and ``./dev``, never by the application
TOOLING_VARIABLES = frozenset({"COMPETENCY_GRAPH_TEST_PG_URL", "COMPETENCY_GRAPH_SCREENSHOTS",
                               "COMPETENCY_GRAPH_REGOLD", "COMPETENCY_GRAPH_FUZZ_SECONDS",
                               "COMPETENCY_GRAPH_ROME_DIR", "COMPETENCY_GRAPH_VENV",
                               "COMPETENCY_GRAPH_PURE"})
_TRUE = frozenset({"1", "true", "yes", "oui", "on"})
_FALSE = frozenset({"0", "false", "no", "non", "off"})
_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?")
MAX_IDLE_MINUTES = 24 * 60


class SettingsError(ValueError):
    """A setting of the environment that is not understood: the app refuses to start (never guesses)."""

    def __init__(self, message_fr: str, variable: str | None = None) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr
        self.variable = variable
        """The variable at fault (the first one when several are)."""


def _text(value: Any) -> str | None:
    """The stripped text of an environment value; None when unset or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class Settings(BaseSettings):
    """The site's settings, each from ``COMPETENCY_GRAPH_<FIELD>`` (unset or empty: the default)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, case_sensitive=False, env_ignore_empty=True,
                                      extra="forbid", frozen=True)

    mode: Literal["demo", "production"] = "demo"
    """``demo`` (the default) or ``production``; anything else is refused (``prod`` is not ``production``)."""
    proxy_hops: int = 0
    """How many reverse proxies in front of the app to trust for the client's address and scheme (0 to 5)."""
    database_url: str | None = None
    """The record database (SQLite or PostgreSQL); None: an SQLite file in the data directory."""
    data_dir: Path | None = None
    """The writable data directory; None: ``<checkout>/var`` (or ``./var`` for an installed wheel)."""
    referentials: Annotated[tuple[Path, ...] | None, NoDecode] = None
    """The referential directories to load instead of the shipped ones (``os.pathsep``-separated)."""
    sparql_url: str | None = None
    """The query URL of an external SPARQL server serving the published graph (http or https)."""
    demo: bool | None = None
    """Whether an empty database gets the demo structure; None: yes in demo mode, no in production mode."""
    issuer_domain: str | None = None
    """The domain (optionally ``:port``) of the badges' issuer, ``did:web:<domain>:…``."""
    pdf_font: Path | None = None
    """A TTF font file for the PDFs."""
    idle_minutes: int | None = None
    """The sessions' idle timeout in minutes (1 to 1440); None: the default of ``security.sessions``."""

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> str:
        text = (_text(value) or "demo").lower()
        if text not in MODES:
            raise ValueError(t("settings.mode", variable=MODE_ENV, value=repr(text)))
        return text

    @field_validator("proxy_hops", mode="before")
    @classmethod
    def _proxy_hops(cls, value: Any) -> int:
        text = _text(value) or "0"
        if not text.isdigit() or int(text) > 5:
            raise ValueError(t("settings.proxy_hops", value=repr(text)))
        return int(text)

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, value: Any) -> str | None:
        text = _text(value)  # never quoted back: the URL may carry a password
        if text is not None and not text.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError(t("settings.database_url"))
        return text

    @field_validator("data_dir", "pdf_font", mode="before")
    @classmethod
    def _path(cls, value: Any) -> Path | None:
        text = _text(value)
        return Path(text) if text is not None else None

    @field_validator("pdf_font")
    @classmethod
    def _font_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(t("settings.pdf_font", value=repr(str(value))))
        return value

    @field_validator("referentials", mode="before")
    @classmethod
    def _referentials(cls, value: Any) -> tuple[Path, ...] | None:
        if value is None or isinstance(value, (tuple, list)):
            return tuple(Path(p) for p in value) if value else None
        parts = [p.strip() for p in str(value).split(os.pathsep) if p.strip()]
        return tuple(Path(p) for p in parts) or None

    @field_validator("sparql_url", mode="before")
    @classmethod
    def _sparql_url(cls, value: Any) -> str | None:
        text = _text(value)  # never quoted back: the URL may carry a password
        if text is not None and not text.lower().startswith(("http://", "https://")):
            raise ValueError(t("settings.sparql_url"))
        return text

    @field_validator("demo", mode="before")
    @classmethod
    def _demo(cls, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = _text(value)
        if text is None:
            return None
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError(t("settings.demo", value=repr(text)))

    @field_validator("issuer_domain", mode="before")
    @classmethod
    def _issuer_domain(cls, value: Any) -> str | None:
        text = _text(value)
        if text is not None and not _DOMAIN.fullmatch(text.lower()):
            raise ValueError(t("settings.issuer_domain", value=repr(text)))
        return text

    @field_validator("idle_minutes", mode="before")
    @classmethod
    def _idle_minutes(cls, value: Any) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            text: str | None = str(value)
        else:
            text = _text(value)
        if text is None:
            return None
        if not text.isdigit() or not 1 <= int(text) <= MAX_IDLE_MINUTES:
            raise ValueError(t("settings.idle_minutes", value=repr(text), limit=MAX_IDLE_MINUTES))
        return int(text)


#: the variables :class:`Settings` reads
KNOWN_VARIABLES = frozenset(ENV_PREFIX + name.upper() for name in Settings.model_fields)


def _environment() -> tuple[tuple[str, str], ...]:
    """The ``COMPETENCY_GRAPH_*`` variables of the environment (the only ones the settings depend on)."""
    size = len(ENV_PREFIX)  # names only are compared (decoding every value costs 5x more)
    return tuple(sorted((k, os.environ[k]) for k in os.environ if k[:size].upper() == ENV_PREFIX))


def _unknown(names: list[str]) -> SettingsError:
    name = names[0]
    close = difflib.get_close_matches(name.upper(), sorted(KNOWN_VARIABLES), n=1, cutoff=0.75)
    hint = t("settings.unknown_hint", close=close[0]) if close else ""
    return SettingsError(t("settings.unknown", variable=name, hint=hint, known=", ".join(sorted(KNOWN_VARIABLES))),
                         name)


def _error(exc: ValidationError) -> SettingsError:
    """A pydantic validation error as a :class:`SettingsError`: one French line per variable at fault."""
    lines, first = [], None
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        variable = ENV_PREFIX + field.upper()
        first = first or variable
        cause = (error.get("ctx") or {}).get("error")
        lines.append(str(cause) if isinstance(cause, ValueError) else t("settings.invalid", variable=variable))
    return SettingsError("\n".join(lines), first)


@functools.lru_cache(maxsize=8)
def _settings_for(environment: tuple[tuple[str, str], ...]) -> Settings:
    unknown = [k for k, _ in environment if k.upper() not in KNOWN_VARIABLES | TOOLING_VARIABLES]
    if unknown:
        raise _unknown(unknown)
    try:
        return Settings()
    except ValidationError as exc:
        raise _error(exc) from None


def get_settings() -> Settings:
    """The settings of the current environment (built again when a ``COMPETENCY_GRAPH_*`` variable changed);
    raises :class:`SettingsError` on a value that is not understood or an unknown variable."""
    return _settings_for(_environment())


def mode() -> str:
    """``demo`` (unset or empty) or ``production``; any other value raises :class:`SettingsError` so that a
    typo (``prod``) cannot leave a production site in demo mode with passwordless accounts."""
    return get_settings().mode


def proxy_hops() -> int:
    """How many reverse proxies in front of the app to trust for the client's address and scheme
    (``COMPETENCY_GRAPH_PROXY_HOPS``, default 0: the TCP peer is the client, ``X-Forwarded-*`` is ignored)."""
    return get_settings().proxy_hops


def check() -> None:
    """Validate the settings at start (raises :class:`SettingsError`): every variable's value (the mode, the
    database URL's scheme, the number of trusted proxies…) and no unknown ``COMPETENCY_GRAPH_*`` variable."""
    get_settings()


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
    path = get_settings().data_dir or project_root() / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """``$COMPETENCY_GRAPH_DATABASE_URL`` or an SQLite file in the data directory."""
    return get_settings().database_url or f"sqlite:///{data_dir() / 'competency-graph.sqlite'}"


def imported_referentials_dir() -> Path:
    """Where importers (ROME, RNCP) write the referentials they build (JSON files)."""
    path = data_dir() / "referentials"
    path.mkdir(parents=True, exist_ok=True)
    return path


def referential_dirs() -> list[Path]:
    """Directories loaded into the bundle: the shipped ones (or ``$COMPETENCY_GRAPH_REFERENTIALS``), then the
    imported ones (if any)."""
    shipped = get_settings().referentials or (shipped_referentials_dir(),)
    return [*shipped, imported_referentials_dir()]


def sparql_url() -> str | None:
    """The query URL of an external SPARQL server serving the published graph (``COMPETENCY_GRAPH_SPARQL_URL``,
    e.g. ``http://127.0.0.1:7878/query`` for ``oxigraph serve-read-only``); None: the app's own store."""
    return get_settings().sparql_url


def demo_requested(default: str) -> bool:
    """``COMPETENCY_GRAPH_DEMO`` (``default`` when unset): 1, true, yes, oui, on or 0, false, no, non, off
    (anything else is refused)."""
    requested = get_settings().demo
    return requested if requested is not None else default.strip().lower() not in _FALSE


def issuer_domain() -> str | None:
    """``COMPETENCY_GRAPH_ISSUER_DOMAIN``: the domain of the badges' issuer (None when unset)."""
    return get_settings().issuer_domain


def pdf_font() -> str | None:
    """``COMPETENCY_GRAPH_PDF_FONT``: a TTF file for the PDFs (None when unset)."""
    font = get_settings().pdf_font
    return str(font) if font is not None else None


def idle_minutes(default: int) -> int:
    """``COMPETENCY_GRAPH_IDLE_MINUTES``: the sessions' idle timeout (``default`` when unset; 1 to 1440)."""
    minutes = get_settings().idle_minutes
    return minutes if minutes is not None else default
