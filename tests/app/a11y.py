"""Accessibility probes for the real-browser tests: axe-core run in the page (violations split into ours and
Streamlit's), keyboard-only focus moves, and the reflow checks used at 200 % zoom.

Nothing here reads personal data out of the page: findings keep the rule, the element's opening tag (no text)
and its CSS path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

#: Violations produced by Streamlit's own markup, which the app cannot change: (axe rule, CSS selector that the
#: offending element matches or lies inside, why). Anything not listed here counts as ours and fails the test.
#: Keep the list short and specific: a pattern must name one Streamlit component, never a whole page.
STREAMLIT_ORIGIN: tuple[tuple[str, str, str], ...] = (
    ("list", '[data-testid="stSidebarNavItems"]',
     "st.navigation's sidebar: the <ul> holds <div> wrappers around the section headers and links"),
    ("listitem", '[data-testid="stSidebarNavItems"] li',
     "st.navigation's sidebar: its <li> sit inside those <div>, so they have no list parent"),
)

_RUN_AXE = """async ({patterns, impacts}) => {
  const result = await axe.run(document, {resultTypes: ['violations'], frameWaitTime: 10000});
  const findings = [];
  for (const v of result.violations) {
    if (!impacts.includes(v.impact)) continue;
    for (const node of v.nodes) {
      const path = node.target.map(t => Array.isArray(t) ? t.join(' >> ') : t);
      let element = null;
      try { element = path.length === 1 ? document.querySelector(path[0]) : null; } catch (e) { element = null; }
      let origin = 'ours';
      let why = '';
      for (const [rule, selector, reason] of patterns) {
        if (rule === v.id && element && (element.matches(selector) || element.closest(selector))) {
          origin = 'streamlit';
          why = reason;
        }
      }
      const holder = element && element.closest('[data-testid]');
      findings.push({rule: v.id, impact: v.impact, origin, why, target: path.join(' >>> '),
                     tag: node.html.split('>')[0].slice(0, 160) + '>',
                     component: holder ? holder.getAttribute('data-testid') : '', help: v.help});
    }
  }
  return findings;
}"""


@dataclass(frozen=True)
class Finding:
    """One element that breaks one axe rule on one page."""

    page: str
    rule: str
    impact: str
    origin: str  # "ours" or "streamlit"
    why: str
    component: str  # nearest data-testid, i.e. the Streamlit element holding it
    tag: str
    target: str
    help: str


def require_axe() -> Path:
    """The path of axe.min.js; skips the test when npm has not installed it, but fails in CI (env CI set)."""
    if AXE_JS.is_file():
        return AXE_JS
    message = f"axe-core is not installed ({AXE_JS}); run `npm ci` in tests/app/axe"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_axe(page, name: str) -> list[Finding]:
    """axe-core's serious and critical violations on the page as it is now, child frames included."""
    path = require_axe()
    for frame in page.frames:
        try:
            if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
                frame.add_script_tag(path=str(path))
        except Exception:  # noqa: BLE001 - a frame may go away while we inject; axe then skips it
            pass
    patterns = [list(p) for p in STREAMLIT_ORIGIN]
    rows = page.evaluate(_RUN_AXE, {"patterns": patterns, "impacts": list(BLOCKING)})
    return [Finding(page=name, **row) for row in rows]


def ours(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.origin == "ours"]


def describe(findings: list[Finding]) -> str:
    return "\n".join(f"  [{f.impact}] {f.rule} on {f.page!r}: {f.tag} ({f.component}) — {f.help}" for f in findings)


def write_report(findings: list[Finding], target: Path) -> dict:
    """Writes every finding as JSON and returns a summary of the Streamlit-origin ones: rule -> count, pages."""
    summary: dict[str, dict] = {}
    for f in findings:
        if f.origin != "streamlit":
            continue
        entry = summary.setdefault(f.rule, {"count": 0, "pages": [], "component": f.component, "why": f.why})
        entry["count"] += 1
        if f.page not in entry["pages"]:
            entry["pages"].append(f.page)
    target.write_text(json.dumps({"streamlit_origin": summary, "findings": [asdict(f) for f in findings]},
                                 ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


# -- keyboard ----------------------------------------------------------------------------------------------

_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {tag: 'body', name: '', role: '', type: '', checked: false};
  const label = e.closest('label');
  const labelled = e.getAttribute('aria-labelledby');
  const byId = labelled ? document.getElementById(labelled) : null;
  const name = e.getAttribute('aria-label') || (label && label.innerText) || (byId && byId.innerText)
    || e.innerText || e.getAttribute('placeholder') || '';
  return {tag: e.tagName.toLowerCase(), name: name.replace(/\\s+/g, ' ').trim(), role: e.getAttribute('role') || '',
          type: e.getAttribute('type') || '', checked: !!e.checked};
}"""

_FOCUS_RING = """() => {
  // judge the state the focus leads to, not a frame of a fade-in (Streamlit fades its toolbars in)
  for (const animation of document.getAnimations()) { try { animation.finish(); } catch (e) {} }
  let e = document.activeElement;
  const boxed = e && e.tagName === 'INPUT' && ['radio', 'checkbox'].includes(e.type);
  if (boxed && e.closest('label')) e = e.closest('label');
  const s = getComputedStyle(e);
  let opacity = 1;
  for (let a = e; a && a.nodeType === 1; a = a.parentElement) opacity *= parseFloat(getComputedStyle(a).opacity);
  return {running: !!document.querySelector('[data-testid="stApp"][data-test-script-state="running"]'),
          matches: document.activeElement.matches(':focus-visible'), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth) || 0, color: s.outlineColor, opacity,
          what: e.tagName.toLowerCase() + ' ' + (e.getAttribute('data-testid') || e.getAttribute('aria-label') || '')};
}"""


def focused(page) -> dict:
    """What has the keyboard focus: tag, accessible-ish name, role, type, checked."""
    return page.evaluate(_FOCUSED)


def ring_visible(ring: dict) -> bool:
    return ring["style"] != "none" and ring["width"] >= 2 and ring["opacity"] > 0.5


def tab_to(page, wanted: Callable[[dict], bool], *, what: str, limit: int = 120, back: bool = False,
           unringed: list[str] | None = None) -> dict:
    """Presses Tab (Shift+Tab when ``back``) until the focused element satisfies ``wanted``. Every element the
    focus passes through without a visible ring is added to ``unringed`` when given."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info = focused(page)
        if unringed is not None and info["tag"] != "body":
            ring = focus_ring(page)
            # "body": a rerun replaced the element between the two looks; the next Tab goes on from there.
            # While the script runs Streamlit fades the page out: judge rings on a settled page only.
            if not ring["running"] and not ring["what"].startswith("body") and not ring_visible(ring):
                unringed.append(f"{ring['what']} {info['name'][:30]!r}")
        if wanted(info):
            return info
        seen.append(f"{info['tag']}:{info['name'][:25]}")
    pytest.fail(f"{what}: not reached with {limit} presses of {'Shift+Tab' if back else 'Tab'}; "
                f"focus went through {seen[:40]}")


def named(text: str, *tags: str) -> Callable[[dict], bool]:
    """A ``tab_to`` predicate: the focused element's name contains ``text`` (and its tag is one of ``tags``)."""
    return lambda info: text in info["name"] and (not tags or info["tag"] in tags)


def focus_ring(page) -> dict:
    """The outline drawn around the focused element (its label for radios and checkboxes)."""
    return page.evaluate(_FOCUS_RING)


# -- reflow (200 % zoom) -----------------------------------------------------------------------------------

_OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const boxes = [document.documentElement, main, document.querySelector('[data-testid="stMainBlockContainer"]')];
  return boxes.filter(Boolean).map(e => ({name: e.getAttribute('data-testid') || e.tagName.toLowerCase(),
                                         scroll: e.scrollWidth, client: e.clientWidth}));
}"""

# Text that does not fit its box and is cut (overflow hidden/clip, or an ellipsis) inside the main area.
# Charts (plotly SVG) and data grids (canvas) draw their own text and scroll on purpose: left out.
_CLIPPED = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const skip = '.js-plotly-plot, [data-testid="stDataFrame"], [data-testid="stDataFrameResizable"], iframe';
  const out = [];
  for (const e of main.querySelectorAll('p, span, h1, h2, h3, h4, label, button, li, div')) {
    if (e.closest(skip) || !e.innerText || !e.innerText.trim()) continue;
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || e.getClientRects().length === 0) continue;
    const cutX = ['hidden', 'clip'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1;
    const cutY = ['hidden', 'clip'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1;
    const ellipsis = s.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1;
    if (cutX || cutY || ellipsis) out.push(e.tagName.toLowerCase() + ' ' + (e.getAttribute('data-testid') || '')
      + ' ' + e.scrollWidth + 'x' + e.scrollHeight + ' in ' + e.clientWidth + 'x' + e.clientHeight);
  }
  return out;
}"""


def horizontal_overflow(page, tolerance: int = 2) -> list[dict]:
    """The page's scrolling boxes that are wider than what they show (horizontal scrolling)."""
    return [box for box in page.evaluate(_OVERFLOW) if box["scroll"] > box["client"] + tolerance]


def clipped_text(page) -> list[str]:
    return page.evaluate(_CLIPPED)


def reachable(locator, width: int) -> bool:
    """True when the element, once scrolled into view, lies between x = 0 and ``width`` and is not covered
    (the element at its centre is itself or inside it)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    if box is None or box["width"] <= 0 or box["x"] < 0 or box["x"] + box["width"] > width + 1:
        return False
    return locator.evaluate("""e => { const r = e.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return !!hit && e.contains(hit); }""")
