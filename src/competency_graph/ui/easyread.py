"""Easy-read widgets: larger text and buttons, pictos for the RECTEC competencies and circles, read-aloud.

The read-aloud button uses the browser's own speech synthesis (``speechSynthesis``, French voice): nothing
leaves the computer.
"""

from __future__ import annotations

import json

import streamlit as st
import streamlit.components.v1 as components

from .i18n import t

__all__ = ["COMPETENCY_PICTOS", "competency_picto", "level_picto", "apply_style", "read_aloud", "focus_on",
           "BIG_KEY"]

#: one picto per RECTEC competency (C01…C12), shown next to its name
COMPETENCY_PICTOS = {
    "rectec:C01": "🗓️", "rectec:C02": "📏", "rectec:C03": "🤝", "rectec:C04": "🔢",
    "rectec:C05": "🗣️", "rectec:C06": "✍️", "rectec:C07": "🙂", "rectec:C08": "📱",
    "rectec:C09": "🔎", "rectec:C10": "⚡", "rectec:C11": "🧭", "rectec:C12": "📚",
}
#: widgets whose key starts with this prefix are drawn as big buttons
BIG_KEY = "big-"

_BASE_CSS = """
<style>
[class*="st-key-big-"] button { min-height: 4.2rem; font-size: 1.15rem; text-align: left;
  justify-content: flex-start; border-width: 2px; }
[class*="st-key-big-"] button p { font-size: 1.15rem; text-align: center; }
[class*="st-key-big-chosen"] button { border-color: #1F6FB2; background: #E8F1FA; font-weight: 600; }
.cg-pole { display: inline-block; width: 1rem; height: 1rem; border-radius: 50%; vertical-align: middle;
  margin-right: .4rem; border: 1px solid #333; }
/* Captions: Streamlit fades them to 60 % opacity (3.9:1 on white, links 3:1); 85 % keeps them secondary and
   readable (8.5:1, links 5.2:1) in the light and the dark theme alike. */
[data-testid="stCaptionContainer"] { opacity: .85; }
/* A focus ring that can be seen: Streamlit's is a faint pink glow (under 3:1 against white). */
:is(a, button, input, textarea, select, summary, [role="tab"], [role="option"], [tabindex="0"]):focus-visible {
  outline: 3px solid #0B3D6B; outline-offset: 2px; }
/* radios, checkboxes and toggles hide their native input: ring the label that draws them */
label:has(input:focus-visible) { outline: 3px solid #0B3D6B; outline-offset: 2px; border-radius: 4px; }
/* Streamlit's "link to heading" anchors take the focus while staying transparent: show them when focused */
[data-testid="stHeaderActionElements"] a:focus-visible { opacity: 1 !important; transition: none !important;
  outline: 3px solid #0B3D6B !important; }
/* the uploader's size line, said in French (longer than Streamlit's English), wraps instead of being cut */
[data-testid="stFileUploaderDropzoneInstructions"] span { white-space: normal; overflow: visible; }
/* a drawing made twice, for wide and for phone-sized screens: each shows on its own kind of screen only */
[class*="st-key-narrow-only"] { display: none; }
@media (max-width: 500px) {
  [class*="st-key-wide-only"] { display: none; }
  [class*="st-key-narrow-only"] { display: block; }
}
/* the question being answered takes the focus after each answer: no "link to heading" stop right after it */
h2.cg-question [data-testid="stHeaderActionElements"] { display: none; }
/* the toolbar of tables and charts shows on mouse hover only; its buttons take the focus: show it then too */
[data-testid="stElementToolbar"]:focus-within { opacity: 1 !important; }
/* the data grid's scroller takes the focus before its cells */
[data-testid="stDataFrameResizable"] .dvn-scroller:focus-visible { outline: 3px solid #0B3D6B; outline-offset: -3px; }
/* Small or zoomed screens (200 % zoom of a laptop is 640×400): Streamlit keeps 6rem of blank above the title,
   a third of the height; keep just what clears its fixed header (the sidebar button). */
@media (max-width: 700px), (max-height: 500px) {
  [data-testid="stMainBlockContainer"] { padding-top: 4rem; }
}
</style>
"""
_EASY_CSS = """
<style>
[data-testid="stMain"] { font-size: 20px; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.4rem; line-height: 1.6; }
[class*="st-key-big-"] button { min-height: 5.5rem; }
[class*="st-key-big-"] button p { font-size: 1.7rem; }
h1 { font-size: 2.4rem !important; }
/* what the person types or picks grows with the text around it */
[data-testid="stMain"] input, [data-testid="stMain"] textarea,
[data-testid="stMain"] [data-baseweb="select"] { font-size: 1.25rem; }
[data-testid="stMain"] button p { font-size: 1.25rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 1.1rem; }
</style>
"""


def competency_picto(item_id: str) -> str:
    return COMPETENCY_PICTOS.get(item_id, "•")


def level_picto(level: int | None) -> str:
    return t(f"level.picto.{level}") if level in (1, 2, 3, 4) else "▫️"


#: Streamlit's page says lang="en": screen readers would read our French with an English voice (WCAG 3.1.1)
_LANG_FR = "<script>document.documentElement.lang = 'fr';</script>"


#: Streamlit's own chrome in English, said in French: the file uploader's button and size line (Streamlit has
#: no option for them). The text nodes are rewritten, not hidden with CSS, so that screen readers say the French
#: words too; a MutationObserver re-applies it to uploaders drawn later. Also, on a narrow screen (a phone, or
#: a laptop at 200 % zoom) the sidebar opened to navigate covers the page: it is folded back after each
#: navigation (Streamlit keeps it open).
_APP_SCRIPT = """<script>
(() => {
  if (window.__cgScript) return;
  window.__cgScript = true;
  const WORDS = %s;
  const french = (root) => {
    root.querySelectorAll('[data-testid="stFileUploaderDropzone"]').forEach((zone) => {
      const p = zone.querySelector('button [data-testid="stMarkdownContainer"] p');
      if (p && p.textContent !== WORDS.button) p.textContent = WORDS.button;
      const input = zone.querySelector('input[type="file"]');
      if (input && input.getAttribute('aria-label') !== WORDS.button) input.setAttribute('aria-label', WORDS.button);
      const line = zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
      if (line && !line.dataset.cgFrench) {
        const types = (line.textContent.split('\u2022')[1] || '').trim();
        line.textContent = WORDS.limit + (types ? ' \u2022 ' + types : '');
        line.dataset.cgFrench = '1';
      }
    });
  };
  let path = location.pathname;
  let navigated = false;
  document.addEventListener('click', (event) => {
    if (!(event.target.closest && event.target.closest('[data-testid="stSidebarNav"] a'))) return;
    navigated = true;
    setTimeout(fold, 400);  // the current page's own link reruns nothing: no mutation would call fold
  }, true);
  const fold = () => {
    if (location.pathname !== path) { path = location.pathname; navigated = true; }
    const app = document.querySelector('[data-testid="stApp"]');
    if (!navigated || !app || app.getAttribute('data-test-script-state') !== 'notRunning') return;
    navigated = false;
    if (window.innerWidth > 768) return;
    const side = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (side && button && side.getBoundingClientRect().width > 0 && side.getBoundingClientRect().left >= 0) {
      button.click();
    }
  };
  new MutationObserver(() => { french(document); fold(); }).observe(document.body, {childList: true,
    subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  french(document);
})();
</script>"""


#: the text size saved on the account: the root font size every rem-based size follows
_TEXT_SIZE_CSS = {"normal": "", "large": "<style>html { font-size: 18px; }</style>",
                  "larger": "<style>html { font-size: 21px; }</style>"}


def apply_style(easy: bool, text_size: str = "normal") -> None:
    """Inject the app's fixed CSS (ours only, never user text), bigger everything in easy-read mode or with a
    larger text size; mark the page as French, say the file uploader's words in French, fold the sidebar after
    navigating on small screens."""
    st.markdown(_BASE_CSS + (_EASY_CSS if easy else "") + _TEXT_SIZE_CSS.get(text_size, ""),
                unsafe_allow_html=True)
    words = json.dumps({"button": t("evidence.upload_button"), "limit": t("evidence.upload_limit")})
    st.html(_LANG_FR + _APP_SCRIPT % words.replace("</", "<\\/"), unsafe_allow_javascript=True)


def focus_on(selector: str, nonce: str) -> None:
    """Move the keyboard focus to the first element matching ``selector`` once the page has been redrawn
    (made focusable with ``tabindex=-1`` when it is not): after an answer, the next question has the focus
    instead of the page body. ``nonce`` changes with each answer so that the script runs again."""
    script = """<script>
const target = %s;
let tries = 0;
// this helper frame is invisible: keep it out of the Tab order and away from screen readers
if (window.frameElement) {
  window.frameElement.setAttribute('tabindex', '-1');
  window.frameElement.setAttribute('aria-hidden', 'true');
}
const go = () => {
  const doc = window.parent.document;
  const app = doc.querySelector('[data-testid="stApp"]');
  const found = doc.querySelector(target);
  if (found && app && app.getAttribute('data-test-script-state') === 'notRunning') {
    if (!found.hasAttribute('tabindex')) found.setAttribute('tabindex', '-1');
    found.focus({preventScroll: false});
    return;
  }
  if (tries++ < 60) setTimeout(go, 100);
};
go();
</script><!-- %s -->""" % (json.dumps(selector).replace("</", "<\\/"), json.dumps(nonce).replace("--", "- -"))
    components.html(script, height=0)


def read_aloud(text: str, *, button_label: str = "🔊 Écouter") -> None:
    """A button that reads ``text`` aloud with the browser's French voice."""
    # JSON-encode and break "</" so that no text can close the script element.
    payload = json.dumps(text).replace("</", "<\\/")
    name = json.dumps(button_label).replace("</", "<\\/")
    components.html(
        f"""<!doctype html><html lang="fr"><body style="margin:0">
<button id="speak" type="button" style="font-size:1.1rem;padding:.5rem 1rem;border-radius:.5rem;
border:2px solid #1F6FB2;background:#fff;color:#0B3D6B;cursor:pointer"></button>
<script>
const text = {payload};
const button = document.getElementById("speak");
button.textContent = {name};
button.setAttribute("aria-label", {name});
button.addEventListener("click", () => {{
  if (!("speechSynthesis" in window)) return;
  window.speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = "fr-FR";
  u.rate = 0.9;
  window.speechSynthesis.speak(u);
}});
</script></body></html>""",
        height=56,
    )
