"""Real-browser journeys: ``streamlit run app.py`` on a free loopback port with its own data directory, driven by
Playwright on Debian's chromium. Opt-in (``-m browser``); skipped when /usr/bin/chromium is missing.

Screenshots go to ``$COMPETENCY_GRAPH_SCREENSHOTS`` when set (e.g. /tmp/screens), else to pytest's tmp dir;
so does ``axe-report.json``, the accessibility findings (the Streamlit-origin ones are listed, ours fail).

Accessibility (see ``a11y.py``): axe-core runs on every page of every role; each role's main flow is done with
the keyboard alone; the candidate pages are checked at 200 % zoom.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from a11y import (
    AXE_JS,
    BLOCKING,
    Finding,
    clipped_text,
    describe,
    focus_ring,
    focused,
    horizontal_overflow,
    named,
    ours,
    reachable,
    require_axe,
    ring_visible,
    run_axe,
    tab_to,
    write_report,
)

from competency_graph.ui.i18n import label, t

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
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
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


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    target = Path(os.environ.get("COMPETENCY_GRAPH_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture(scope="module")
def axe_findings(shots) -> Iterator[list[Finding]]:
    """Every serious/critical axe finding of the module; written to ``axe-report.json`` at the end."""
    findings: list[Finding] = []
    yield findings
    summary = write_report(findings, shots / "axe-report.json")
    print(f"\naxe: Streamlit-origin violations (not ours), see {shots / 'axe-report.json'}:")
    for rule, entry in summary.items():
        print(f"  {rule}: {entry['count']} node(s) in {entry['component']} on {len(entry['pages'])} page(s)")


def check_axe(page, name: str, findings: list[Finding]) -> None:
    """axe-core on the page as it is: no serious or critical violation from our markup. Without axe-core this
    does nothing locally (the tour then reports a skip) and fails in CI."""
    if not AXE_JS.is_file() and not os.environ.get("CI"):
        return
    found = run_axe(page, name)
    findings.extend(found)
    assert not ours(found), f"axe: {', '.join(BLOCKING)} violations from our markup:\n{describe(ours(found))}"


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
    page.wait_for_selector(NAV_LINKS)  # signing in reruns twice: wait for the signed-in frame, then settle
    settle(page)


def go(page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()
    settle(page)


def whole_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main area, so ``full_page`` stops at the window: grow the window to the
    content's height (at most 8000 px) for the shot, then put it back."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()


def test_candidate_self_positions_and_sees_map(server, browser, shots, axe_findings):
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
    check_axe(page, "Me positionner (facile à lire, lecture à voix haute)", axe_findings)
    page.get_by_role("tab", name="Les activités de mon métier").click()
    expect(page.get_by_role("button", name="Enregistrer mes réponses")).to_be_visible()
    page.screenshot(path=shots / "candidate-activities-easy-read.png", full_page=True)
    check_axe(page, "Me positionner, onglet activités (facile à lire)", axe_findings)
    # the switches are saved on Léa's account (branch caseload): put them back for the journeys that follow
    page.get_by_text("Mode facile à lire").click()
    settle(page)
    page.get_by_text("Lire à voix haute").click()
    settle(page)
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


#: pages each role must at least see (the tour follows the sidebar, so pages added later are covered too)
TOUR = {
    "Léa (démo) — candidat": ["Me positionner", "Ma carte des compétences", "Mes preuves", "Ma prochaine étape"],
    "Moniteur d'atelier (démo)": ["Mes candidats", "Co-positionnement", "Dossier de preuves", "Suivi",
                                  "Objectif et parcours", "Explorer les référentiels"],
    "Formatrice (démo)": ["Maillons de parcours", "Explorer les référentiels"],
    "Administratrice (démo)": ["Validation et SPARQL", "Explorer les référentiels"],
}
NAV_LINKS = '[data-testid="stSidebarNav"] a[href]'


def nav_names(page) -> list[str]:
    """The page titles of the sidebar navigation, in order (the icon is drawn apart from the title)."""
    links = page.locator(NAV_LINKS)
    return [links.nth(i).inner_text().strip().splitlines()[-1].strip() for i in range(links.count())]


@pytest.mark.parametrize("account", list(TOUR))
def test_every_page_renders_and_passes_axe(server, browser, shots, axe_findings, account):
    """Each page of the role's sidebar renders without error and has no serious/critical axe violation of ours."""
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="fr-FR")
    page.goto(server)
    settle(page, 60_000)
    if account.startswith("Léa"):
        page.screenshot(path=shots / "sign-in.png", full_page=True)
        check_axe(page, "Connexion", axe_findings)
    sign_in(page, server, account)
    names = nav_names(page)
    assert set(TOUR[account]) <= set(names), names
    slug = account.split(" ")[0].lower().replace("'", "")
    for index, name in enumerate(names):
        page.locator(NAV_LINKS).nth(index).click()
        settle(page)
        no_exception(page)
        expect(page.get_by_text("quelque chose n'a pas marché")).to_have_count(0)
        assert page.evaluate("document.documentElement.lang") == "fr"  # Streamlit ships lang="en"
        file = name.lower().replace(" ", "-").replace("'", "")
        whole_page_screenshot(page, shots / f"tour-{slug}-{file}.png")
        check_axe(page, f"{slug}: {name}", axe_findings)
        tabs = page.locator('[data-testid="stMain"] [role="tab"]')
        for tab in range(1, tabs.count()):  # st.tabs switch in the browser: no rerun to wait for
            tabs.nth(tab).click()
            expect(tabs.nth(tab)).to_have_attribute("aria-selected", "true")
            check_axe(page, f"{slug}: {name} › {tabs.nth(tab).inner_text().strip()}", axe_findings)
    page.close()
    require_axe()  # the pages rendered; say so when the accessibility half could not run


# -- keyboard only ----------------------------------------------------------------------------------------

def assert_focus_visible(page) -> None:
    ring = focus_ring(page)
    assert ring["matches"] and ring_visible(ring), ring


def keyboard_sign_in(page, url: str, account: str, unringed: list[str]) -> None:
    """The demo sign-in with the keyboard only: Tab to the account list, arrows to the account, Enter."""
    page.goto(url)
    settle(page, 60_000)
    tab_to(page, lambda f: f["type"] == "radio", what="the account list", unringed=unringed)
    for _ in range(20):
        if account in focused(page)["name"]:
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail(f"the arrows never reached {account!r}")
    assert focused(page)["checked"]
    assert_focus_visible(page)
    tab_to(page, named(t("sign_in.button"), "button"), what="the sign-in button", unringed=unringed)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_selector(NAV_LINKS)  # signing in reruns twice: wait for the signed-in frame, then settle
    settle(page)


def test_keyboard_only_candidate_positions_reaches_map_and_adds_a_proof(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    unringed: list[str] = []  # focus stops without a visible ring
    keyboard_sign_in(page, server, "Léa (démo) — candidat", unringed)
    tab_to(page, named("Cercle 2", "button"), what="the circle 2 button", unringed=unringed)
    assert_focus_visible(page)
    page.keyboard.press("Space")
    settle(page)
    expect(page.get_by_text("C'est noté : cercle 2")).to_have_count(1)
    tab_to(page, named(t("page.map"), "a"), what="the map link", unringed=unringed)
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_role("heading", name=t("map.title"))).to_be_visible()
    page.wait_for_selector(".js-plotly-plot")
    no_exception(page)
    # then a proof in a few words: a choice outside the form (it reruns the page), two fields, the button
    tab_to(page, named(t("page.evidence"), "a"), what="the evidence link", unringed=unringed)
    page.keyboard.press("Enter")
    settle(page)
    tab_to(page, lambda f: f["type"] == "radio", what="the kind of proof", unringed=unringed)
    for _ in range(3):
        if label("evidence_kind", "observation") in focused(page)["name"]:
            break
        page.keyboard.press("ArrowDown")
        settle(page)
    assert label("evidence_kind", "observation") in focused(page)["name"] and focused(page)["checked"]
    tab_to(page, named(t("evidence.title_field"), "input"), what="the title", unringed=unringed)
    page.keyboard.type("Rangement de la réserve")
    tab_to(page, lambda f: f["tag"] == "textarea", what="the text", unringed=unringed)
    page.keyboard.type("J'ai rangé les cartons par taille.")
    tab_to(page, named(t("evidence.submit"), "button"), what="the add button", unringed=unringed)
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text(t("evidence.added", title="Rangement de la réserve"))).to_have_count(1)
    no_exception(page)
    assert not unringed, f"the focus was not visible on: {unringed}"
    page.close()


def test_keyboard_only_accompanist_records_a_co_positioning(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    unringed: list[str] = []  # focus stops without a visible ring
    keyboard_sign_in(page, server, "Moniteur d'atelier (démo)", unringed)
    tab_to(page, named(t("candidates.go"), "button"), what="the co-positioning button", unringed=unringed)
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_role("heading", name=t("co.title"))).to_be_visible()
    tab_to(page, lambda f: f["type"] == "radio" and f["name"].startswith("Cercle"), what="the level choice",
           unringed=unringed)
    page.keyboard.press("ArrowDown")
    assert focused(page)["checked"]
    assert_focus_visible(page)
    tab_to(page, lambda f: f["tag"] == "textarea", what="the note", unringed=unringed)
    page.keyboard.type("Accord trouvé en entretien.")
    tab_to(page, named(t("co.save"), "button"), what="the save button", unringed=unringed)
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text("Avis enregistré")).to_have_count(1)
    no_exception(page)
    assert not unringed, f"the focus was not visible on: {unringed}"
    page.close()


def test_keyboard_only_trainer_generates_and_downloads_course_links(server, browser, shots, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="fr-FR", accept_downloads=True)
    unringed: list[str] = []  # focus stops without a visible ring
    keyboard_sign_in(page, server, "Formatrice (démo)", unringed)
    page.wait_for_selector(".js-plotly-plot")
    expect(page.get_by_text(t("links.table"))).to_have_count(1)
    no_exception(page)
    page.screenshot(path=shots / "trainer-course-links.png", full_page=True)
    tab_to(page, named(t("links.download"), "button"), what="the CSV download", unringed=unringed)
    assert_focus_visible(page)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    target = tmp_path / "links.csv"
    download.value.save_as(target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert t("links.col.title") in lines[0] and len(lines) > 1
    assert not unringed, f"the focus was not visible on: {unringed}"
    page.close()


# -- 200 % zoom -------------------------------------------------------------------------------------------

def test_candidate_pages_reflow_at_200_percent_zoom(server, browser, shots):
    """200 % browser zoom of a 1280×800 window is a 640×400 CSS-pixel viewport drawn at two device pixels per
    CSS pixel: that is what we emulate (viewport + device_scale_factor), so media queries and Streamlit's
    narrow layout apply as they would when zoomed. CSS ``zoom`` on the body would not trigger them, and
    would scale Streamlit's own measurements inconsistently. Main content must not scroll sideways, no text
    is cut, the circle buttons and "Suivante" fit in the width and are not covered."""
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2, locale="fr-FR")
    page = context.new_page()
    page.goto(server)
    settle(page, 60_000)
    assert horizontal_overflow(page) == [] and clipped_text(page) == [], "sign-in page"
    assert reachable(page.get_by_role("button", name=t("sign_in.button")), 640)
    page.screenshot(path=shots / "zoom200-0-sign-in.png")
    sign_in(page, server, "Léa (démo) — candidat")
    for easy in (False, True):
        if easy:
            open_sidebar(page)
            page.get_by_text(t("sidebar.easy_read")).click()
            settle(page)
        for index, name in enumerate(TOUR["Léa (démo) — candidat"]):
            open_sidebar(page)
            page.locator(NAV_LINKS).nth(index).click()
            settle(page)
            close_sidebar(page)
            page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
            no_exception(page)
            assert horizontal_overflow(page) == [], name
            assert clipped_text(page) == [], name
            file = f"zoom200-{'easy-' if easy else ''}{index + 1}.png"
            page.screenshot(path=shots / file)
            if index == 0:
                circles = page.locator('[class*="st-key-big-"] button:visible')  # Streamlit keeps a hidden twin
                assert circles.count() == 4
                for i in range(4):
                    assert reachable(circles.nth(i), 640), f"circle {i + 1}"
                assert reachable(page.locator(".st-key-skip button:visible"), 640)
                page.screenshot(path=shots / file.replace(".png", "-bottom.png"))
    context.close()


SIDEBAR_OPEN = """() => { const r = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
  return r.width > 0 && r.left >= 0; }"""
SIDEBAR_CLOSED = """() => { const r = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
  return r.width === 0 || r.right <= 0; }"""


def open_sidebar(page) -> None:
    """In the narrow layout the sidebar is folded away behind a button; open it and wait for its slide-in."""
    if not page.evaluate(SIDEBAR_OPEN):
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_function(SIDEBAR_OPEN)


def close_sidebar(page) -> None:
    """Opened, the sidebar covers the page and stays open after a navigation: fold it back."""
    if not page.evaluate(SIDEBAR_CLOSED):
        page.locator('[data-testid="stSidebarCollapseButton"] button').first.click()
        page.wait_for_function(SIDEBAR_CLOSED)


def test_direct_links_open_after_sign_in_and_other_roles_pages_say_so_in_french(server, browser, shots):
    """A bookmark to a page (a link in a mail, F5 after the session ended) shows the sign-in form at that
    address and opens the page once signed in; a page of another role is a French notice, never Streamlit's
    English "Page not found"."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server.rstrip("/") + "/ma-carte", "Léa")
    assert page.url.rstrip("/").endswith("/ma-carte")
    main = page.locator('[data-testid="stMainBlockContainer"]')
    assert "Ma carte des compétences" in main.inner_text()
    page.goto(server.rstrip("/") + "/administration")
    settle(page, 60_000)
    page.wait_for_selector("text=Cette page n'est pas dans votre espace")
    page.screenshot(path=shots / "direct-link-other-role.png")
    assert "Page not found" not in page.inner_text("body")
    assert "Administration" not in main.inner_text()  # nothing of the admin page is shown
    page.get_by_role("link", name="Aller à « Me positionner »").click()
    settle(page)
    page.wait_for_selector("text=Compétence 1 sur 12")  # the role's first page (its address is the root)
    assert "Cette page n'est pas dans votre espace" not in main.inner_text()
    context.close()


def session_cookie(context, present: bool = True, timeout: float = 15) -> dict | None:
    """The ``cg_session`` cookie of the browser context, once it is there (or gone, ``present=False``)."""
    deadline = time.monotonic() + timeout
    while True:
        found = next((c for c in context.cookies() if c["name"] == "cg_session"), None)
        if (found is not None) == present:
            return found
        assert time.monotonic() < deadline, f"the session cookie is {'missing' if present else 'still there'}"
        time.sleep(0.1)


def test_an_unknown_address_is_a_french_notice_with_a_way_back(server, browser, shots):
    """A mistyped address or an old bookmark: a French notice with a link to the sign-in form (signed out) or
    to the role's first page (signed in), never Streamlit's English "Page not found" dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.rstrip("/") + "/ma-kart")
    settle(page, 60_000)
    page.wait_for_selector("text=Page introuvable")
    assert "Page not found" not in page.inner_text("body")
    page.get_by_role("link", name="Aller à « Connexion »").click()
    settle(page)
    page.wait_for_selector("text=Entrer")
    page.get_by_text("Léa", exact=False).first.click()
    page.get_by_role("button", name="Entrer").click()
    page.wait_for_selector(NAV_LINKS)
    settle(page)
    session_cookie(context)  # set by the server after sign-in
    page.goto(server.rstrip("/") + "/mes-preuvess")
    settle(page, 60_000)
    page.wait_for_selector("text=Page introuvable")
    page.screenshot(path=shots / "unknown-address.png")
    body = page.inner_text("body")
    assert "Page not found" not in body and "You have requested page" not in body
    page.get_by_role("link", name="Aller à « Me positionner »").click()
    settle(page)
    page.wait_for_selector("text=Compétence 1 sur 12")
    context.close()


def test_a_candidate_sends_an_iphone_heic_photo_and_sees_it(server, browser, shots):
    """The iPhone's default photo format, chosen in the file dialog: stored as JPEG and shown in the list."""
    heic = Path(__file__).resolve().parents[1] / "fixtures" / "images" / "photo-iphone.heic"
    page = browser.new_page(viewport={"width": 1280, "height": 1400}, locale="fr-FR")
    sign_in(page, server, "Léa (démo) — candidat")
    go(page, t("page.evidence"))
    page.get_by_text(label("evidence_kind", "photo"), exact=False).first.click()
    settle(page)
    page.get_by_label(t("evidence.title_field")).fill("Mon poste de travail")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(heic))
    page.wait_for_selector("text=photo-iphone.heic")
    page.get_by_role("button", name=t("evidence.submit")).click()
    settle(page)
    expect(page.get_by_text(t("evidence.added", title="Mon poste de travail"))).to_have_count(1)
    no_exception(page)
    image = page.get_by_role("img", name="Mon poste de travail").first  # its title is its text alternative
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > img.naturalWidth")
    image.scroll_into_view_if_needed()
    page.screenshot(path=shots / "candidate-evidence-heic.png", full_page=True)
    page.close()


def _post(url: str, body: bytes, origin: str | None) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Origin": origin} if origin else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_the_session_cookie_is_httponly_survives_f5_and_goes_at_sign_out(server, browser):
    """No script in the page can read the session: the server sets the cookie (HttpOnly, SameSite=Strict) from a
    one-time ticket the page posts; F5 keeps the worker signed in; signing out clears it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    tickets: list[bytes] = []
    page.on("request", lambda r: tickets.append(r.post_data_buffer) if r.url.endswith("/_cg/session") else None)
    sign_in(page, server, "Léa (démo) — candidat")
    cookie = session_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/" and cookie["expires"] > 0
    assert "cg_session" not in page.evaluate("document.cookie")
    page.reload()
    settle(page, 60_000)
    page.wait_for_selector("text=Compétence 1 sur 12")  # still signed in, on her first page
    # the route answers the page's own ticket once, and nothing else
    route = server.rstrip("/") + "/_cg/session"
    assert len(tickets) == 1 and tickets[0]
    assert _post(route, tickets[0], server) == 403  # already used by the page
    assert _post(route, b"forged-ticket", server) == 403
    assert _post(route, b"", server) == 403
    assert _post(route, b"x" * 5000, server) == 403
    open_sidebar(page)
    page.get_by_role("button", name=t("sidebar.sign_out")).click()
    settle(page)
    assert session_cookie(context, present=False) is None
    page.reload()
    settle(page, 60_000)
    page.wait_for_selector("text=Entrer")  # signed out for good
    context.close()


def test_the_cookie_route_refuses_another_origin_and_a_second_use(server, browser):
    """The page's ticket, caught before it reaches the server: posted from another origin or without one it is
    refused (and not spent); from the app's own origin it sets the cookie once."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    caught: list[bytes] = []

    def hold(route) -> None:
        caught.append(route.request.post_data_buffer)
        route.abort()

    page.route("**/_cg/session", hold)
    sign_in(page, server, "Léa (démo) — candidat")
    deadline = time.monotonic() + 15
    while not caught:
        assert time.monotonic() < deadline, "the page posted no ticket"
        page.wait_for_timeout(100)
    ticket, url = caught[0], server.rstrip("/") + "/_cg/session"
    assert _post(url, ticket, "https://evil.example") == 403
    assert _post(url, ticket, None) == 403
    request = urllib.request.Request(url, data=ticket, method="POST", headers={"Origin": server.rstrip("/")})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 204
        set_cookie = answer.headers["set-cookie"]
    assert set_cookie.startswith("cg_session=") and "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie
    assert _post(url, ticket, server.rstrip("/")) == 403  # once only
    context.close()
