"""The settings are typed and fail closed: every value not understood, and every unknown
``COMPETENCY_GRAPH_*`` variable, is a :class:`SettingsError` in French naming the variable; nothing but
``settings.py`` reads the environment; the command line refuses to run on a bad setting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from competency_graph import settings
from competency_graph.settings import SettingsError

SRC = Path(__file__).resolve().parents[2] / "src" / "competency_graph"

#: one value each variable refuses, and a word of its French message
BAD = {
    "COMPETENCY_GRAPH_MODE": ("prod", "inconnu"),
    "COMPETENCY_GRAPH_PROXY_HOPS": ("deux", "nombre entier"),
    "COMPETENCY_GRAPH_DATABASE_URL": ("mysql://root@db/records", "seules les bases"),
    "COMPETENCY_GRAPH_SPARQL_URL": ("ftp://graph.example/query", "adresse http"),
    "COMPETENCY_GRAPH_DEMO": ("peut-être", "valeurs possibles"),
    "COMPETENCY_GRAPH_ISSUER_DOMAIN": ("https://badges.example.org/path", "nom de domaine"),
    "COMPETENCY_GRAPH_PDF_FONT": ("/nowhere/font.ttf", "introuvable"),
    "COMPETENCY_GRAPH_IDLE_MINUTES": ("trente", "nombre entier"),
}


def test_every_setting_has_a_refused_value_here() -> None:
    """A new field of Settings gets its line in BAD (or is a path/list with no wrong value)."""
    without_bad_value = {"COMPETENCY_GRAPH_DATA_DIR", "COMPETENCY_GRAPH_REFERENTIALS"}
    assert set(BAD) | without_bad_value == set(settings.KNOWN_VARIABLES)


@pytest.mark.parametrize("variable", sorted(BAD))
def test_a_value_not_understood_is_a_french_error_naming_the_variable(monkeypatch, variable: str) -> None:
    value, word = BAD[variable]
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        settings.get_settings()
    assert caught.value.variable == variable
    assert variable in caught.value.message_fr and word in caught.value.message_fr
    assert "Value error" not in caught.value.message_fr and "validation" not in caught.value.message_fr
    with pytest.raises(SettingsError):
        settings.check()


@pytest.mark.parametrize("variable", ["COMPETENCY_GRAPH_DATABASE_URL", "COMPETENCY_GRAPH_SPARQL_URL"])
def test_urls_are_never_quoted_back(monkeypatch, variable: str) -> None:
    """A URL may carry a password: the message names the variable, never its value."""
    monkeypatch.setenv(variable, "mysql://user:s3cret-pw@db.example/x")
    with pytest.raises(SettingsError) as caught:
        settings.get_settings()
    assert "s3cret-pw" not in caught.value.message_fr


@pytest.mark.parametrize("value", ["-1", "6", "1.5", "two"])
def test_proxy_hops_keeps_its_message(monkeypatch, value: str) -> None:
    monkeypatch.setenv("COMPETENCY_GRAPH_PROXY_HOPS", value)
    with pytest.raises(SettingsError) as caught:
        settings.proxy_hops()
    assert caught.value.message_fr == (f"COMPETENCY_GRAPH_PROXY_HOPS={value!r} : un nombre entier de 0 à 5 est "
                                       "attendu.")


def test_the_mode_keeps_its_message_and_reads_loosely_written_good_values(monkeypatch) -> None:
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", "Prod")
    with pytest.raises(SettingsError) as caught:
        settings.mode()
    assert caught.value.message_fr == "COMPETENCY_GRAPH_MODE='prod' inconnu : valeurs possibles « demo » ou « production »."
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", " Production ")
    assert settings.mode() == "production"
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", "")
    assert settings.mode() == "demo"


@pytest.mark.parametrize("name", ["COMPETENCY_GRAPH_MODEE", "COMPETENCY_GRAPH_MOD", "competency_graph_mdoe",
                                  "COMPETENCY_GRAPH_DATABASE"])
def test_an_unknown_variable_is_refused_with_the_closest_known_name(monkeypatch, name: str) -> None:
    """A typo of a security-relevant name (MODE) must not leave the site in its default (demo) mode."""
    monkeypatch.setenv(name, "production")
    with pytest.raises(SettingsError) as caught:
        settings.mode()
    assert caught.value.variable == name and name in caught.value.message_fr
    assert "variable d'environnement inconnue" in caught.value.message_fr
    assert "production" not in caught.value.message_fr.replace("COMPETENCY_GRAPH", "")  # the value is not quoted
    if "MOD" in name.upper() or "MDOE" in name.upper():
        assert "vouliez-vous dire COMPETENCY_GRAPH_MODE ?" in caught.value.message_fr


def test_the_tooling_variables_are_let_through(monkeypatch) -> None:
    for name in settings.TOOLING_VARIABLES:
        monkeypatch.setenv(name, "x")
    assert settings.mode() == "demo"


def test_the_settings_follow_the_environment_and_are_typed(monkeypatch, tmp_path: Path) -> None:
    font = tmp_path / "font.ttf"
    font.write_bytes(b"")
    monkeypatch.setenv("COMPETENCY_GRAPH_PROXY_HOPS", "2")
    monkeypatch.setenv("COMPETENCY_GRAPH_DEMO", "non")
    monkeypatch.setenv("COMPETENCY_GRAPH_IDLE_MINUTES", "45")
    monkeypatch.setenv("COMPETENCY_GRAPH_PDF_FONT", str(font))
    monkeypatch.setenv("COMPETENCY_GRAPH_REFERENTIALS", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    monkeypatch.setenv("COMPETENCY_GRAPH_ISSUER_DOMAIN", "badges.example.org:8443")
    monkeypatch.setenv("COMPETENCY_GRAPH_SPARQL_URL", "")  # empty: unset
    got = settings.get_settings()
    assert (got.proxy_hops, got.demo, got.idle_minutes, got.pdf_font, got.sparql_url) == (2, False, 45, font, None)
    assert settings.referential_dirs()[:2] == [tmp_path / "a", tmp_path / "b"]
    assert settings.demo_requested("1") is False and settings.idle_minutes(30) == 45
    assert settings.issuer_domain() == "badges.example.org:8443" and settings.pdf_font() == str(font)
    monkeypatch.delenv("COMPETENCY_GRAPH_DEMO")
    monkeypatch.delenv("COMPETENCY_GRAPH_IDLE_MINUTES")
    assert settings.demo_requested("1") is True and settings.idle_minutes(30) == 30
    assert settings.get_settings() is settings.get_settings()  # read once per state of the environment
    with pytest.raises(ValidationError):  # frozen: a service cannot change the site's settings
        got.mode = "production"  # type: ignore[misc]


def test_nothing_but_settings_reads_the_environment() -> None:
    """``os.environ`` / ``os.getenv`` appear in ``settings.py`` only (tests and benchmarks aside)."""
    readers = []
    for path in SRC.rglob("*.py"):
        if path.name == "settings.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "putenv"):
                readers.append(str(path.relative_to(SRC)))
            elif isinstance(node, ast.ImportFrom) and node.module == "os" and \
                    any(a.name in ("environ", "getenv") for a in node.names):
                readers.append(str(path.relative_to(SRC)))
    assert readers == []


def test_the_command_line_refuses_to_run_on_a_bad_setting(monkeypatch) -> None:
    from competency_graph.cli import app

    monkeypatch.setenv("COMPETENCY_GRAPH_MODEE", "production")
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 1
    assert "COMPETENCY_GRAPH_MODEE : variable d'environnement inconnue" in result.output
    assert "referential" not in result.output  # nothing ran
