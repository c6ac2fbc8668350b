"""Candidate: "Ma carte des compétences" — the 12 RECTEC competencies on 4 circles, self and accompanist."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from competency_graph.services import accounts, people
from competency_graph.ui import cache, session
from competency_graph.ui.charts import competency_map
from competency_graph.ui.easyread import competency_picto, level_picto, read_aloud
from competency_graph.ui.formats import fr_date
from competency_graph.ui.i18n import t, t_easy

ctx = cache.context()
identity = session.require_role("candidate")
person = accounts.require_person(ctx, identity, identity.person_id or "")
easy = session.easy_read()

st.title(t("map.title"))
st.write(t("map.intro_easy" if easy else "map.intro"))
as_of = None
if not easy:
    as_of = st.date_input(t("map.as_of"), value=dt.date.today(), max_value=dt.date.today(), format="DD/MM/YYYY",
                          key="map_as_of")
    if as_of == dt.date.today():
        as_of = None
rows = people.candidate_map(ctx, person.id, as_of)
if not any(r.self_level or r.co_level for r in rows):
    st.info(t_easy("map.empty", easy))
    st.page_link("app_pages/candidate_position.py", label=t("page.position"), icon="✋")
else:
    # two drawings, one shown by the screen's width (CSS): whole labels around the circle, or numbers on a phone
    with st.container(key="wide-only-map"):
        st.plotly_chart(competency_map(rows, big=easy), config={"displayModeBar": False, "locale": "fr"},
                        key="map_chart")
    with st.container(key="narrow-only-map"):
        st.plotly_chart(competency_map(rows, big=easy, narrow=True),
                        config={"displayModeBar": False, "locale": "fr"}, key="map_chart_narrow")
    if as_of is not None:
        st.caption(fr_date(as_of, long=True))

st.subheader(t("map.in_words"))
lines = []
for r in rows:
    own = f"{level_picto(r.self_level)} {r.self_level}" if r.self_level else "–"
    co = str(r.co_level) if r.co_level else "–"
    lines.append(f"{r.number}. " + t("map.row", picto=competency_picto(r.item_id), label=r.label, own=own, co=co))
st.markdown("\n".join(lines))  # numbered as on the map's sectors
if session.read_aloud_on():
    read_aloud(". ".join(f"{r.label} : cercle {r.self_level}" for r in rows if r.self_level))
