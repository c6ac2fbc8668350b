"""Accompanist or admin: add a person (and their candidate account in the same flow), edit them, archive them."""

from __future__ import annotations

import streamlit as st

from competency_graph.services import onboarding
from competency_graph.services.errors import StoreError
from competency_graph.ui import cache, session
from competency_graph.ui.errors import show_refusal
from competency_graph.ui.formats import md_escape
from competency_graph.ui.i18n import label, t
from competency_graph.vocab import PersonStatus, WritingLevel, values

PERSON_STATUSES, WRITING_LEVELS = values(PersonStatus), values(WritingLevel)

FLASH = "people_flash"
CODE = "people_code"

ctx = cache.context()
identity = session.require_role("accompanist", "admin")
st.title(t("people.title"))
st.caption(t("people.intro"))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
if CODE in st.session_state:
    login, code = st.session_state.pop(CODE)
    st.info(t("people.code_once", login=md_escape(login), code=code))

structures = onboarding.structures(ctx, identity)
if not structures:
    st.info(t("people.no_structure"))
    st.stop()
names = {s.id: s.name for s in structures}
add_tab, edit_tab = st.tabs([t("people.tab.add"), t("people.tab.edit")])

with add_tab, st.form("add_person"):
    structure_id = st.selectbox(t("people.structure"), list(names), format_func=names.__getitem__, key="p_structure")
    name = st.text_input(t("people.name"), max_chars=200, key="p_name", help=t("people.name_help"))
    left, mid, right = st.columns(3)
    birth_year = left.number_input(t("people.birth_year"), min_value=1900, max_value=2030, value=None, step=1,
                                   key="p_birth", placeholder=t("people.optional"))
    status = mid.selectbox(t("people.status"), list(PERSON_STATUSES), format_func=lambda v: label("status", v),
                           index=None, key="p_status", placeholder=t("people.choose"))
    writing = right.selectbox(t("people.writing"), list(WRITING_LEVELS), index=None, key="p_writing",
                              format_func=lambda v: label("writing", v), placeholder=t("people.optional"))
    st.markdown(f"**{t('people.account')}**")
    account = st.radio(t("people.account_mode"), ["none", "invitation", "password"], key="p_account",
                       format_func=lambda v: t(f"people.account.{v}"), horizontal=True)
    login_col, password_col = st.columns(2)
    login = login_col.text_input(t("people.login"), max_chars=200, key="p_login", autocomplete="off")
    password = password_col.text_input(t("people.password"), type="password", max_chars=1024, key="p_password",
                                       help=t("people.password_help"), autocomplete="new-password")
    added = st.form_submit_button(t("people.add"), type="primary")
if added:
    missing = ([t("people.name")] if not name.strip() else []) + ([t("people.status")] if not status else [])
    if missing:
        add_tab.warning(t("people.missing", fields=", ".join(missing)))
    else:
        try:
            result = onboarding.add_person(
                ctx, identity, structure_id, name, status, birth_year=int(birth_year) if birth_year else None,
                writing=writing, account=None if account == "none" else account, login=login, password=password)
        except StoreError as error:
            with add_tab:
                show_refusal(error)
        else:
            st.session_state[FLASH] = t("people.added", name=md_escape(result.person.display_name))
            if result.invitation_code and result.account:
                st.session_state[CODE] = (result.account.login, result.invitation_code)
            st.rerun()

with edit_tab:
    rows = onboarding.people(ctx, identity, include_archived=True)
    if not rows:
        st.info(t("people.none"))
        st.stop()
    by_id = {r.person.id: r for r in rows}
    shown = {pid: (f"{r.person.display_name} · {label('status', r.person.status)}"
                   + (f" · {t('people.archived_mark')}" if r.archived else "")) for pid, r in by_id.items()}
    chosen = st.selectbox(t("people.pick"), list(by_id), format_func=shown.__getitem__, key="e_person")
    row = by_id[chosen]
    person = row.person
    with st.form(f"edit_person_{person.id}"):
        new_name = st.text_input(t("people.name"), value=person.display_name, max_chars=200, key=f"e_name_{person.id}")
        left, mid, right = st.columns(3)
        new_birth = left.number_input(t("people.birth_year"), min_value=1900, max_value=2030, value=person.birth_year,
                                      step=1, key=f"e_birth_{person.id}", placeholder=t("people.optional"))
        statuses = list(PERSON_STATUSES)
        new_status = mid.selectbox(t("people.status"), statuses, index=statuses.index(person.status),
                                   format_func=lambda v: label("status", v), key=f"e_status_{person.id}")
        levels = list(WRITING_LEVELS)
        new_writing = right.selectbox(t("people.writing"), levels,
                                      index=levels.index(person.writing) if person.writing in levels else None,
                                      format_func=lambda v: label("writing", v), key=f"e_writing_{person.id}",
                                      placeholder=t("people.optional"))
        saved = st.form_submit_button(t("people.save"), type="primary")
    if saved:
        if not new_name.strip():
            st.warning(t("people.missing", fields=t("people.name")))
        else:
            try:
                onboarding.edit_person(ctx, identity, person.id, display_name=new_name,
                                       birth_year=int(new_birth) if new_birth else None, status=new_status,
                                       writing=new_writing)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("people.saved", name=md_escape(new_name.strip()))
                st.rerun()
    st.caption(t("people.has_account") if row.has_account else t("people.no_account"))
    if not row.has_account:
        with st.form(f"open_account_{person.id}"):
            acc_login = st.text_input(t("people.login"), max_chars=200, key=f"a_login_{person.id}", autocomplete="off")
            opened = st.form_submit_button(t("people.open_account"))
        if opened:
            try:
                user, code = onboarding.open_account(ctx, identity, person.id, acc_login)
            except StoreError as error:
                show_refusal(error)
            else:
                st.session_state[FLASH] = t("people.account_opened", name=md_escape(person.display_name))
                st.session_state[CODE] = (user.login, code)
                st.rerun()
    if row.archived:
        if st.button(t("people.restore"), key=f"restore_{person.id}"):
            onboarding.restore_person(ctx, identity, person.id)
            st.session_state[FLASH] = t("people.restored", name=md_escape(person.display_name))
            st.rerun()
    elif st.button(t("people.archive"), key=f"archive_{person.id}", help=t("people.archive_help")):
        onboarding.archive_person(ctx, identity, person.id)
        st.session_state[FLASH] = t("people.archived", name=md_escape(person.display_name))
        st.rerun()
