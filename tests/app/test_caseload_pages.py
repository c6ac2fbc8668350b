"""AppTests of the caseload pages: "Mes candidats" (dashboard, filters, exports), "Tableau de suivi" (admin),
"Entretiens" (agenda, proposals, plan / move / cancel, PEC contract, .ics) — refusals in French."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from apphelpers import IDENTITIES, open_page, texts
from caseload_helpers import own_structure
from icalendar import Calendar
from openpyxl import load_workbook

from competency_graph.security import audit
from competency_graph.services import caseload, onboarding
from competency_graph.services.caseload import HEADERS


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_my_candidates_dashboard_filters_and_exports_with_french_headers(ctx):
    before = len(audit.list_audit(ctx.repo, "demo-admin", actor_id="demo-moniteur", limit=100000))
    at = open_page("accompanist")  # one run, on "Mes candidats" (the accompanist's first page)
    assert at.title[0].value == "Mes candidats"
    after = audit.list_audit(ctx.repo, "demo-admin", actor_id="demo-moniteur", limit=100000)
    reads = [e for e in after[: len(after) - before] if e.record_kind == "caseload"]
    assert len(reads) == 1  # one entry for the list, not one per person
    frame = at.dataframe[0].value
    assert list(frame.columns)[:3] == ["Nom", "Statut", "Objectif visé"]
    assert "Recommandation actuelle" in frame.columns and "Léa (démo)" in set(frame["Nom"])
    at.multiselect(key="mine_show").set_value(["divergent"]).run()
    assert all(str(v).startswith("⚠️") for v in at.dataframe[0].value["Divergences à discuter"])
    at.text_input(key="mine_name").input("léa").run()
    assert list(at.dataframe[0].value["Nom"]) == ["Léa (démo)"]
    rows = caseload.caseload(ctx, IDENTITIES["accompanist"])
    csv_bytes = caseload.table_rows(rows, lambda p, v: v)
    from competency_graph.exports.sheets import rows_csv, rows_xlsx
    text = rows_csv(csv_bytes).decode("utf-8-sig")
    assert text.splitlines()[0].split(";") == list(HEADERS)
    sheet = load_workbook(io.BytesIO(rows_xlsx(csv_bytes, "suivi"))).active
    assert [c.value for c in sheet[1]] == list(HEADERS)


def test_admin_dashboard_per_structure_and_accompanist():
    at = open_page("admin", "caseload_dashboard")
    assert at.title[0].value == "Tableau de suivi"
    frame = at.dataframe[0].value
    assert {"Structure", "Accompagnateur·rice(s)"} <= set(frame.columns)
    at.multiselect(key="all_acc").set_value(["Moniteur d'atelier (démo)"]).run()
    assert set(at.dataframe[0].value["Accompagnateur·rice(s)"]) == {"Moniteur d'atelier (démo)"}


def test_interviews_page_plans_moves_cancels_and_exports_ics(ctx):
    own = own_structure(ctx)
    person = onboarding.add_person(ctx, own.accompanist, own.structure_id, f"Test {uuid.uuid4().hex[:6]}",
                                   "pec").person
    at = open_page(None, "accompanist_interviews", identity=own.accompanist, person_id=person.id)
    assert at.title[0].value == "Entretiens"
    # refusals: missing dates, then a contract ending before it starts
    _button(at, "Enregistrer le contrat").click().run()
    assert "Indiquez le début et la fin du contrat." in texts(at)
    start = dt.date.today() - dt.timedelta(days=10)
    at.date_input(key="c_start").set_value(start)
    at.date_input(key="c_end").set_value(start - dt.timedelta(days=3))
    _button(at, "Enregistrer le contrat").click().run()
    assert any("fin du contrat doit être après son début" in e.value for e in at.error)
    at.date_input(key="c_start").set_value(start)
    at.date_input(key="c_end").set_value(start + dt.timedelta(days=300))
    _button(at, "Enregistrer le contrat").click().run()
    assert not at.exception, at.exception
    assert "les entretiens de suivi sont planifiés" in texts(at)
    planned = ctx.repo.list_followups(person.id, status="planned")
    assert [f.milestone for f in planned] == ["one_month", "mid_contract", "three_quarters", "exit"]
    # move the 1-month interview to a chosen day
    day = start + dt.timedelta(days=33)
    at.selectbox(key="m_id").set_value(planned[0].id)
    at.date_input(key="m_day").set_value(day)
    _button(at, "Déplacer").click().run()
    assert not at.exception, at.exception
    assert ctx.repo.list_followups(person.id, status="planned")[0].scheduled_on == day
    # plan one more, then cancel it
    at.selectbox(key="i_kind").set_value("tripartite")
    next(b for b in at.button if b.label == "Planifier" and "plan_interview" in str(b.form_id)).click().run()
    assert "Indiquez la date de l'entretien." in texts(at)
    at.date_input(key="i_day").set_value(dt.date.today() + dt.timedelta(days=7))
    next(b for b in at.button if b.label == "Planifier" and "plan_interview" in str(b.form_id)).click().run()
    tripartite = next(f for f in ctx.repo.list_followups(person.id) if f.kind == "tripartite")
    at.selectbox(key="m_id").set_value(tripartite.id)
    _button(at, "Annuler l'entretien").click().run()
    assert next(f for f in ctx.repo.list_followups(person.id) if f.id == tripartite.id).status == "cancelled"
    # the agenda as a calendar file that parses (RFC 5545)
    ics = next(d for d in at.get("download_button") if d.proto.label.startswith("📅"))
    assert ics is not None
    from competency_graph.services import interviews
    data = interviews.schedule_ics(ctx, own.accompanist, lambda k: k)
    calendar = Calendar.from_ical(data)
    events = [c for c in calendar.walk("VEVENT") if person.display_name in str(c["summary"])]
    assert len(events) == 4 and {str(e["dtstart"].dt) for e in events} >= {day.isoformat()}
    assert str(calendar["x-wr-calname"]) == "Entretiens"
    windows = {f.id: f for f in ctx.repo.list_followups(person.id) if f.due_from and f.due_until}
    described = [str(e["description"]) for e in events if "description" in e]
    assert len(described) == sum(1 for f in planned if f.id in windows)  # one French window per dated interview
    assert described and all(re.fullmatch(r"À tenir entre le \d\d/\d\d/\d{4} et le \d\d/\d\d/\d{4}\.", d) for d in described)


def test_interviews_refused_to_another_structure(ctx):
    import pytest

    from competency_graph.security.errors import AccessDenied
    from competency_graph.services import interviews
    from competency_graph.services.accounts import Identity
    other = ctx.repo.create_structure(f"EA {uuid.uuid4().hex[:4]}", "ea")
    user = ctx.repo.create_user(f"test.acc.{uuid.uuid4().hex[:6]}", "Acc B")
    ctx.repo.grant_role(user.id, other.id, "accompanist")
    outsider = Identity(user.id, "Acc B", "accompanist", (other.id,))
    with pytest.raises(AccessDenied) as refused:
        interviews.schedule(ctx, outsider, "demo-lea", "follow_up", dt.date.today())
    assert refused.value.message("fr").startswith("Accès refusé")
    assert all(p.person_id != "demo-lea" for p in interviews.planned_schedule(ctx, outsider))
