"""Server-side SVG charts (pygal), served from their own endpoint and shown with <img>: no script runs."""
import sys

import pygal
from pygal.style import Style

# pygal appends a legacy import hook (for its map plugins, unused here) that makes every later failed import
# warn (ImportWarning: find_spec() not found); take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

# The colours officials expect: green on time, teal late-but-done, blue in progress, red overdue,
# orange due soon, grey without a deadline. The page's CSS uses the same values.
COLOURS = {
    "completed_on_time": "#198754",
    "completed_late": "#20c997",
    "in_progress_on_time": "#0d6efd",
    "in_progress_overdue": "#dc3545",
    "due_soon": "#fd7e14",
    "no_deadline": "#6c757d",
}
GROUPS = ("completed_on_time", "completed_late", "in_progress_on_time", "in_progress_overdue")
MAX_ROWS = 25


def _style(keys) -> Style:
    return Style(colors=tuple(COLOURS[k] for k in keys), background="#ffffff", plot_background="#ffffff",
                 opacity=".92", opacity_hover="1",
                 font_family="Arial, sans-serif", legend_font_size=13, label_font_size=12, major_label_font_size=12,
                 value_font_size=11, title_font_size=15)


def _config(**extra) -> dict:
    # js=[]: pygal would otherwise link its tooltip script from the web; an <img> runs none anyway.
    return {"js": [], "disable_xml_declaration": False, "legend_at_bottom": True, "legend_at_bottom_columns": 2,
            "print_values": False, "show_y_guides": False, "truncate_label": 40, "truncate_legend": 40, **extra}


def groups_chart(counts: dict, labels: dict, title: str) -> bytes:
    """A half-doughnut of the four status groups."""
    chart = pygal.Pie(style=_style(GROUPS), inner_radius=0.45, half_pie=True, width=640, height=360,
                      title=title, **_config())
    for key in GROUPS:
        chart.add(str(labels[key]), counts.get(key, 0))
    return chart.render()


def stacked_chart(rows: list[tuple[str, dict]], labels: dict, title: str) -> bytes:
    """Horizontal stacked bars of the four groups, one bar per row (body or unit), at most MAX_ROWS."""
    rows = rows[:MAX_ROWS]
    height = max(260, 110 + 34 * len(rows))
    largest = max([sum(counts.get(k, 0) for k in GROUPS) for _, counts in rows] or [0])
    step = max(1, -(-largest // 8))  # whole tasks on the value axis, about eight marks
    chart = pygal.HorizontalStackedBar(style=_style(GROUPS), width=800, height=height, title=title,
                                       y_labels=list(range(0, largest + step, step)), **_config(show_x_guides=True))
    chart.x_labels = [name for name, _ in rows] or [""]
    for key in GROUPS:
        chart.add(str(labels[key]), [counts.get(key, 0) or None for _, counts in rows] or [None])
    return chart.render()


def trend_chart(points: list[tuple[str, int, int]], title: str, criteria_total: int, series: str) -> bytes:
    """Criteria met over time: (label, criteria met, indicators met) per date."""
    chart = pygal.Line(style=Style(colors=("#198754", "#0d6efd"), background="#ffffff", plot_background="#ffffff",
                                   font_family="Arial, sans-serif"),
                       width=640, height=300, title=title, range=(0, max(criteria_total, 1)),
                       **_config(show_y_guides=True, dots_size=4))
    chart.x_labels = [label for label, _, _ in points]
    chart.add(series, [met for _, met, _ in points])
    return chart.render()
