"""Markdown table of issue #19's keys from one ``bench/run.py --json`` output, each next to its baseline.

``python bench/run.py --quick --json > run.json && python bench/report.py run.json`` prints the table that
``docs/performance.md`` shows: every figure and its baseline come from the same run, with the load average at
its start and end.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import GOALS  # noqa: E402

#: key -> (our figure, the baseline measured in the same run, the ratio shown), as format strings over the run
ROWS: dict[str, tuple[str, str, str]] = {
    "caseload_10k_s": ("{caseload_10k_s} s ({caseload_10k_cpu_s} s CPU), {caseload_people} people",
                       "plain SQL (one `sqlite3` query): {caseload_sql_10k_s} s",
                       "`caseload_over_sql` {caseload_over_sql}"),
    "caseload_over_sql": ("{caseload_over_sql}", "plain SQL", ""),
    "gap_matrix_1k_s": ("{gap_matrix_1k_s} s ({gap_matrix_1k_cpu_s} s CPU)",
                        "SQL + pandas pivot: {gap_matrix_sql_pandas_1k_s} s; numpy kernel: {gap_matrix_numpy_floor_s} s",
                        "{gap_matrix_over_sql_pandas}× the SQL + pandas"),
    "guidance_page_sql_statements": ("{guidance_page_sql_statements} queries (+ {guidance_page_sql_transactions} "
                                     "transactions), {guidance_page_audit_rows} audit row",
                                     "before #19: 107 statements, 4 audit rows", ""),
    "graph_build_rome_s": ("{graph_build_rome_s} s ({graph_build_rome_cpu_s} s CPU), {graph_rome_triples} triples",
                           "pyoxigraph loading the same N-Triples: {graph_build_pyoxigraph_s} s "
                           "({graph_build_pyoxigraph_cpu_s} s CPU)", "ours / pyoxigraph {graph_build_over_pyoxigraph}"),
    "sparql_count_rome_s": ("{sparql_count_rome_s} s ({sparql_count_rome_cpu_s} s CPU)",
                            "`Store.query` directly: {sparql_count_pyoxigraph_s} s", ""),
    "cohort_gaps_1m_s": ("{cohort_gaps_1m_s} s", "pandas `pivot`: {cohort_pandas_pivot_1m_s} s; numpy kernel: "
                         "{cohort_gaps_numpy_floor_1m_s} s", "ours / numpy floor {cohort_gaps_over_numpy_floor}"),
    "cohort_over_pandas_pivot": ("{cohort_over_pandas_pivot}", "pandas `pivot`", ""),
    "rncp_cpu_mb_per_s": ("{rncp_cpu_mb_per_s} MB/s CPU ({rncp_file_mb} MB file; compiled: {rncp_compiled})",
                          "bare iterparse ({rncp_iterparse_baseline}): {rncp_iterparse_cpu_mb_per_s} MB/s CPU", ""),
    "rncp_over_iterparse": ("{rncp_over_iterparse}", "bare iterparse ({rncp_iterparse_baseline})", ""),
    "rncp_peak_mb_500mb": ("{rncp_peak_mb_500mb} MB ({rncp_peak_file_mb} MB file)",
                           "full DOM parse: {rncp_dom_peak_mb} MB", "{rncp_rss_ratio}× less"),
    "guarded_writes_per_s": ("{guarded_writes_per_s}/s ({guarded_writes_cpu_per_s}/s CPU)",
                             "raw `sqlite3`, the same statements and a COMMIT: {raw_sqlite_guarded_writes_per_s}/s",
                             "raw / ours {guarded_over_raw_sqlite_guarded}"),
    "app_first_page_over_floor_s": ("{app_first_page_over_floor_s} s (first page {app_first_page_s} s)",
                                    "one-button Streamlit script: {app_floor_page_s} s", ""),
    "position_click_server_ms": ("{position_click_server_ms} ms ({position_click_server_cpu_ms} ms CPU)",
                                 "sign-in click: {app_click_server_ms} ms", ""),
    "click_during_validation_over_idle": ("{click_during_validation_over_idle} ({position_click_during_validation_ms}"
                                          " ms vs {position_click_idle_ms} ms)",
                                          "the same click with no validation job running", ""),
}


class _Missing(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "—"


def table(run: dict) -> str:
    values = _Missing(run)
    met = run.get("goals_met", {})
    lines = [f"Load average {run.get('load_average_start')} → {run.get('load_average_end')}, "
             f"{run.get('cpu_count')} cores, run took {run.get('wall_s')} s.", "",
             "| key (goal) | ours | baseline, same run | ratio | met |", "|---|---|---|---|---|"]
    for key, (op, goal) in GOALS.items():
        ours, base, ratio = (cell.format_map(values) for cell in ROWS[key])
        if key == "rncp_peak_mb_500mb" and not run.get("rncp_dom_peak_mb"):  # the full run skips it (several GB)
            base, ratio = "full DOM parse: not measured at this size (several GB)", ""
        lines.append(f"| `{key}` ({op} {goal}) | {ours} | {base} | {ratio} | "
                     f"{'yes' if met.get(key) else '**no**'} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = Path(argv[0]).read_text(encoding="utf-8") if argv else sys.stdin.read()
    print(table(json.loads(text[text.index("{"):])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
