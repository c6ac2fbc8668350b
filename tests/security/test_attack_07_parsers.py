"""Finding 7 (security round 2): YAML with 50,000 nested brackets crashed ``validate`` and ``recommend``
(segmentation fault); a YAML billion laughs cost 37 s and 572 MB before its refusal; a 3 MB zipped RNCP
export holding one giant fiche took 2–3 GB. Limits are now checked before parsing, with a French message,
and nothing is written."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from competency_graph.importers.rncp import RncpImportError, import_rncp

NESTED = "[" * 50_000 + "]" * 50_000 + "\n"
LAUGHS = "\n".join(["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                   + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]) + "\n"


def _cli(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run the command line in a child process: (result, seconds, peak memory in MiB)."""
    code = ("import resource, sys, time\n"
            "from competency_graph.cli import main\n"
            "sys.argv = ['competency-graph', *sys.argv[1:]]\n"
            "start = time.monotonic()\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
            "sys.stderr.write(f'\\nSTATS {time.monotonic() - start} '"
            "f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}\\n')\n"
            "sys.exit(code if isinstance(code, int) else 1)\n")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout)
    stats = [line for line in result.stderr.splitlines() if line.startswith("STATS ")]
    seconds, mib = (float(x) for x in stats[-1].split()[1:]) if stats else (float("nan"), float("nan"))
    return result, seconds, mib


@pytest.mark.parametrize("command", ["validate", "recommend"])
def test_fifty_thousand_nested_brackets_are_refused_not_a_crash(tmp_path: Path, command: str) -> None:
    path = tmp_path / "nested.yaml"
    path.write_text(NESTED, encoding="utf-8")
    args = ["validate", str(path), "--no-shacl"] if command == "validate" else ["recommend", str(path)]
    result, _seconds, _mib = _cli(*args)
    assert result.returncode > 0, f"crashed with signal {-result.returncode}"  # a signal is negative
    assert "imbrication trop profonde" in result.stdout + result.stderr


def test_a_yaml_billion_laughs_is_refused_quickly_and_small(tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_text("a: [1, 2, 3]\n", encoding="utf-8")
    _result, _seconds, baseline = _cli("validate", str(small), "--no-shacl")  # the command line's own memory
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    result, seconds, mib = _cli("validate", str(path), "--no-shacl")
    assert result.returncode > 0 and "too large once aliases are expanded" in result.stdout + result.stderr
    assert seconds < 30 and mib - baseline < 100, (seconds, mib, baseline)  # before: 37 s and +300 MB


def _fiche(number: str, competences: str) -> str:
    return (f"<FICHE><NUMERO_FICHE>{number}</NUMERO_FICHE><INTITULE>Titre {number}</INTITULE>"
            f"<BLOCS_COMPETENCES><BLOC_COMPETENCES><CODE>{number}BC01</CODE><LIBELLE>Bloc</LIBELLE>"
            f"<LISTE_COMPETENCES>{competences}</LISTE_COMPETENCES></BLOC_COMPETENCES></BLOCS_COMPETENCES></FICHE>")


def _giant_zip(path: Path, megabytes: int) -> None:
    """A zipped export whose second fiche has ``megabytes`` MB of competencies (it compresses ~1000:1)."""
    line = "- Réaliser les opérations de nettoyage courantes selon le protocole\n" * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("export_fiches_RNCP_V4_1_2026-01-05.xml", "w") as out:
            out.write(b"<?xml version='1.0' encoding='UTF-8'?><FICHES>")
            out.write(_fiche("RNCP1001", "- Accueillir").encode())
            out.write(b"<FICHE><NUMERO_FICHE>RNCP1002</NUMERO_FICHE><INTITULE>Geante</INTITULE>"
                      b"<BLOCS_COMPETENCES><BLOC_COMPETENCES><CODE>RNCP1002BC01</CODE><LISTE_COMPETENCES>")
            chunk = line.encode()
            for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                out.write(chunk)
            out.write(b"</LISTE_COMPETENCES></BLOC_COMPETENCES></BLOCS_COMPETENCES></FICHE></FICHES>")


def test_a_zipped_export_with_a_200_mb_fiche_is_refused_before_it_is_read(tmp_path: Path) -> None:
    archive = tmp_path / "rncp.zip"
    _giant_zip(archive, 200)
    assert archive.stat().st_size < 4 * 1024 * 1024
    out = tmp_path / "out"
    started = time.monotonic()
    with pytest.raises(RncpImportError) as caught:
        import_rncp(archive, out)
    assert "décompress" in str(caught.value)
    assert time.monotonic() - started < 5
    assert not (out / "rncp.json").exists()


def test_one_giant_fiche_in_a_plain_xml_is_refused_once_past_the_element_limit(tmp_path: Path) -> None:
    """Without a zip ratio to catch it, the stream refuses a fiche past 16 MB instead of building it."""
    path = tmp_path / "export_fiches_RNCP_V4_1_2026-01-05.xml"
    filler = "- Réaliser les opérations de nettoyage courantes selon le protocole\n" * 300_000  # ~21 MB
    path.write_text("<?xml version='1.0' encoding='UTF-8'?><FICHES>" + _fiche("RNCP1001", "- Accueillir")
                    + _fiche("RNCP1002", filler) + "</FICHES>", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RncpImportError) as caught:
        import_rncp(path, out)
    assert "dépasse 16 Mo" in str(caught.value)
    assert not (out / "rncp.json").exists()


def test_a_rome_zip_bomb_is_refused_with_a_french_message(tmp_path: Path) -> None:
    from competency_graph.services import referentials
    from competency_graph.services.accounts import Identity

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("unix_referentiel_code_rome_v460_utf8.csv", "code_rome;libelle\n" + "x" * 50_000_000)
    admin = Identity("u-admin", "Admin", "admin", ("s",))
    with pytest.raises(referentials.ImportRefused) as caught:
        referentials.import_rome_upload(admin, referentials.Upload("rome.zip", data.getvalue()))
    assert caught.value.code == "refused" and "bombe de décompression" in caught.value.params["detail"]
    assert json.dumps(caught.value.params, ensure_ascii=False)
