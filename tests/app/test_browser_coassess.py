"""Real-browser journeys of issue 16: the co-assessment grid done with the keyboard alone and timed (one screen,
one save for the 12 RECTEC competencies and the trade's activities), and the candidate pages in easy-read at
200 % zoom and on a 390 × 844 phone, checked with axe-core. Same server and browser fixtures as
``test_browser.py`` (this module starts its own server)."""

from __future__ import annotations

import re
import time

import pytest
from a11y import focus_ring, focused, horizontal_overflow, named, ring_visible, tab_to
from test_browser import (  # noqa: F401 - fixtures are used by name
    NAV_LINKS,
    SIDEBAR_CLOSED,
    axe_findings,
    browser,
    check_axe,
    close_sidebar,
    no_exception,
    open_sidebar,
    server,
    settle,
    shots,
    sign_in,
    whole_page_screenshot,
)

from competency_graph.ui.i18n import t

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.browser]

_GROUP_LABEL = """() => {
  const e = document.activeElement;
  const box = e && e.closest('[data-testid="stRadio"]');
  const label = box && box.querySelector('[data-testid="stWidgetLabel"]');
  return label ? label.innerText.replace(/\\s+/g, ' ').trim() : '';
}"""


def test_grid_one_screen_one_save_with_the_keyboard_timed(server, browser, shots):
    """All 12 RECTEC competencies and the trade's activities on one screen: Tab reaches each row, the arrows
    pick the person's own answer when she gave one (Space keeps the proposed one otherwise), one Enter saves."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    sign_in(page, server, "Moniteur d'atelier (démo)")
    page.get_by_role("link", name=t("page.grid")).first.click()
    settle(page)
    expect(page.get_by_role("heading", name=t("grid.title"))).to_be_visible()
    groups = page.locator('[data-testid="stForm"] [role="radiogroup"]')
    rows = groups.count()
    activities = rows - 12
    assert rows >= 12 + 3 and activities >= 3, rows
    whole_page_screenshot(page, shots / "grid-before.png")

    unringed: list[str] = []
    keys = 0
    started = time.monotonic()
    tab_to(page, lambda f: f["type"] == "radio", what="the first row", unringed=unringed)
    for row in range(rows):
        label = page.evaluate(_GROUP_LABEL)
        assert label, f"row {row + 1}: the focus is not in a row of the grid"
        own = re.search(r"la personne : (Cercle \d|acquis|en cours|pas encore)\)", label)
        if own:
            for _ in range(8):
                if focused(page)["name"] == own.group(1):
                    break
                page.keyboard.press("ArrowRight")
                keys += 1
            else:
                pytest.fail(f"row {row + 1}: the arrows never reached {own.group(1)!r}")
        if not focused(page)["checked"]:
            page.keyboard.press("Space")
            keys += 1
        assert focused(page)["checked"]
        ring = focus_ring(page)
        if not ring_visible(ring):
            unringed.append(f"row {row + 1}")
        page.keyboard.press("Tab")  # the row's note
        assert focused(page)["tag"] == "input", focused(page)
        page.keyboard.press("Tab")  # the next row, or the save button
        keys += 2
    info = focused(page)
    assert named(t("grid.save"), "button")(info), info
    page.keyboard.press("Enter")
    keys += 1
    settle(page)
    expect(page.get_by_text(re.compile(r"Grille enregistrée : \d+ avis\.|Rien n'a changé"))).to_have_count(1)
    elapsed = time.monotonic() - started
    no_exception(page)
    whole_page_screenshot(page, shots / "grid-saved.png")
    print(f"\ngrid: {rows} rows (12 RECTEC + {activities} activities), {keys} key presses, one save, "
          f"{elapsed:.1f} s from the first Tab to the saved message")
    (shots / "grid-timing.txt").write_text(f"rows={rows} keys={keys} seconds={elapsed:.2f}\n", encoding="utf-8")
    assert elapsed < 120
    assert not unringed, f"the focus was not visible on: {unringed}"
    page.close()


CANDIDATE_PAGES = ["Me positionner", "Ma carte des compétences", "Mes preuves", "Ma prochaine étape"]


@pytest.mark.parametrize("size", ["zoom200", "phone"])
def test_candidate_pages_in_easy_read_pass_axe(server, browser, shots, axe_findings, size):
    """Every candidate page in easy-read, at 200 % zoom (640 × 400 CSS pixels at 2 device pixels each) and on
    a 390 × 844 phone: no serious/critical axe violation of ours, no sideways scrolling of the content."""
    viewport = {"width": 640, "height": 400} if size == "zoom200" else {"width": 390, "height": 844}
    context = browser.new_context(viewport=viewport, device_scale_factor=2 if size == "zoom200" else 3,
                                  locale="fr-FR", is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    sign_in(page, server, "Léa (démo) — candidat")
    open_sidebar(page)
    if not page.get_by_role("switch", name=t("sidebar.easy_read"), exact=True).is_checked():  # saved on the account
        page.get_by_text(t("sidebar.easy_read")).click()
        settle(page)
    for index, name in enumerate(CANDIDATE_PAGES):
        open_sidebar(page)
        page.locator(NAV_LINKS).nth(index).click()
        settle(page)
        page.wait_for_function(SIDEBAR_CLOSED, timeout=5_000)  # folded back by the app, not by the test
        no_exception(page)
        assert horizontal_overflow(page) == [], name
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert not re.search(r"\(s\)|\w·\w", text), f"{name}: '(s)' or '·e' in easy-read"
        assert page.locator('[data-testid="stMain"] [data-testid="stTooltipIcon"]').count() == 0, f"{name}: a tooltip in easy-read"
        if name == "Mes preuves":
            zone = page.locator('[data-testid="stFileUploaderDropzone"]').first
            expect(zone.locator("button")).to_contain_text(t("evidence.upload_button"))
            expect(zone).to_contain_text(t("evidence.upload_limit"))
            assert "Upload" not in zone.inner_text() and "per file" not in zone.inner_text()
        whole_page_screenshot(page, shots / f"{size}-easy-{index + 1}.png")
        check_axe(page, f"{size} facile à lire: {name}", axe_findings)
    context.close()


def test_after_an_answer_the_next_question_has_the_focus(server, browser):
    """Answering with the keyboard: the next question takes the focus (not the page body), and one Tab reaches
    its first answer."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    sign_in(page, server, "Léa (démo) — candidat")
    first = page.locator("h2.cg-question").inner_text()
    page.locator('[class*="st-key-big-"] button:visible').nth(1).focus()
    page.keyboard.press("Space")
    settle(page)
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('h2.cg-question')",
                           timeout=10_000)
    assert page.evaluate("() => document.activeElement.innerText") != first
    page.keyboard.press("Tab")
    # the first answer of the new question (in either reading mode: the choice is saved on the account)
    assert focused(page)["tag"] == "button"
    assert page.evaluate("() => !!document.activeElement.closest('[class*=\"st-key-big-\"]')")
    page.close()
