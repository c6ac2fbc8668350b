"""Plotly figures of the app, built from plain rows (no streamlit here, so they are easy to test).

The competency map is a polar chart: one sector per RECTEC competency, 4 concentric circles, bars in the pole
colour for the person's own positioning and dark diamonds for the accompanist's.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go

from ..services.people import MapRow
from ..services.referentials import Neighbour
from .i18n import label, t

__all__ = ["competency_map", "gap_heatmap", "neighbour_network", "timeline_chart", "KIND_COLORS", "short_label",
           "wrapped_label", "CIRCLE_PICTOS"]

KIND_COLORS = {
    "pole": "#6A1B9A", "competency": "#1F6FB2", "trade": "#2E7D32", "job": "#00838F", "activity": "#558B2F",
    "certification": "#C62828", "bloc": "#EF6C00", "modality": "#5D4037", "external": "#9E9E9E",
    "entry-profile": "#AD1457",
}
_BAR_WIDTH = 0.9  # share of a sector a bar fills (the rest is the gap between neighbours)
_FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=14, color="#1a1a1a")


def short_label(text: str, width: int = 18, lines: int = 2) -> str:
    """A label wrapped on at most ``lines`` lines of ``width`` characters (``<br>`` for plotly)."""
    wrapped = textwrap.wrap(text, width) or [text]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1].rstrip(" ,.;") + "…"
    return "<br>".join(wrapped)


def wrapped_label(text: str, width: int = 18) -> str:
    """The whole label, wrapped on lines of about ``width`` characters (``<br>`` for plotly): never cut, so two
    labels that begin alike ("Prendre en compte les…") still read differently."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False) or [text])


#: the pictograms of the four circles (the same as on the self-positioning buttons)
CIRCLE_PICTOS = {1: "🌱", 2: "🌿", 3: "🌳", 4: "⭐"}


def competency_map(rows: Sequence[MapRow], *, self_name: str | None = None, co_name: str | None = None,
                   height: int = 620, big: bool = False, compact: bool = False, narrow: bool = False) -> go.Figure:
    """The RECTEC map of one person: 12 sectors, circles 1–4, self as coloured bars, accompanist as diamonds.
    ``compact``: for a half-width column (shorter labels, wider side margins, the legend in two rows).
    ``narrow``: for a phone, the sectors carry their numbers only (whole labels do not fit around a circle
    390 px wide); the page lists the numbered labels right under the chart."""
    self_name = self_name or t("map.self")
    co_name = co_name or t("map.co")
    # numbered, whole labels (wrapped, never cut): the number ties each sector to the list in words
    thetas = [str(r.number) if narrow else wrapped_label(f"{r.number}. {r.label}", 14 if compact else 16 if big else 18)
              for r in rows]
    # numeric angles, one sector per competency: with a categorical angular axis plotly shifts the bars of
    # traces holding a few of the categories by half a sector, so labels sat on sector edges
    sector = 360 / max(len(rows), 1)
    angles = [i * sector for i in range(len(rows))]
    fig = go.Figure()
    poles: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        poles.setdefault(row.pole_id, []).append(index)
    for indexes in poles.values():
        first = rows[indexes[0]]
        fig.add_trace(go.Barpolar(
            r=[rows[i].self_level or 0 for i in indexes], theta=[angles[i] for i in indexes],
            name=first.pole_label, legendgroup="self", legendgrouptitle_text=self_name,
            width=[sector * _BAR_WIDTH] * len(indexes),
            marker=dict(color=first.color, line=dict(color="#222222", width=1)), opacity=0.85,
            customdata=[[rows[i].label, rows[i].self_level or "–"] for i in indexes],
            hovertemplate="%{customdata[0]}<br>" + self_name + " : cercle %{customdata[1]}<extra></extra>",
        ))
    co = [(angles[i], r.co_level, r.label) for i, r in enumerate(rows) if r.co_level is not None]
    if co:
        fig.add_trace(go.Scatterpolar(
            r=[c[1] for c in co], theta=[c[0] for c in co], mode="markers", name=co_name,
            legendgroup="co", legendgrouptitle_text=" ",
            marker=dict(symbol="diamond", size=11 if narrow else 16 if big else 13, color="#111111",
                        line=dict(color="#FFFFFF", width=2)),
            customdata=[[c[2], c[1]] for c in co],
            hovertemplate="%{customdata[0]}<br>" + co_name + " : cercle %{customdata[1]}<extra></extra>",
        ))
    side = 30 if narrow else 130 if compact else 150 if big else 120
    fig.update_layout(
        height=(540 if big else 500) if narrow else height + (160 if big else 60),
        font={**_FONT, "size": 18 if big else 13},
        # room for the whole wrapped labels (up to 4 lines) on every side, the legend below the lowest one
        margin=dict(l=side, r=side, t=40 if narrow else 90 if big else 70,
                    b=190 if narrow else 230 if big else 190), paper_bgcolor="#FFFFFF",
        legend=dict(orientation="h", x=0.5, xanchor="center",
                    y=-0.1 if narrow else -0.27 if big else -0.22, yanchor="top",
                    font=dict(size=17 if big else 12 if compact else 13)),
        polar=dict(
            bgcolor="#FAFAFA", hole=0.06,
            # the radial axis runs along the border between sectors 12 and 1, so its labels cover no bar
            radialaxis=dict(range=[0, 4.2], tickvals=[1, 2, 3, 4],
                            ticktext=[f"{CIRCLE_PICTOS[n]}{n}" if narrow else f"{CIRCLE_PICTOS[n]} {t('map.circle_tick', n=n)}"
                                      for n in range(1, 5)],
                            angle=105, side="counterclockwise",
                            tickfont=dict(size=15 if big else 11, color="#333333"), gridcolor="#9E9E9E",
                            gridwidth=1.5,
                            showline=False),
            angularaxis=dict(type="linear", thetaunit="degrees", direction="clockwise", rotation=90,
                             tickmode="array", tickvals=angles, ticktext=thetas,
                             gridcolor="#D0D0D0", tickfont=dict(size=17 if big else 11 if compact else 12)),
        ),
        bargap=0.08,
    )
    return fig


def gap_heatmap(z: Sequence[Sequence[int]], people: Sequence[str], items: Sequence[str], *,
                height: int | None = None) -> go.Figure:
    """People × competencies, the number of circles missing in each cell (0: reached)."""
    hover = [[t("links.heatmap_hover", person=p, item=i, gap=g) for i, g in zip(items, row, strict=True)]
             for p, row in zip(people, z, strict=True)]
    fig = go.Figure(go.Heatmap(
        z=z, x=[short_label(i, 16) for i in items], y=list(people), zmin=0, zmax=4,
        colorscale=[[0, "#F1F8E9"], [0.25, "#FFE0B2"], [0.5, "#FFB74D"], [0.75, "#F4511E"], [1, "#B71C1C"]],
        text=[[str(g) for g in row] for row in z], texttemplate="%{text}", textfont=dict(size=15),
        hovertext=hover, hoverinfo="text", colorbar=dict(title=dict(text="écart"), tickvals=[0, 1, 2, 3, 4]),
        xgap=2, ygap=2,
    ))
    fig.update_layout(
        height=height or max(260, 90 + 48 * len(people)), font=_FONT, margin=dict(l=10, r=10, t=30, b=10),
        xaxis=dict(side="top", title=t("links.heatmap_x")), yaxis=dict(autorange="reversed",
                                                                        title=t("links.heatmap_y")),
    )
    return fig


def _outward(x: float, y: float) -> str:
    """Where a neighbour's label goes: away from the centre (sideways on the left and right of the circle), so
    that the labels of neighbours next to each other do not overlap."""
    if x > 0.35:
        return "middle right"
    if x < -0.35:
        return "middle left"
    return "top center" if y >= 0 else "bottom center"


def neighbour_network(center_id: str, center_label: str, center_kind: str, around: Sequence[Neighbour],
                      *, height: int = 520) -> go.Figure:
    """The item in the middle, its neighbours on a circle, one line per relation (outgoing or incoming)."""
    n = max(len(around), 1)
    xs = [math.cos(2 * math.pi * k / n + math.pi / 2) for k in range(len(around))]
    ys = [math.sin(2 * math.pi * k / n + math.pi / 2) for k in range(len(around))]
    fig = go.Figure()
    for x, y, nb in zip(xs, ys, around, strict=True):
        relation = label("relation", nb.relation, default=label("edge", nb.relation))
        fig.add_trace(go.Scatter(x=[0, x], y=[0, y], mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color="#B0B0B0", width=1.5, dash="solid" if nb.outgoing else "dot")))
        fig.add_trace(go.Scatter(
            x=[x * 0.55], y=[y * 0.55], mode="text", text=[relation if len(around) <= 8 else ""],
            textfont=dict(size=10, color="#555555"), hoverinfo="skip", showlegend=False))
    kinds = sorted({nb.kind for nb in around})
    for kind in kinds:
        chosen = [(x, y, nb) for x, y, nb in zip(xs, ys, around, strict=True) if nb.kind == kind]
        fig.add_trace(go.Scatter(
            x=[c[0] for c in chosen], y=[c[1] for c in chosen], mode="markers+text",
            name=label("kind", kind), marker=dict(size=16, color=KIND_COLORS.get(kind, "#777777"),
                                                 line=dict(color="#FFFFFF", width=1)),
            text=[short_label(c[2].label, 22) for c in chosen],
            textposition=[_outward(c[0], c[1]) for c in chosen], cliponaxis=False,
            textfont=dict(size=11), hoverinfo="text",
            hovertext=[f"{c[2].label}<br>{label('relation', c[2].relation, default=label('edge', c[2].relation))}"
                       f"<br>{c[2].id}" for c in chosen],
        ))
    fig.add_trace(go.Scatter(
        x=[0], y=[0], mode="markers+text", name=label("kind", center_kind), text=[short_label(center_label, 26)],
        textposition="bottom center", marker=dict(size=28, color=KIND_COLORS.get(center_kind, "#333333"),
                                                  symbol="star", line=dict(color="#000000", width=1)),
        hovertext=[center_id], hoverinfo="text", textfont=dict(size=13, color="#000000"),
    ))
    fig.update_layout(
        height=height, font=_FONT, margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="#FFFFFF",
        xaxis=dict(visible=False, range=[-2.5, 2.5]), yaxis=dict(visible=False, range=[-1.35, 1.35]),
        legend=dict(orientation="h", y=-0.02),
    )
    return fig


_STATUS_COLORS = {"done": "#2E7D32", "recorded": "#1F6FB2", "planned": "#9E9E9E", "late": "#C62828",
                  "cancelled": "#BDBDBD"}
_STATUS_SYMBOLS = {"done": "circle", "recorded": "diamond", "planned": "circle-open", "late": "x",
                   "cancelled": "circle-open"}


def timeline_chart(points: Sequence[tuple], today: object, *, height: int = 300) -> go.Figure:
    """Follow-up on a time axis: ``points`` are ``(date, lane, status, hover text)``; one lane per category."""
    fig = go.Figure()
    for status in _STATUS_COLORS:
        chosen = [p for p in points if p[2] == status]
        if not chosen:
            continue
        fig.add_trace(go.Scatter(
            x=[p[0] for p in chosen], y=[p[1] for p in chosen], mode="markers", name=label("timeline_status", status),
            marker=dict(size=15, color=_STATUS_COLORS[status], symbol=_STATUS_SYMBOLS[status],
                        line=dict(width=2, color=_STATUS_COLORS[status])),
            hovertext=[p[3] for p in chosen], hoverinfo="text",
        ))
    fig.add_vline(x=today, line=dict(color="#333333", dash="dash", width=1))
    fig.add_annotation(x=today, y=1.08, yref="paper", text="aujourd'hui", showarrow=False, font=dict(size=12))
    fig.update_layout(height=height, font=_FONT, margin=dict(l=10, r=10, t=30, b=10), plot_bgcolor="#FFFFFF",
                      xaxis=dict(gridcolor="#EEEEEE", tickformat="%d/%m/%Y"), yaxis=dict(gridcolor="#EEEEEE"),
                      legend=dict(orientation="h", y=-0.2))
    return fig
