"""Accompanist or admin: a structure's networks and their facts (RAE membership and trained staff; RSFP network,
field and number of structures of the field; other networks) and the branch agreements giving CQP access — the
facts the recommender reads. Admins of the structure edit them; its accompanists read them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from competency_graph.services import facts, onboarding
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_date
from competency_graph.ui.i18n import label, t
from competency_graph.vocab import Network, values

FACT_NETWORKS = values(Network)

FLASH = "structure_flash"


def done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


ctx = cache.context()
identity = session.require_role("accompanist", "admin")
st.title(t("structure.title"))
st.caption(t("structure.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
structures = onboarding.structures(ctx, identity)
if not structures:
    st.info(t("people.no_structure"))
    st.stop()
names = {s.id: s.name for s in structures}
structure_id = st.selectbox(t("people.structure"), list(names), format_func=names.__getitem__, key="s_structure")
found = facts.structure_facts(ctx, structure_id, identity=identity)
editable = identity.role == "admin"

st.subheader(t("structure.networks"))
if found.networks:
    st.dataframe(pd.DataFrame([{
        t("structure.col.network"): label("network", n.network),
        t("structure.col.trained"): n.trained_staff if n.trained_staff is not None else "–",
        t("structure.col.field"): n.field or "–",
        t("structure.col.field_structures"): n.field_structures if n.field_structures is not None else "–",
        t("structure.col.since"): fr_date(n.since) if n.since else "–",
    } for n in found.networks]), hide_index=True, width="stretch", key="s_networks")
    rsfp = found.network("rsfp")
    if rsfp is not None and (rsfp.field_structures or 0) < 2:
        st.warning(t("structure.rsfp_needs_two"))
else:
    st.caption(t("structure.no_network"))
if not editable:
    st.info(t("structure.read_only"))
else:
    with st.form("set_network"):
        network = st.selectbox(t("structure.col.network"), list(FACT_NETWORKS), key="s_network",
                               format_func=lambda n: label("network", n), index=None, placeholder=t("people.choose"))
        left, mid, right = st.columns(3)
        trained = left.number_input(t("structure.col.trained"), min_value=0, max_value=10000, value=None, step=1,
                                    key="s_trained", help=t("structure.trained_help"), placeholder=t("people.optional"))
        field = mid.text_input(t("structure.col.field"), max_chars=100, key="s_field", help=t("structure.field_help"))
        peers = right.number_input(t("structure.col.field_structures"), min_value=1, max_value=100000, value=None,
                                   step=1, key="s_peers", help=t("structure.peers_help"),
                                   placeholder=t("people.optional"))
        since = st.date_input(t("structure.col.since"), value=None, max_value=dt.date.today(), format="DD/MM/YYYY",
                              key="s_since")
        saved = st.form_submit_button(t("structure.save_network"), type="primary")
    if saved:
        if network is None:
            st.warning(t("structure.missing_network"))
        else:
            try:
                facts.set_network(ctx, structure_id, network, identity=identity,
                                  trained_staff=int(trained) if trained is not None else None,
                                  field=field.strip() or None, field_structures=int(peers) if peers else None,
                                  since=since)
            except StoreError as error:
                show_refusal(error)
            else:
                done(t("structure.network_saved", network=label("network", network)))
    if found.networks:
        members = {n.network: label("network", n.network) for n in found.networks}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        leaving = left.selectbox(t("structure.leave"), list(members), format_func=members.__getitem__, key="s_leave")
        if right.button(t("structure.leave_button"), key="s_leave_button", width="stretch"):
            facts.remove_network(ctx, structure_id, leaving, identity=identity)
            done(t("structure.network_left", network=members[leaving]))

st.subheader(t("structure.agreements"))
if found.agreements:
    st.dataframe(pd.DataFrame([{
        t("structure.col.branch"): a.branch,
        t("structure.col.cqps"): ", ".join(ctx.bundle.label(c) if c in ctx.bundle.items else c for c in a.cqps),
        t("structure.col.since"): fr_date(a.since) if a.since else "–",
    } for a in found.agreements]), hide_index=True, width="stretch", key="s_agreements")
else:
    st.caption(t("structure.no_agreement"))
if editable:
    with st.form("add_agreement"):
        left, right = st.columns(2)
        branch = left.text_input(t("structure.col.branch"), max_chars=200, key="s_branch", help=t("structure.branch_help"))
        cqps = right.text_input(t("structure.col.cqps"), max_chars=2000, key="s_cqps", help=t("structure.cqps_help"))
        agreed = st.form_submit_button(t("structure.add_agreement"))
    if agreed:
        codes = [c.strip() for c in cqps.split(",") if c.strip()]
        if not branch.strip() or not codes:
            st.warning(t("structure.missing_agreement"))
        else:
            try:
                facts.add_branch_agreement(ctx, structure_id, branch.strip(), codes, identity=identity)
            except StoreError as error:
                show_refusal(error)
            else:
                done(t("structure.agreement_added"))
    if found.agreements:
        ids = {a.id: a.branch for a in found.agreements}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        dropped = left.selectbox(t("structure.remove_agreement"), list(ids), format_func=ids.__getitem__,
                                 key="s_drop")
        if right.button(t("file.remove"), key="s_drop_button", width="stretch"):
            facts.remove_branch_agreement(ctx, structure_id, dropped, identity=identity)
            done(t("file.removed"))
