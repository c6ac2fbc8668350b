"""Real-browser journeys: ``streamlit run app.py`` on a free loopback port with its own data directory, driven by
Playwright on Debian's chromium. Opt-in (``-m browser``); skipped when /usr/bin/chromium is missing.

Screenshots go to ``$COMPETENCY_GRAPH_SCREENSHOTS`` when set (e.g. /tmp/screens), else to pytest's tmp dir.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
sync_playwright = playwright_api.sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The app served by a real ``streamlit run`` on a fresh data directory; yields its base URL."""
    data = tmp_path_factory.mktemp("browser-data")
    port = _free_port()
    env = {**os.environ, "COMPETENCY_GRAPH_DATA_DIR": str(data), "COMPETENCY_GRAPH_DEMO": "1"}
    env.pop("COMPETENCY_GRAPH_DATABASE_URL", None)
    log = (data / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: {(data / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    target = Path(os.environ.get("COMPETENCY_GRAPH_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def settle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current run (its "not running" state), not on sleeps."""
    try:
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=1_500)
    except Exception:  # noqa: BLE001 - the run may already be over
        pass
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_timeout(150)  # let the last delta paint before a screenshot


def sign_in(page, url: str, account: str) -> None:
    page.goto(url)
    settle(page, 60_000)
    page.get_by_text(account, exact=False).first.click()
    page.get_by_role("button", name="Entrer").click()
    settle(page)


def go(page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()
    settle(page)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()


def test_candidate_self_positions_and_sees_map(server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 1600}, locale="fr-FR")
    sign_in(page, server, "Léa (démo) — candidat")
    page.screenshot(path=shots / "candidate-position.png", full_page=True)
    page.get_by_role("button", name="Cercle 2").first.click()
    settle(page)
    expect(page.get_by_text("C'est noté : cercle 2")).to_have_count(1)
    no_exception(page)
    page.screenshot(path=shots / "candidate-position-saved.png", full_page=True)
    go(page, "Ma carte des compétences")
    page.wait_for_selector(".js-plotly-plot")
    no_exception(page)
    page.screenshot(path=shots / "candidate-map.png", full_page=True)
    # easy-read mode: bigger text, fewer words, pictos; the read-aloud button appears on demand
    page.get_by_text("Mode facile à lire").click()
    settle(page)
    page.get_by_text("Lire à voix haute").click()
    settle(page)
    go(page, "Me positionner")
    expect(page.get_by_text("Choisissez une phrase.")).to_have_count(1)
    expect(page.frame_locator("iframe").first.get_by_role("button", name="🔊 Écouter")).to_have_count(1)
    no_exception(page)
    page.screenshot(path=shots / "candidate-position-easy-read.png", full_page=True)
    page.get_by_role("tab", name="Les activités de mon métier").click()
    expect(page.get_by_role("button", name="Enregistrer mes réponses")).to_be_visible()
    page.screenshot(path=shots / "candidate-activities-easy-read.png", full_page=True)
    page.close()


def test_accompanist_sees_divergence_and_recommendation(server, browser, shots):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="fr-FR")
    sign_in(page, server, "Moniteur d'atelier (démo)")
    page.screenshot(path=shots / "accompanist-candidates.png", full_page=True)
    page.get_by_role("button", name="Co-positionner").click()
    settle(page)
    expect(page.get_by_text("divergence(s) à discuter").first).to_be_visible()
    page.get_by_label("Note (comment la différence a été discutée ou résolue)").first.fill("Accord trouvé en entretien.")
    page.get_by_role("button", name="Enregistrer mon avis").first.click()
    settle(page)
    expect(page.get_by_text("Avis enregistré")).to_have_count(1)
    no_exception(page)
    page.screenshot(path=shots / "accompanist-copositioning.png", full_page=True)
    go(page, "Objectif et parcours")
    expect(page.get_by_text("éligible").first).to_be_visible()
    no_exception(page)
    page.screenshot(path=shots / "accompanist-guidance.png", full_page=True)
    page.close()


def test_trainer_generates_course_links(server, browser, shots):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="fr-FR")
    sign_in(page, server, "Formatrice (démo)")
    page.wait_for_selector(".js-plotly-plot")
    expect(page.get_by_text("Maillons proposés")).to_have_count(1)
    expect(page.get_by_role("button", name="Télécharger en CSV")).to_have_count(1)
    no_exception(page)
    page.screenshot(path=shots / "trainer-course-links.png", full_page=True)
    page.close()


TOUR = {
    "Léa (démo) — candidat": ["Me positionner", "Ma carte des compétences", "Mes preuves", "Ma prochaine étape"],
    "Moniteur d'atelier (démo)": ["Mes candidats", "Co-positionnement", "Dossier de preuves", "Suivi",
                                  "Objectif et parcours", "Explorer les référentiels"],
    "Formatrice (démo)": ["Maillons de parcours", "Explorer les référentiels"],
    "Administratrice (démo)": ["Validation et SPARQL", "Explorer les référentiels"],
}


@pytest.mark.parametrize("account", list(TOUR))
def test_every_page_renders(server, browser, shots, account):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="fr-FR")
    page.goto(server)
    settle(page, 60_000)
    if account.startswith("Léa"):
        page.screenshot(path=shots / "sign-in.png", full_page=True)
    sign_in(page, server, account)
    slug = account.split(" ")[0].lower().replace("'", "")
    for name in TOUR[account]:
        go(page, name)
        no_exception(page)
        expect(page.get_by_text("quelque chose n'a pas marché")).to_have_count(0)
        file = name.lower().replace(" ", "-").replace("'", "")
        page.screenshot(path=shots / f"tour-{slug}-{file}.png", full_page=True)
    page.close()
