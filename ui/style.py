"""The few style rules Streamlit's theme does not cover (``.streamlit/config.toml`` holds the rest)."""

from __future__ import annotations

import streamlit as st

__all__ = ["apply_style"]

_CSS = """
<style>
/* Headline figures: the value is what an executive reads first. */
[data-testid="stMetricValue"] { font-weight: 700; font-size: 1.65rem; }
/* Let metric labels wrap onto two lines rather than end in "..." on a laptop screen. */
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] p {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    word-break: normal !important; overflow-wrap: normal !important; hyphens: none !important;
}
[data-testid="stMetricLabel"] { min-height: 2.6em; align-items: flex-start; }
/* Button labels wrap onto a second line instead of ending in "…" ("Przywróć wartości…", "Try it with sam…"). */
[data-testid="stButton"] .stMarkdownEllipsis, [data-testid="stDownloadButton"] .stMarkdownEllipsis,
[data-testid="stBaseButton-secondary"] .stMarkdownEllipsis, [data-testid="stBaseButton-primary"] .stMarkdownEllipsis,
button .stMarkdownEllipsis p, label .stMarkdownEllipsis, label .stMarkdownEllipsis p {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; overflow-wrap: break-word;
}
[data-testid="stButton"] button, [data-testid="stDownloadButton"] button { height: auto; min-height: 2.5rem; }
/* Every tab stays in sight: the row wraps rather than hiding the last tabs behind a scroll arrow (PL, EL, HU). */
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap !important; overflow: visible !important; row-gap: 0.25rem; }
/* Less empty space above the headline: it must be visible without scrolling. */
.stMainBlockContainer { padding-top: 2.5rem; }
/* On a phone the sticky header (60 px) covers the first 3 rem: the overline starts below it. */
@media (max-width: 640px) {
    .stMainBlockContainer { padding-top: 4.5rem; }
    /* Category labels of a waterfall on a phone: ~55 px a column, so a smaller size keeps neighbours apart. */
    .js-plotly-plot .xtick text { font-size: 9px !important; }
}
/* Slider and exact box sit close together; less air between parameters in the sidebar. */
[data-testid="stSidebar"] [data-testid="stVerticalBlock"] { gap: 0.35rem; }
/* The headline sentence is the largest text on the page; its figures stand out. */
.stMainBlockContainer h2 strong { color: #C0392B; }
.overline { letter-spacing: 0.08em; font-size: 0.8rem; font-weight: 600; color: #4A5670; }
/* The presentation headline. */
.hero { padding: 0.5rem 0 1.25rem 0; }
.hero-number { font-size: 5.5rem; font-weight: 800; line-height: 1.05; color: #C0392B; letter-spacing: -0.02em; }
.hero-lead { font-size: 1.9rem; font-weight: 600; color: #1F2A44; }
.hero-detail { font-size: 1.25rem; color: #4A5670; margin-top: 0.35rem; }
</style>
"""


def apply_style() -> None:
    """Add the app's style rules to the page."""
    st.html(_CSS)
