"""Coverage plots for the dataset card: PNG bytes, identical for identical inputs.

Drawn with matplotlib's Agg canvas directly (no pyplot, no global backend switch), a fixed
style, size and dpi, and no Software/time metadata in the PNG.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

DPI = 100
COLOR = "#2b6c8f"
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "svg.hashsalt": "kzdiplo",
}


def shorten(label: str, width: int = 46) -> str:
    """`label` cut to `width` characters, keeping a trailing "(ACRONYM)" or "(ISO)"."""
    if len(label) <= width:
        return label
    m = re.match(r"^(.*?)( \([^()]*\))$", label)
    head, tail = (m[1], m[2]) if m and len(m[2]) < width // 2 else (label, "")
    return head[: width - len(tail) - 1].rstrip() + "…" + tail


def _title(fig: Figure, title: str) -> None:
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def bar_by_year(counts: dict[int, int], *, title: str, note: str = "") -> bytes:
    """Vertical bars, one per year from the first to the last (empty years shown as gaps)."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 3.6), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        years = list(range(min(counts), max(counts) + 1))
        values = [counts.get(y, 0) for y in years]
        bars = ax.bar(years, values, color=COLOR, width=0.8)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], padding=2, fontsize=8)
        _title(fig, title)
        ax.set_ylabel("releases")
        ax.set_xlabel("year" + (f"  ·  {note}" if note else ""), fontsize=9, color="#444444")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12, steps=[1, 2, 5, 10]))
        ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
        ax.set_ylim(0, max(values) * 1.15 + 0.1)
        return _png(fig)


def top_bars(items: Sequence[tuple[str, int]], *, title: str, xlabel: str = "releases",
             note: str = "") -> bytes:
    """Horizontal bars, largest on top; height grows with the number of bars."""
    labels = [shorten(label) for label, _ in items]
    values = [v for _, v in items]
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 1.0 + 0.32 * max(len(items), 3)), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        pos = list(range(len(items)))[::-1]
        bars = ax.barh(pos, values, color=COLOR, height=0.7)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize=8)
        ax.set_yticks(pos, labels)
        _title(fig, title)
        ax.set_xlabel(xlabel + (f"  ·  {note}" if note else ""), fontsize=9, color="#444444")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max(values) * 1.12 + 0.1)
        ax.set_ylim(-0.6, len(items) - 0.4)
        return _png(fig)


def stacked_by_year(counts: dict[int, dict[str, int]], *, title: str, note: str = "",
                    ylabel: str = "interactions") -> bytes:
    """Vertical bars per year, stacked by category (legend in category order of first use)."""
    cats = sorted({c for per in counts.values() for c in per})
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 3.8), dpi=DPI, layout="constrained")
        ax = fig.add_subplot()
        years = list(range(min(counts), max(counts) + 1))
        bottom = [0] * len(years)
        cmap = matplotlib.colormaps["tab10"]
        for n, cat in enumerate(cats):
            values = [counts.get(y, {}).get(cat, 0) for y in years]
            ax.bar(years, values, bottom=bottom, width=0.8, label=cat, color=cmap(n % 10))
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        _title(fig, title)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("year" + (f"  ·  {note}" if note else ""), fontsize=9, color="#444444")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12, steps=[1, 2, 5, 10]))
        ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
        ax.set_ylim(0, max(bottom) * 1.15 + 0.1)
        ax.legend(fontsize=8, ncols=4, frameon=False)
        return _png(fig)
