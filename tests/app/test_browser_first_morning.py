"""The monitor's first morning, end to end in real Chromium (opt-in ``-m browser``): add two workers (one with a
first password, one with an invitation code), set the structure's RSFP network (3 structures of the field; an
admin's write), give each worker an objective and a PEC contract and fix the day of the 1-month interview, then
sign in as one worker, position, press F5 and still be on the same page, signed in, in easy-read mode."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from test_browser import CHROMIUM, browser, no_exception, server, settle, shots, sign_in  # noqa: F401 - fixtures

from competency_graph.ui.i18n import t

PASSWORD = "Tournesol-bleu-42!"
NEW_PASSWORD = "Coquelicot-vert-97?"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def choose(page, scope, label_text: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label_text`` inside ``scope``."""
    scope.get_by_label(label_text, exact=True).first.click()
    page.get_by_role("option", name=option, exact=True).first.click()


def type_date(scope, label_text: str, day: dt.date) -> None:
    """Streamlit's date field is three spin buttons (day, month, year): type the digits from the first one."""
    field = scope.get_by_label(label_text, exact=True).first
    field.locator('[role="spinbutton"]').first.click()
    field.page.keyboard.type(day.strftime("%d%m%Y"))
    field.page.keyboard.press("Tab")


def add_worker(page, name: str, login: str, *, password: str | None) -> str | None:
    """Fill the "Ajouter une personne" form; the invitation code shown when no password is given."""
    form = page.locator('[data-testid="stForm"]').first
    form.get_by_label(t("people.name"), exact=True).fill(name)
    choose(page, form, t("people.status"), "Travailleur d'ESAT")
    form.get_by_text(t("people.account.password") if password else t("people.account.invitation")).click()
    form.get_by_label(t("people.login"), exact=True).fill(login)
    if password:
        form.get_by_label(t("people.password"), exact=True).fill(password)
    form.get_by_role("button", name=t("people.add")).click()
    settle(page)
    page.get_by_text(t("people.added", name=name)).wait_for()
    no_exception(page)
    if password:
        return None
    return page.locator("code").first.inner_text()


def set_rsfp_network(page, server_url: str) -> None:
    """As the structure's admin, on "Ma structure": RSFP, field, 3 structures of the field."""
    sign_in(page, server_url, "Administratrice (démo)")
    page.get_by_role("link", name=t("page.structure")).first.click()
    settle(page)
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name=t("structure.save_network")))
    choose(page, form, t("structure.col.network"), t("network.rsfp"))
    form.get_by_label(t("structure.col.field"), exact=True).fill("espaces verts")
    form.get_by_label(t("structure.col.field_structures"), exact=True).fill("3")
    form.get_by_role("button", name=t("structure.save_network")).click()
    settle(page)
    page.get_by_text(t("structure.network_saved", network=t("network.rsfp"))).wait_for()
    no_exception(page)


def give_objective(page, name: str) -> None:
    """On "Mes candidats": open the worker's file and save a goal and a target."""
    choose(page, page, t("candidates.open"), name)
    settle(page)
    toggle = page.get_by_role("switch", name=t("file.show"))
    if not toggle.is_checked():
        page.get_by_text(t("file.show")).click()
        settle(page)
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name=t("file.save_objective")))
    choose(page, form, t("file.goal"), t("goal.recognition"))
    choose(page, form, t("file.target"), "Agent de propreté et d'hygiène (Métier RAE)")
    form.get_by_role("button", name=t("file.save_objective")).click()
    settle(page)
    page.get_by_text(t("file.objective_saved")).wait_for()
    no_exception(page)


def pec_contract_and_first_interview(page, name: str, start: dt.date) -> dt.date:
    """On "Entretiens": record the PEC contract of ``name`` and move its 1-month interview to a chosen day."""
    choose(page, page, t("picker.person"), f"{name} · Travailleur d'ESAT")
    settle(page)
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name=t("interviews.pec_submit")))
    type_date(form, t("interviews.start"), start)
    type_date(form, t("interviews.end"), start + dt.timedelta(days=300))
    form.get_by_role("button", name=t("interviews.pec_submit")).click()
    settle(page)
    page.get_by_text(t("interviews.pec_added")).wait_for()
    day = start + dt.timedelta(days=33)
    move = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name=t("interviews.move_submit")))
    # the interview offered first is the soonest one: the 1-month follow-up
    assert t("followup_kind.one_month") in move.get_by_label(t("interviews.which"), exact=True).first.input_value() \
        or t("followup_kind.one_month") in move.inner_text()
    type_date(move, t("interviews.new_day"), day)
    move.get_by_role("button", name=t("interviews.move_submit")).click()
    settle(page)
    page.get_by_text(t("interviews.moved", day=day.strftime("%d/%m/%Y"))).wait_for()
    no_exception(page)
    return day


def test_monitor_first_morning_then_a_worker_survives_f5(server, browser, shots):  # noqa: F811
    tag = uuid.uuid4().hex[:5]
    names = [f"Inès {tag}", f"Marc {tag}"]
    logins = [f"ines.{tag}", f"marc.{tag}"]
    page = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="fr-FR").new_page()
    sign_in(page, server, "Moniteur d'atelier (démo)")
    page.get_by_role("link", name=t("page.people")).first.click()
    settle(page)
    add_worker(page, names[0], logins[0], password=PASSWORD)
    code = add_worker(page, names[1], logins[1], password=None)
    assert code and len(code) == 19  # XXXX-XXXX-XXXX-XXXX, shown once
    page.screenshot(path=shots / "morning-people.png", full_page=True)
    page.get_by_role("link", name=t("page.candidates")).first.click()
    settle(page)
    for name in names:
        give_objective(page, name)
    page.screenshot(path=shots / "morning-objective.png", full_page=True)
    page.get_by_role("link", name=t("page.interviews")).first.click()
    settle(page)
    start = dt.date.today() - dt.timedelta(days=20)
    for name in names:
        pec_contract_and_first_interview(page, name, start)
    page.screenshot(path=shots / "morning-interviews.png", full_page=True)
    page.close()

    admin = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="fr-FR").new_page()
    set_rsfp_network(admin, server)
    admin.screenshot(path=shots / "morning-structure.png", full_page=True)
    admin.context.close()

    worker = browser.new_context(viewport={"width": 1280, "height": 1200}, locale="fr-FR").new_page()
    worker.goto(server)
    settle(worker, 60_000)
    worker.get_by_label(t("sign_in.login"), exact=True).fill(logins[0])
    worker.get_by_label(t("sign_in.password"), exact=True).fill(PASSWORD)
    worker.get_by_role("button", name=t("sign_in.password_button")).click()
    settle(worker)
    # a first password chosen by the monitor must be changed before anything opens (branch security)
    worker.get_by_text(t("password.forced")).wait_for()
    worker.get_by_label(t("password.current"), exact=True).fill(PASSWORD)
    worker.get_by_label(t("password.new"), exact=True).fill(NEW_PASSWORD)
    worker.get_by_label(t("password.again"), exact=True).fill(NEW_PASSWORD)
    worker.get_by_role("button", name=t("password.button")).click()
    settle(worker)
    worker.get_by_role("button", name="Cercle 2").first.click()
    settle(worker)
    worker.get_by_text("C'est noté : cercle 2").wait_for()
    worker.get_by_text(t("sidebar.easy_read")).click()
    settle(worker)
    worker.get_by_role("link", name=t("page.map")).first.click()
    settle(worker)
    where = worker.url
    worker.reload()
    settle(worker, 60_000)
    assert worker.url == where
    worker.locator('[data-testid="stSidebar"]').get_by_text(names[0]).wait_for()  # still signed in
    assert worker.get_by_role("switch", name=t("sidebar.easy_read")).is_checked()
    assert worker.get_by_role("heading", name=t("map.title")).count() == 1
    no_exception(worker)
    worker.screenshot(path=shots / "morning-worker-after-f5.png", full_page=True)
