"""Admin: accounts and roles, assignments, the audit log, RGPD export and erasure, the retention period.

Every action goes through the access guard (``services.accounts.guard_for``): the admin checks live in the
service layer, this page only shows what the guard returns.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from competency_graph.security import rgpd
from competency_graph.services import accounts
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import fr_date, fr_datetime, md_escape
from competency_graph.ui.i18n import label, t
from competency_graph.vocab import AuditAction, values

AUDIT_ACTIONS = values(AuditAction)

ROLES = accounts.ROLES
FLASH = "admin_users_flash"
AUDIT_RESULT = "admin_audit_result"
EXPORT_RESULT = "admin_export_result"
ERASED = "admin_erased"

def act(action: Callable[[], Any], done: Callable[[Any], str]) -> None:
    """Run an admin action through the guard: a refusal is shown; a success is flashed after a rerun."""
    try:
        result = action()
    except StoreError as error:
        show_refusal(error)
    else:
        st.session_state[FLASH] = done(result)
        st.rerun()


ctx = cache.context()
identity = session.require_role("admin")
guard = accounts.guard_for(ctx, identity)
st.title(t("users.title"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))

structure_names = accounts.structure_names(ctx)  # names of establishments: not personal
structures = {s: structure_names[s] for s in guard.admin_structures if s in structure_names}
users = guard.list_users()
people = guard.people()
person_names = {p.id: p.display_name for p in people}
with_password = accounts.users_with_password(ctx)
tab_users, tab_audit, tab_rgpd = st.tabs([t("users.tab.accounts"), t("users.tab.audit"), t("users.tab.rgpd")])

# -- accounts, roles, assignments -------------------------------------------------------------------------
with tab_users:
    st.dataframe(pd.DataFrame([{
        t("users.col.login"): u.login, t("users.col.name"): u.display_name,
        t("users.col.roles"): ", ".join(sorted(f"{label('role', r)} ({structure_names.get(s, s)})" for s, r in u.roles)),
        t("users.col.password"): t("users.yes") if u.id in with_password else t("users.no"),
        t("users.col.active"): t("users.yes") if u.active else t("users.no"),
    } for u in users]), hide_index=True, width="stretch")

    st.subheader(t("users.create"))
    st.caption(t("users.create_help", n=accounts.MIN_PASSWORD_LENGTH))
    linked = {u.person_id for u in users if u.person_id}
    unlinked = [p for p in people if p.id not in linked]
    with st.form("create_user", clear_on_submit=False):
        login = st.text_input(t("users.login"), max_chars=200, key="u_login")
        name = st.text_input(t("users.name"), max_chars=200, key="u_name")
        structure_id = st.selectbox(t("users.structure"), list(structures), format_func=structures.__getitem__,
                                    key="u_structure")
        role = st.selectbox(t("users.role"), list(ROLES), format_func=lambda r: label("role", r), key="u_role")
        person_id = st.selectbox(t("users.person"), ["", *[p.id for p in unlinked]], key="u_person",
                                 format_func=lambda pid: person_names.get(pid, t("users.person_none")))
        password = st.text_input(t("users.password"), type="password", max_chars=1024, key="u_password",
                                 autocomplete="new-password")
        create = st.form_submit_button(t("users.create_button"), type="primary")
    if create:
        if not login.strip() or not name.strip() or not structure_id:
            st.warning(t("users.missing"))
        else:
            act(lambda: guard.create_account(login.strip(), name.strip(), structure_id, role, password,
                                             person_id=person_id or None),
                lambda created: t("users.created", login=md_escape(created.login)))

    left, right = st.columns(2)
    user_names = {u.id: f"{u.display_name} ({u.login})" for u in users}
    with left, st.form("grant_role"):
        st.markdown(f"**{t('users.grant')}**")
        grant_user = st.selectbox(t("users.user"), list(user_names), format_func=user_names.__getitem__,
                                  key="g_user")
        grant_structure = st.selectbox(t("users.structure"), list(structures), format_func=structures.__getitem__,
                                       key="g_structure")
        grant_role = st.selectbox(t("users.role"), list(ROLES), format_func=lambda r: label("role", r),
                                  key="g_role")
        grant = st.form_submit_button(t("users.grant_button"))
    if grant and grant_user and grant_structure:
        act(lambda: guard.grant_role(grant_user, grant_structure, grant_role), lambda _: t("users.granted"))

    accompanists = {u.id: user_names[u.id] for u in users
                    if any(r == "accompanist" and s in structures for s, r in u.roles)}
    with right, st.form("assign"):
        st.markdown(f"**{t('users.assign')}**")
        accompanist_id = st.selectbox(t("users.accompanist"), list(accompanists),
                                      format_func=accompanists.__getitem__, key="a_accompanist")
        assigned_person = st.selectbox(t("users.candidate"), list(person_names), format_func=person_names.__getitem__,
                                       key="a_person")
        assign = st.form_submit_button(t("users.assign_button"))
    if assign and accompanist_id and assigned_person:
        act(lambda: guard.assign(accompanist_id, assigned_person), lambda _: t("users.assigned"))

    with st.form("reset_password", clear_on_submit=True):
        st.markdown(f"**{t('users.reset')}**")
        reset_user = st.selectbox(t("users.user"), list(user_names), format_func=user_names.__getitem__,
                                  key="p_user")
        new_password = st.text_input(t("users.password"), type="password", max_chars=1024, key="p_password",
                                     autocomplete="new-password")
        reset = st.form_submit_button(t("users.reset_button"))
    if reset and reset_user:
        act(lambda: guard.set_password(reset_user, new_password), lambda _: t("users.reset_done"))

# -- audit log -------------------------------------------------------------------------------------------
with tab_audit:
    st.caption(t("users.audit_help"))
    all_names = {u.id: u.display_name for u in users}
    with st.form("audit_filter"):
        c1, c2, c3 = st.columns(3)
        action = c1.selectbox(t("users.audit_action"), ["", *AUDIT_ACTIONS], key="f_action",
                              format_func=lambda a: label("audit_action", a) if a else t("users.all"))
        actor = c2.selectbox(t("users.audit_actor"), ["", *all_names], key="f_actor",
                             format_func=lambda u: all_names.get(u, t("users.all")))
        subject = c3.selectbox(t("users.audit_person"), ["", *person_names], key="f_person",
                               format_func=lambda p: person_names.get(p, t("users.all")))
        d1, d2 = st.columns(2)
        since = d1.date_input(t("users.audit_since"), value=None, format="DD/MM/YYYY", key="f_since")
        until = d2.date_input(t("users.audit_until"), value=None, format="DD/MM/YYYY", key="f_until")
        show = st.form_submit_button(t("users.audit_show"), type="primary")
    if show:
        filters: dict[str, object] = {"action": action or None, "actor_id": actor or None,
                                      "person_id": subject or None}
        if since:
            filters["since"] = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        if until:
            filters["until"] = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        st.session_state[AUDIT_RESULT] = (guard.audit_entries(**filters), guard.audit_csv(**filters))
    if AUDIT_RESULT in st.session_state:
        entries, csv_text = st.session_state[AUDIT_RESULT]
        st.caption(t("users.audit_count", count=len(entries)))
        st.dataframe(pd.DataFrame([{
            t("users.col.at"): fr_datetime(e.at), t("users.col.actor"): all_names.get(e.actor_id or "", e.actor_id),
            t("users.col.action"): label("audit_action", e.action), t("users.col.outcome"): label("audit_outcome", e.outcome),
            t("users.col.kind"): e.record_kind, t("users.col.subject"): (e.subject_ref or "")[:8],
            t("users.col.structure"): structure_names.get(e.structure_id or "", e.structure_id or ""),
        } for e in entries]), hide_index=True, width="stretch")
        st.download_button(t("users.audit_download"), csv_text.encode("utf-8"), file_name="journal-audit.csv",
                           mime="text/csv", key="audit_csv")

# -- RGPD ------------------------------------------------------------------------------------------------
with tab_rgpd:
    if ERASED in st.session_state:
        record: rgpd.ErasureRecord = st.session_state.pop(ERASED)
        st.success(t("users.erased", ref=record.subject_ref[:8], rows=record.rows_deleted,
                     files=record.files_deleted, at=fr_datetime(record.at)))
    if not person_names:
        st.info(t("users.no_people"))
    else:
        chosen = st.selectbox(t("users.rgpd_person"), list(person_names), format_func=person_names.__getitem__,
                              key="r_person")
        st.subheader(t("users.export"))
        st.caption(t("users.export_help"))
        if st.button(t("users.export_button"), key="r_export"):
            data = guard.export_person(chosen)
            st.session_state[EXPORT_RESULT] = (chosen, json.dumps(data, ensure_ascii=False, indent=2, default=str))
        exported = st.session_state.get(EXPORT_RESULT)
        if exported and exported[0] == chosen:
            st.download_button(t("users.export_download"), exported[1].encode("utf-8"),
                               file_name=f"export-{chosen[:12]}.json", mime="application/json", key="r_download")

        st.subheader(t("users.erase"))
        st.warning(t("users.erase_warning"))
        st.caption(t("users.erase_help"))
        waiting = guard.pending_erasures()
        if waiting:
            st.info(t("users.erase_pending", names=", ".join(sorted({md_escape(person_names.get(p.person_id, "?"))
                                                                     for p in waiting}))))
        if st.button(t("users.erase_request_button"), key="r_request"):
            act(lambda: guard.request_erasure(chosen), lambda _: t("users.erase_requested"))
        confirm = st.text_input(t("users.erase_confirm", word=t("users.erase_word")), key="r_confirm")
        if st.button(t("users.erase_confirm_button"), key="r_erase", type="primary"):
            if confirm.strip() != t("users.erase_word"):
                st.error(t("users.erase_not_confirmed", word=t("users.erase_word")))
            else:
                try:
                    st.session_state[ERASED] = guard.erase_person(chosen)
                except StoreError as error:
                    show_refusal(error)
                else:
                    st.session_state.pop(EXPORT_RESULT, None)
                    st.rerun()

    st.subheader(t("users.erasures"))
    erasures = guard.erasures()
    if erasures:
        st.dataframe(pd.DataFrame([{
            t("users.col.at"): fr_datetime(e.at), t("users.col.subject"): e.subject_ref[:8],
            t("users.col.rows"): e.rows_deleted, t("users.col.files"): e.files_deleted,
        } for e in erasures]), hide_index=True, width="stretch")
    else:
        st.caption(t("users.no_erasures"))

    st.subheader(t("users.retention"))
    current_days = accounts.retention_days(ctx)
    past = accounts.people_past_retention(ctx)
    st.caption(t("users.retention_help", days=current_days, count=len([p for p in past if p in person_names]),
                 since=fr_date(dt.date.today() - dt.timedelta(days=current_days))))
    with st.form("retention"):
        days = st.number_input(t("users.retention_days"), min_value=30, max_value=20 * 365, value=current_days,
                               step=30, key="ret_days")
        save = st.form_submit_button(t("users.retention_save"))
    if save:
        act(lambda: guard.set_retention_days(int(days)), lambda _: t("users.retention_saved", days=int(days)))
