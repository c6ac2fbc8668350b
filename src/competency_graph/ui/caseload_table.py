"""The caseload table shared by "Mes candidats" (an accompanist) and "Tableau de suivi" (an admin, per structure
and per accompanist): filters, the table with French headers, CSV/XLSX export."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from ..exports.sheets import rows_csv, rows_xlsx
from ..services import caseload
from ..services.accounts import Identity
from ..services.caseload import CaseRow
from ..ui import cache
from .i18n import label, t

__all__ = ["filters", "table"]


def filters(rows: list[CaseRow], *, key: str, by_structure: bool) -> list[CaseRow]:
    """Filter widgets above the table; the rows that pass them."""
    cols = st.columns(4 if by_structure else 3)
    chosen = list(cols[0].multiselect(t("caseload.filter.show"), ["not_positioned", "divergent", "overdue", "no_next"],
                                      key=f"{key}_show", format_func=lambda v: t(f"caseload.filter.{v}"),
                                      placeholder=t("caseload.filter.all")))
    statuses = sorted({r.status for r in rows})
    status = cols[1].multiselect(t("caseload.filter.status"), statuses, key=f"{key}_status",
                                 format_func=lambda v: label("status", v), placeholder=t("caseload.filter.all"))
    text = cols[2].text_input(t("caseload.filter.name"), key=f"{key}_name", max_chars=100)
    structures: list[str] = []
    accompanists: list[str] = []
    if by_structure:
        names = {r.structure_id: r.structure_name for r in rows}
        structures = list(cols[3].multiselect(t("caseload.filter.structure"), sorted(names, key=names.__getitem__),
                                              key=f"{key}_structure", format_func=names.__getitem__,
                                              placeholder=t("caseload.filter.all")))
        people = sorted({a for r in rows for a in r.accompanists})
        accompanists = list(st.multiselect(t("caseload.filter.accompanist"), people, key=f"{key}_acc",
                                           placeholder=t("caseload.filter.all")))
    kept = []
    for r in rows:
        if "not_positioned" in chosen and r.self_positioned:
            continue
        if "divergent" in chosen and not r.divergences:
            continue
        if "overdue" in chosen and not r.overdue:
            continue
        if "no_next" in chosen and r.next_interview is not None:
            continue
        if status and r.status not in status:
            continue
        if text.strip() and text.strip().casefold() not in r.name.casefold():
            continue
        if structures and r.structure_id not in structures:
            continue
        if accompanists and not set(accompanists) & set(r.accompanists):
            continue
        kept.append(r)
    return kept


def _day(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "–"


def _logged(what: str) -> None:
    """Download callback: the export goes to the audit log (one entry, the user's own action)."""
    identity = st.session_state.get("identity")
    if isinstance(identity, Identity):
        caseload.log_export(cache.context(), identity, what)


def table(rows: list[CaseRow], *, key: str, by_structure: bool, file_stem: str) -> None:
    """The table, the overdue flags and the two export buttons (French headers, same columns)."""
    export = caseload.table_rows(rows, label)
    headers = export[0]
    shown = []
    for r, line in zip(rows, export[1:], strict=True):
        entry = dict(zip(headers, line, strict=True))
        entry[headers[5]] = f"{r.positioned} / {r.rectec_total}"
        entry[headers[6]] = (f"{r.self_positioned} / {r.rectec_total}" if r.self_positioned
                             else t("caseload.not_positioned"))
        entry[headers[7]] = f"⚠️ {r.divergences}" if r.divergences else "0"
        entry[headers[8]] = _day(r.last_positioning)
        entry[headers[9]] = _day(r.next_interview)
        entry[headers[11]] = t("caseload.overdue", count=r.overdue, day=_day(r.overdue_since)) if r.overdue else "–"
        entry[headers[12]] = r.recommendation or "–"
        shown.append(entry)
    frame = pd.DataFrame(shown, columns=headers)
    if not by_structure:
        frame = frame.drop(columns=[headers[1], headers[2]])
    st.dataframe(frame, hide_index=True, width="stretch", key=f"{key}_table", column_config={
        headers[7]: st.column_config.TextColumn(help=t("candidates.divergence_help")),
        headers[11]: st.column_config.TextColumn(help=t("caseload.overdue_help"))})
    late = sum(1 for r in rows if r.overdue)
    if late:
        st.warning(t("caseload.overdue_summary", count=late))
    if any(r.recommendation is None for r in rows) and len(rows) > caseload.RECOMMEND_LIMIT:
        st.caption(t("caseload.recommendation_skipped", limit=caseload.RECOMMEND_LIMIT))
    left, right = st.columns(2)
    left.download_button(t("caseload.export_csv"), rows_csv(export), f"{file_stem}.csv", "text/csv",
                         key=f"{key}_csv", width="stretch", on_click=_logged, args=("caseload_csv",))
    right.download_button(t("caseload.export_xlsx"), rows_xlsx(export, "suivi"), f"{file_stem}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
                          width="stretch", on_click=_logged, args=("caseload_xlsx",))
