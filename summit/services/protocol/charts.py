"""The printed seating chart: A4 landscape, the podium as seen from the audience, in the
badge fonts (Chinese and Tibetan names print)."""
from __future__ import annotations

from flask import render_template

from summit.models import AgendaItem, Convention
from summit.services.core import fonts
from summit.services.core.pdf import render_document
from summit.services.protocol.seating import Seating

CSS = """
@page { size: A4 landscape; margin: 12mm; }
html { font-family: %(family)s; font-size: 10pt; color: #1d2433; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm; }
.note { text-align: center; color: #555; margin: 0 0 6mm; }
.stage { text-align: center; font-weight: bold; letter-spacing: 4pt; margin: 0 0 3mm; }
table { border-collapse: collapse; margin: 0 auto 4mm; table-layout: fixed; }
td { border: 0.6pt solid #555; width: 22mm; height: 16mm; text-align: center;
  vertical-align: middle; padding: 1mm; font-size: 11pt; overflow-wrap: anywhere; }
td small { display: block; font-size: 7pt; color: #666; }
td.locked { border-width: 1.4pt; }
.row { font-size: 8pt; color: #555; text-align: center; }
.audience { text-align: center; color: #555; letter-spacing: 4pt; margin-top: 6mm; }
.unseated { color: #b42318; margin-top: 4mm; }
"""
# The chart is printed in Chinese whatever the page language.
CONVENTION_NOTES = {Convention.GOVERNMENT: "政务惯例：以左为尊（以主席台朝向为准）",
                    Convention.INTERNATIONAL: "国际/商务惯例：以右为尊"}


def seating_chart_pdf(item: AgendaItem, seating: Seating) -> bytes:
    html = render_template("protocol/print/seating.html", item=item, seating=seating,
                           convention=CONVENTION_NOTES[seating.podium.convention])
    return render_document(html, CSS % {"family": fonts.family_css()})
