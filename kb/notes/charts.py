"""Rankings, timelines and charts as markdown: the tables `chipkb rank --markdown` and
`chipkb timeline --markdown` print, and the chart note of `chipkb chart --markdown`, which holds the
ranking's table and a Mermaid `xychart-beta` bar chart that Obsidian draws.

The table has the rows of `kb.views.rank` in order, so it matches `chipkb rank --json` row by row.
Mermaid draws bars in a category axis, so the chart is the ranking (best first) or, for a chart
against date, the chips in date order, each labelled with its date.  Only values a source states
are drawn; estimates and figures not disclosed are in the table, marked.
"""

from __future__ import annotations

from collections.abc import Collection

from kb.notes.markdown import front_matter, inline, label, one_line
from kb.notes.render import link
from kb.store.figures import format_number
from kb.store.knowledge import KnowledgeBase
from kb.views.chart import Chart, nice_ticks, short_name
from kb.views.preferred import ESTIMATE, NOT_DISCLOSED, STATED
from kb.views.rank import Ranking, RankRow
from kb.views.timeline import Timeline

RANK_HEADER = ("Rank", "Chip", "Vendor", "Value", "Range", "Status", "Source", "Date")


def rank_text(row: RankRow) -> str:
    """`3`, `est.` (an estimate, not ranked) or `n/d` (not disclosed)."""
    if row.rank is not None:
        return str(row.rank)
    return "est." if row.status == ESTIMATE else "n/d"


def value_text(row: RankRow) -> str:
    if row.value is None:
        return "not disclosed"
    return format_number(row.value) + (" (estimate)" if row.status == ESTIMATE else "")


def range_text(row: RankRow) -> str:
    if row.low is None or row.high is None:
        return ""
    return f"{format_number(row.low)}–{format_number(row.high)}"


def _table(header: tuple[str, ...], rows: list[list[str]], right: Collection[int] = ()) -> list[str]:
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return lines


def ranking_table(kb: KnowledgeBase, ranking: Ranking) -> list[str]:
    """The ranking as a markdown table, one row per chip, in the ranking's order."""
    rows = []
    for row in ranking.rows:
        source = link(kb, row.source, in_table=True) if row.source else ""
        rows.append(
            [
                rank_text(row),
                link(kb, row.chip.id, in_table=True),
                inline(row.vendor_name),
                value_text(row),
                range_text(row),
                row.status,
                source,
                inline(row.date),
            ]
        )
    header = (*RANK_HEADER[:3], f"Value ({inline(ranking.unit)})", *RANK_HEADER[4:])
    return _table(header, rows, right={0, 3})


def _ranking_notes(ranking: Ranking) -> list[str]:
    lines = [f"Ordered best first ({ranking.order_note}); equal values share a rank."]
    if any(r.disputed for r in ranking.rows):
        lines.append("Where sources disagree the range is given; the value ranked is the first stated in the KB.")
    if any(r.status == ESTIMATE for r in ranking.rows):
        lines.append("Estimates (est.) are a third party's figures: listed after the ranked chips, not ranked.")
    if any(r.status == NOT_DISCLOSED for r in ranking.rows):
        lines.append("n/d: the vendor does not disclose the figure.")
    if ranking.skipped:
        names = ", ".join(inline(c.name) for c in ranking.skipped)
        lines.append(f"{len(ranking.skipped)} chips without a TDP skipped: {names}.")
    return lines


def ranking_markdown(kb: KnowledgeBase, ranking: Ranking) -> str:
    """`chipkb rank --markdown`: a heading, the table and what the table leaves out."""
    body = [f"## {inline(ranking.label)} ({inline(ranking.unit)})", ""]
    body += ranking_table(kb, ranking) if ranking.rows else ["No chip has this figure."]
    body += ["", *_ranking_notes(ranking)]
    return "\n".join(body) + "\n"


def timeline_markdown(kb: KnowledgeBase, timeline: Timeline) -> str:
    """`chipkb timeline --markdown`: one table row per event, in date order."""
    rows = []
    for event in timeline.events:
        what = link(kb, event.entity_id, in_table=True)
        rows.append([inline(event.date.text), event.kind, inline(event.vendor_name), what])
    body = ["## Timeline", ""]
    body += _table(("Date", "Event", "Vendor", "Chip or claim"), rows) if rows else ["Nothing dated."]
    if timeline.undated:
        body += ["", "Without a date: " + ", ".join(link(kb, c.id) for c in timeline.undated) + "."]
    return "\n".join(body) + "\n"


# --- the chart note --------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Text inside a Mermaid string: one line, no double quote, and nothing (a backtick) that could
    close the code fence."""
    return label(one_line(text)).replace('"', "＂")


def mermaid_chart(data: Chart, bars: bool) -> list[str]:
    """A Mermaid `xychart-beta` bar chart of the stated values: best first with `bars`, else in date
    order, each bar named by its chip (and, in date order, its date)."""
    ranking = data.ranking
    if bars:
        rows = [(r, short_name(r)) for r in ranking.rows if r.status == STATED and r.value is not None]
    else:
        rows = [(p.row, f"{short_name(p.row)} ({p.date.text})") for p in data.points if p.row.status == STATED]
    title = f"{ranking.label} ({ranking.unit})" + ("" if bars else " by date")
    values = [r.value or 0.0 for r, _ in rows]
    top = nice_ticks(0, max(values))[-1] if values else 1
    top = max(top, max(values, default=0.0))
    lines = [
        "```mermaid",
        "xychart-beta",
        f'    title "{_mermaid_text(title)}"',
        "    x-axis [" + ", ".join(f'"{_mermaid_text(name)}"' for _, name in rows) + "]",
        f'    y-axis "{_mermaid_text(ranking.unit)}" 0 --> {format_number(top)}',
        "    bar [" + ", ".join(format_number(v) for v in values) + "]",
        "```",
    ]
    return lines


def chart_note(kb: KnowledgeBase, data: Chart, *, bars: bool = False) -> str:
    """The chart as a note: front matter, a Mermaid bar chart, the ranking's table and its notes."""
    ranking = data.ranking
    title = f"{ranking.label} ({ranking.unit})"
    front = front_matter(
        {
            "id": f"chart-{ranking.name}",
            "type": "chart",
            "title": one_line(title),
            "aliases": [],
            "tags": ["chipkb/chart"],
            "figure": ranking.figure.name,
            "per_watt": ranking.per_watt,
            "unit": ranking.unit,
        }
    )
    body = [f"# {inline(title)}", ""]
    if any(r.status == STATED for r in ranking.rows):
        body += [*mermaid_chart(data, bars), ""]
    body += ranking_table(kb, ranking) if ranking.rows else ["No chip has this figure."]
    body += ["", *_ranking_notes(ranking)]
    if not bars and data.undated:
        body.append(f"{len(data.undated)} chips have no date and are not in the chart by date.")
    return front + "\n" + "\n".join(body) + "\n"
