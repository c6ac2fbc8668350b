"""Admin: referential validation (structure, references, SHACL), imports of the RNCP export and of the ROME 4.0
bundle (progress bar, summary, French errors), and a read-only SPARQL console."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from competency_graph.services import accounts, referentials, validation_job
from competency_graph.sparql import SparqlError
from competency_graph.ui import cache, session
from competency_graph.ui.formats import fr_date, fr_datetime, fr_number, fr_percent, fr_size, md_escape
from competency_graph.ui.i18n import label, t

EXAMPLE = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX cg: <https://w3id.org/competency-graph/vocab#>
SELECT ?notation ?label WHERE {
  ?c skos:notation ?notation ; skos:prefLabel ?label .
  FILTER(DATATYPE(?notation) = cg:RectecCode && REGEX(STR(?notation), "^C[0-9]+$"))
} ORDER BY STR(?notation)"""

SUMMARY_KEY = "_admin_import_summary"

ctx = cache.context()
identity = session.require_role("admin")
st.title(t("admin.title"))
st.caption(t("admin.summary", refs=len(ctx.bundle.referentials), items=fr_number(len(ctx.bundle.items)),
             edges=fr_number(len(ctx.bundle.edges)), hash=ctx.bundle.content_hash[:12]))

def validation_panel() -> None:
    """The background validation's progress (French), then its findings; polls while the job runs."""
    job = validation_job.status()
    running = job is not None and job.state == "running"

    @st.fragment(run_every=1.0 if running else None)
    def panel() -> None:
        current = validation_job.status()
        if current is None:
            return
        if current.state == "running":
            st.progress(current.share, text=t("admin.validate.running", stage=t(f"admin.validate.stage.{current.stage}"),
                                              done=fr_number(current.done), total=fr_number(current.total),
                                              percent=fr_percent(current.share)))
            st.caption(t("admin.validate.background"))
            return
        if running:  # it has just finished: rerun the page so that polling stops
            st.rerun()
        if current.state == "failed":
            st.error(t("admin.validate.failed"))
            return
        problems = current.problems
        errors = [p for p in problems if p["severity"] == "error"]
        if not problems:
            st.success(t("admin.valid"))
        else:
            (st.error if errors else st.warning)(t("admin.problems", errors=len(errors),
                                                   warnings=len(problems) - len(errors)))
            st.code("\n".join(p["text"] for p in problems), language=None)
        st.caption(t("admin.validate.finished", date=fr_datetime(dt.datetime.fromisoformat(current.finished_at)),
                     seconds=fr_number(round(current.seconds or 0)), validated=fr_number(current.validated)))

    panel()


with st.container(border=True):
    st.subheader(t("admin.validate"))
    st.caption(t("admin.validate_help"))
    if st.button(t("admin.validate"), key="validate", type="primary"):
        if not validation_job.start(identity):
            st.info(t("admin.validate.already"))
    validation_panel()


def summary_text(summary: referentials.ImportSummary) -> str:
    """The counts of an import, in French with French number format."""
    n = {k: fr_number(v) for k, v in summary.counts.items()}
    if summary.kind == "rncp":
        return t("admin.import.rncp_done", source=summary.source, **n)
    return t("admin.import.rome_done", source=summary.source, **n)


def run_import(action, *args) -> None:
    """Run an import with a progress bar; keep its summary for the next run (the page reruns to load the new
    referentials) or show the French error (nothing was imported)."""
    st.session_state.pop(SUMMARY_KEY, None)
    summary_slot.empty()  # the previous import's summary does not describe this one
    bar = st.progress(0.0, text=t("admin.import.starting"))

    def progress(share: float, stage: str) -> None:
        share = min(max(share, 0.0), 1.0)
        bar.progress(share, text=f"{t('admin.import.stage.' + stage)} {fr_percent(share)}")

    try:
        summary = action(identity, *args, progress=progress)
    except referentials.ImportRefused as error:
        bar.empty()
        st.error(t(f"admin.import.error.{error.code}", **error.params))
        if error.problems:
            st.code("\n".join(error.problems), language=None)
        return
    st.session_state[SUMMARY_KEY] = summary
    st.rerun()


with st.container(border=True):
    st.subheader(t("admin.import.title"))
    st.caption(t("admin.import.help", data_dir=str(referentials.data_dir())))
    summary_slot = st.empty()
    done = st.session_state.get(SUMMARY_KEY)
    if done is not None:
        with summary_slot.container():
            st.success(summary_text(done))
            if done.warnings:
                st.caption(t("admin.import.warnings", count=fr_number(done.warnings)))
    rncp_tab, rome_tab = st.tabs([t("admin.import.rncp"), t("admin.import.rome")])
    with rncp_tab:
        st.caption(t("admin.import.rncp_help"))
        uploads = st.file_uploader(t("admin.import.rncp_file"), type=["xml", "zip", "csv"],
                                   accept_multiple_files=True, key="rncp_upload")
        if st.button(t("admin.import.rncp_run"), key="rncp_import", type="primary", disabled=not uploads):
            run_import(referentials.import_rncp_upload,
                       [referentials.Upload(u.name, u.getvalue()) for u in uploads or []])
        exports = referentials.rncp_exports()
        if exports:
            chosen = st.selectbox(t("admin.import.rncp_server"), exports, key="rncp_path",
                                  format_func=lambda p: referentials.shown_path(p))
            if st.button(t("admin.import.rncp_server_run"), key="rncp_import_path"):
                run_import(referentials.import_rncp_path, chosen)
    with rome_tab:
        st.caption(t("admin.import.rome_help"))
        archive = st.file_uploader(t("admin.import.rome_zip"), type=["zip"], key="rome_upload")
        if st.button(t("admin.import.rome_run"), key="rome_import", type="primary", disabled=archive is None):
            run_import(referentials.import_rome_upload, referentials.Upload(archive.name, archive.getvalue()))
        folders = referentials.rome_folders()
        if folders:
            folder = st.selectbox(t("admin.import.rome_folder"), folders, key="rome_folder",
                                  format_func=lambda p: referentials.shown_path(p))
        else:
            st.caption(t("admin.import.rome_no_folder"))
            folder = st.text_input(t("admin.import.rome_folder_path"), key="rome_folder_path", max_chars=500)
        if st.button(t("admin.import.rome_folder_run"), key="rome_import_folder", disabled=not folder):
            run_import(referentials.import_rome_folder, folder)
    imported = referentials.imported_files()
    if imported:
        st.caption(t("admin.import.current", files=", ".join(
            t("admin.import.file", name=md_escape(f.name), size=fr_size(f.size), date=fr_date(f.modified))
            for f in imported)))

with st.container(border=True):
    st.subheader(t("admin.sparql"))
    st.caption(t("admin.sparql_help"))
    with st.form("sparql"):
        text = st.text_area(t("admin.query"), value=EXAMPLE, height=180, key="query", max_chars=20000)
        run = st.form_submit_button(t("admin.run"))
    if run:
        try:
            columns, rows = referentials.sparql_select(cache.published_store(), text)
        except SparqlError as error:
            st.error(t("admin.sparql_error", message=str(error)))
        else:
            st.caption(t("admin.rows", count=fr_number(len(rows))))
            st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")

with st.container(border=True):
    st.subheader(t("admin.users"))
    # Through the guard: only the accounts of the structures this admin administers, and the read is logged.
    st.dataframe(pd.DataFrame([{
        t("admin.col.login"): u.login, t("admin.col.name"): u.display_name,
        t("admin.col.roles"): ", ".join(sorted({label("role", r) for _, r in u.roles})),
    } for u in accounts.guard_for(ctx, identity).list_users()]), hide_index=True, width="stretch")
