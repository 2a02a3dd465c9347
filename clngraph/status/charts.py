"""Charts as inline SVG, drawn on the server: no script, no web font, works offline.

Each chart is a `<figure>` holding an SVG with a `<title>` and a `<desc>` (its text
alternative, read by screen readers) and a data table with every figure the chart
shows, so nothing is conveyed by colour alone. Colours come from the Okabe-Ito
palette (distinguishable with the common colour-vision deficiencies); the heat map
uses one hue in steps of lightness and prints its percentages in the cells. Every
mark carries `data-value` (what the browser test reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
    "#999999",  # grey
)
# four steps of one blue, light to dark: the Escalator's levels, lowest first
LEVEL_SHADES = ("#C6DBEF", "#6BAED6", "#2171B5", "#08306B")
INK = "#1F1F1F"
FONT = "font-family:system-ui,sans-serif;font-size:12px"


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]

    def html(self) -> str:
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in self.headers)
        body = "".join(
            "<tr>"
            + "".join(
                (
                    f'<th scope="row">{escape(str(v))}</th>'
                    if i == 0
                    else f"<td>{escape(_fmt(v))}</td>"
                )
                for i, v in enumerate(row)
            )
            + "</tr>"
            for row in self.rows
        )
        return (
            f"<details><summary>Data table: {escape(self.caption)}</summary>"
            f"<table><caption>{escape(self.caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></details>"
        )


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:.1f}"
    return str(value)


def figure(
    key: str, title: str, summary: str, svg_body: str, width: int, height: int, table: Table
) -> str:
    """The figure: heading, SVG with its text alternative, and the data table."""
    ident = f"chart-{key}"
    svg = (
        f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}"'
        f' width="100%" style="max-width:{width}px;{FONT}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(summary)}</desc>{svg_body}</svg>'
    )
    return (
        f'<figure class="chart" id="{ident}" data-chart="{key}">'
        f"<h2>{escape(title)}</h2>{svg}<figcaption>{escape(summary)}</figcaption>"
        f"{table.html()}</figure>"
    )


def empty(key: str, title: str, why: str) -> str:
    return (
        f'<figure class="chart" id="chart-{key}" data-chart="{key}" data-empty="true">'
        f"<h2>{escape(title)}</h2><p>{escape(why)}</p></figure>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}"'
        f' fill="{INK}">{escape(content)}</text>'
    )


def _legend(items: Sequence[tuple[str, str]], x: float, y: float, per_row: int = 4) -> str:
    parts = []
    for i, (label, colour) in enumerate(items):
        cx = x + (i % per_row) * 190
        cy = y + (i // per_row) * 18
        parts.append(
            f'<rect x="{cx:.1f}" y="{cy - 10:.1f}" width="12" height="12" fill="{colour}"'
            f' stroke="{INK}" stroke-width="0.5"/>' + _text(cx + 16, cy, label)
        )
    return "".join(parts)


# --- rollout timeline -------------------------------------------------------------


@dataclass(frozen=True)
class RolloutRow:
    code: str
    name: str
    status: str
    pilot: bool
    changed: date | None


STATUS_COLOURS = {
    "PLANNED": OKABE_ITO[8],
    "PILOT": OKABE_ITO[1],
    "LIVE": OKABE_ITO[2],
    "SUSPENDED": OKABE_ITO[5],
    "RETIRED": OKABE_ITO[7],
}
STATUS_SHAPES = {"PILOT": "diamond", "LIVE": "circle"}  # a shape too, not colour alone


def rollout_timeline(rows: Sequence[RolloutRow]) -> str:
    title = "Rollout timeline"
    if not rows:
        return empty("rollout", title, "No SHA in your reach.")
    dated = [r.changed for r in rows if r.changed is not None]
    start = min(dated) if dated else date.today()
    end = max(dated) if dated else start
    span = max((end - start).days, 1)
    left, width, row_h = 230, 420, 24
    height = 50 + row_h * len(rows)
    parts = [
        f'<line x1="{left}" y1="30" x2="{left + width}" y2="30" stroke="{INK}"/>',
        _text(left, 22, start.isoformat(), "start"),
        _text(left + width, 22, end.isoformat(), "end"),
    ]
    for i, r in enumerate(rows):
        y = 50 + i * row_h
        label = f"{r.code} {r.name}" + (" (pilot)" if r.pilot else "")
        parts.append(_text(left - 8, y + 4, label[:34], "end"))
        colour = STATUS_COLOURS.get(r.status, OKABE_ITO[8])
        if r.changed is None:
            parts.append(_text(left, y + 4, f"{r.status} (no date)"))
            continue
        x = left + width * (r.changed - start).days / span
        value = f'data-value="{escape(r.status)} {r.changed.isoformat()}"'
        if STATUS_SHAPES.get(r.status) == "diamond" or r.pilot:
            parts.append(
                f'<path {value} d="M{x:.1f},{y - 7} l7,7 l-7,7 l-7,-7 z" fill="{colour}"'
                f' stroke="{INK}"/>'
            )
        else:
            parts.append(
                f'<circle {value} cx="{x:.1f}" cy="{y}" r="6" fill="{colour}" stroke="{INK}"/>'
            )
        if x > left + width - 80:  # near the right end: the label goes on the left
            parts.append(_text(x - 10, y + 4, r.status, "end"))
        else:
            parts.append(_text(x + 10, y + 4, r.status))
    live = sum(1 for r in rows if r.status == "LIVE")
    summary = (
        f"{len(rows)} SHAs, {live} live; status changes from {start.isoformat()} "
        f"to {end.isoformat()}."
    )
    table = Table(
        "Rollout status per SHA",
        ("SHA", "Name", "Status", "Pilot", "Since"),
        [(r.code, r.name, r.status, "yes" if r.pilot else "no", r.changed) for r in rows],
    )
    return figure("rollout", title, summary, "".join(parts), 700, height, table)


# --- members by SHA and profession --------------------------------------------------


def members_by_profession(counts: dict[str, dict[str, int]], professions: Sequence[str]) -> str:
    """Stacked bars: one per SHA, a segment per profession."""
    title = "Members by SHA and profession"
    if not counts:
        return empty("members", title, "No members in your reach.")
    codes = sorted(counts)
    largest = max(sum(c.values()) for c in counts.values()) or 1
    left, width, row_h = 60, 560, 26
    colours = {p: OKABE_ITO[i % len(OKABE_ITO)] for i, p in enumerate(professions)}
    parts = []
    for i, code in enumerate(codes):
        y = 10 + i * row_h
        parts.append(_text(left - 8, y + 14, code, "end"))
        x = float(left)
        for profession in professions:
            n = counts[code].get(profession, 0)
            if not n:
                continue
            w = width * n / largest
            parts.append(
                f'<rect data-value="{code} {profession} {n}" x="{x:.1f}" y="{y}" width="{w:.1f}"'
                f' height="18" fill="{colours[profession]}" stroke="#FFFFFF" stroke-width="0.5">'
                f"<title>{escape(f'{code} {_label(profession)}: {n}')}</title></rect>"
            )
            x += w
        parts.append(_text(x + 4, y + 14, str(sum(counts[code].values()))))
    legend_y = 30 + len(codes) * row_h
    parts.append(_legend([(_label(p), colours[p]) for p in professions], left, legend_y))
    height = legend_y + 18 * ((len(professions) + 3) // 4) + 10
    total = sum(sum(c.values()) for c in counts.values())
    summary = f"{total} members across {len(codes)} SHAs, split by profession."
    table = Table(
        "Members by SHA and profession",
        ("SHA", *[_label(p) for p in professions], "Total"),
        [
            (code, *[counts[code].get(p, 0) for p in professions], sum(counts[code].values()))
            for code in codes
        ],
    )
    return figure("members", title, summary, "".join(parts), 760, height, table)


def _label(enum_value: str) -> str:
    return enum_value if len(enum_value) <= 3 else enum_value.replace("_", " ").capitalize()


# --- Escalator heat map -----------------------------------------------------------

LEVELS = (
    ("awarenessRaising", "Awareness raising"),
    ("clinicalInvolvement", "Clinical involvement"),
    ("dissemination", "Dissemination"),
    ("acceptanceAndAdoption", "Acceptance and adoption"),
)


def escalator_heat_map(cells: dict[tuple[str, str], dict[str, int]]) -> str:
    """SHA x policy area; each cell a bar of the share of organisations at each level
    (lowest level on the left, darker is further up the Escalator), with the share at
    the top level printed."""
    title = "Engagement Escalator by SHA and policy area"
    if not cells:
        return empty("escalator", title, "No Escalator assessment in your reach yet.")
    codes = sorted({c for c, _ in cells})
    areas = sorted({a for _, a in cells})
    left, top, cell_w, cell_h = 60, 70, 170, 30
    parts = [
        _text(left + i * cell_w + cell_w / 2, top - 10, area.replace("_", " ")[:24], "middle")
        for i, area in enumerate(areas)
    ]
    rows = []
    for j, code in enumerate(codes):
        y = top + j * (cell_h + 6)
        parts.append(_text(left - 8, y + cell_h / 2 + 4, code, "end"))
        for i, area in enumerate(areas):
            x = left + i * cell_w
            found = cells.get((code, area))
            total = sum(found.get(k, 0) for k, _ in LEVELS) if found else 0
            if not total:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{cell_w - 8}" height="{cell_h}" fill="none"'
                    f' stroke="{OKABE_ITO[8]}" stroke-dasharray="3 3"/>'
                )
                parts.append(_text(x + (cell_w - 8) / 2, y + cell_h / 2 + 4, "no data", "middle"))
                continue
            assert found is not None
            shares = [found.get(k, 0) / total for k, _ in LEVELS]
            sx = float(x)
            for (_, level), share, shade in zip(LEVELS, shares, LEVEL_SHADES, strict=True):
                w = (cell_w - 8) * share
                if w > 0:
                    parts.append(
                        f'<rect data-value="{code} {area} {level} {share:.3f}" x="{sx:.1f}" y="{y}"'
                        f' width="{w:.1f}" height="{cell_h}" fill="{shade}">'
                        f"<title>{escape(f'{code}, {area}: {level} {share:.0%}')}</title></rect>"
                    )
                sx += w
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 8}" height="{cell_h}" fill="none"'
                f' stroke="{INK}" stroke-width="0.5"/>'
            )
            top_share = shares[-1]
            parts.append(
                f'<text x="{x + cell_w - 12}" y="{y + cell_h / 2 + 4}" text-anchor="end"'
                f' fill="#FFFFFF" stroke="{INK}" stroke-width="2" paint-order="stroke"'
                f' font-weight="bold">{top_share:.0%}</text>'
            )
            rows.append((code, area, total, *shares))
    legend_y = top + len(codes) * (cell_h + 6) + 20
    parts.append(
        _legend(
            [(label, shade) for (_, label), shade in zip(LEVELS, LEVEL_SHADES, strict=True)],
            left,
            legend_y,
            4,
        )
    )
    height = legend_y + 20
    width = max(left + len(areas) * cell_w + 10, 660)
    summary = (
        f"{len(codes)} SHAs by {len(areas)} policy areas: the share of assessed organisations "
        "at each Escalator level; the printed figure is the share at acceptance and adoption."
    )
    table = Table(
        "Share of organisations at each Escalator level",
        ("SHA", "Policy area", "Organisations", *[label for _, label in LEVELS]),
        rows,
    )
    return figure("escalator", title, summary, "".join(parts), width, height, table)


# --- bars over time or over events ---------------------------------------------------


def paired_bars(
    key: str,
    title: str,
    bars: Sequence[tuple[str, int, int]],
    *,
    done_label: str,
    of_label: str,
    summary: str,
    table_headers: Sequence[str],
) -> str:
    """Vertical bars, one per label: the outline is the whole (`of`), the fill the part
    done; the figure above is the share."""
    if not bars:
        return empty(key, title, "Nothing recorded yet in your reach.")
    largest = max(max(of, done) for _, done, of in bars) or 1
    left, bottom, plot_h, bar_w, gap = 110, 220, 180, 34, 16
    parts = [
        f'<line x1="{left}" y1="{bottom}" x2="{left + len(bars) * (bar_w + gap)}" y2="{bottom}" stroke="{INK}"/>'
    ]
    parts.append(_text(left - 6, bottom - plot_h + 4, str(largest), "end"))
    parts.append(_text(left - 6, bottom + 4, "0", "end"))
    rows = []
    for i, (label, done, of) in enumerate(bars):
        x = left + gap / 2 + i * (bar_w + gap)
        of_h = plot_h * of / largest
        done_h = plot_h * done / largest
        parts.append(
            f'<rect x="{x:.1f}" y="{bottom - of_h:.1f}" width="{bar_w}" height="{of_h:.1f}"'
            f' fill="#FFFFFF" stroke="{OKABE_ITO[0]}" stroke-dasharray="4 2"/>'
        )
        parts.append(
            f'<rect data-value="{escape(label)} {done} {of}" x="{x:.1f}" y="{bottom - done_h:.1f}"'
            f' width="{bar_w}" height="{done_h:.1f}" fill="{OKABE_ITO[0]}">'
            f"<title>{escape(f'{label}: {done} {done_label} of {of} {of_label}')}</title></rect>"
        )
        share = done / of if of else None
        if share is not None:
            parts.append(
                _text(x + bar_w / 2, bottom - max(of_h, done_h) - 4, f"{share:.0%}", "middle")
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{bottom + 14}" text-anchor="end" fill="{INK}"'
            f' transform="rotate(-40 {x + bar_w / 2:.1f} {bottom + 14})">{escape(label[:18])}</text>'
        )
        rows.append((label, done, of, share))
    parts.append(
        _legend(
            [(done_label, OKABE_ITO[0]), (f"{of_label} (outline)", "#FFFFFF")], left, bottom + 80, 2
        )
    )
    width = max(left + len(bars) * (bar_w + gap) + 20, 420)
    table = Table(title, table_headers, rows)
    return figure(key, title, summary, "".join(parts), width, bottom + 100, table)


# --- Congress attendance --------------------------------------------------------------


def congress_attendance(events: Sequence[tuple[str, int, int, int]]) -> str:
    """One column per Congress: the dashed outline its places, the blue bar the
    confirmed registrations, the narrower orange bar inside it the people checked in
    at the door (what attendance counts); each with its figure in the table."""
    key, title = "congress", "Clinical Congress attendance"
    if not events:
        return empty(key, title, "No Clinical Congress in your reach.")
    largest = max(max(places, confirmed, attended) for _, attended, confirmed, places in events)
    largest = largest or 1
    left, bottom, plot_h, bar_w, gap = 110, 220, 180, 40, 24
    parts = [
        f'<line x1="{left}" y1="{bottom}" x2="{left + len(events) * (bar_w + gap)}"'
        f' y2="{bottom}" stroke="{INK}"/>',
        _text(left - 6, bottom - plot_h + 4, str(largest), "end"),
        _text(left - 6, bottom + 4, "0", "end"),
    ]
    rows = []
    for i, (label, attended, confirmed, places) in enumerate(events):
        x = left + gap / 2 + i * (bar_w + gap)
        places_h = plot_h * places / largest
        confirmed_h = plot_h * confirmed / largest
        attended_h = plot_h * attended / largest
        parts.append(
            f'<rect x="{x:.1f}" y="{bottom - places_h:.1f}" width="{bar_w}"'
            f' height="{places_h:.1f}" fill="#FFFFFF" stroke="{OKABE_ITO[0]}"'
            f' stroke-dasharray="4 2"/>'
        )
        parts.append(
            f'<rect data-value="{escape(label)} confirmed {confirmed}" x="{x:.1f}"'
            f' y="{bottom - confirmed_h:.1f}" width="{bar_w}" height="{confirmed_h:.1f}"'
            f' fill="{OKABE_ITO[0]}"><title>'
            f"{escape(f'{label}: {confirmed} confirmed of {places} places')}</title></rect>"
        )
        parts.append(
            f'<rect data-value="{escape(label)} attended {attended}" x="{x + bar_w / 4:.1f}"'
            f' y="{bottom - attended_h:.1f}" width="{bar_w / 2:.1f}" height="{attended_h:.1f}"'
            f' fill="{OKABE_ITO[1]}" stroke="{INK}" stroke-width="0.5"><title>'
            f"{escape(f'{label}: {attended} checked in of {confirmed} confirmed')}</title></rect>"
        )
        shown = f"{attended}/{confirmed}"
        parts.append(_text(x + bar_w / 2, bottom - max(places_h, confirmed_h) - 4, shown, "middle"))
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{bottom + 14}" text-anchor="end" fill="{INK}"'
            f' transform="rotate(-40 {x + bar_w / 2:.1f} {bottom + 14})">{escape(label[:18])}</text>'
        )
        rows.append(
            (
                label,
                attended,
                confirmed,
                places,
                attended / confirmed if confirmed else None,
                confirmed / places if places else None,
            )
        )
    parts.append(
        _legend(
            [
                ("checked in", OKABE_ITO[1]),
                ("confirmed", OKABE_ITO[0]),
                ("places (outline)", "#FFFFFF"),
            ],
            left,
            bottom + 125,  # below the slanted event names
            3,
        )
    )
    attended = sum(r[1] for r in rows)
    confirmed = sum(r[2] for r in rows)
    places = sum(r[3] for r in rows)
    summary = (
        f"{len(rows)} Congress events: {attended} checked in at the door of {confirmed} "
        f"confirmed registrations; {places} places."
    )
    width = max(left + len(events) * (bar_w + gap) + 20, 640)
    table = Table(
        title,
        ("Event", "Checked in", "Confirmed", "Places", "Attended", "Places filled"),
        rows,
    )
    return figure(key, title, summary, "".join(parts), width, bottom + 140, table)
