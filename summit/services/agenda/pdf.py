"""The printed programme: an A4 PDF of the published version, in Chinese or English.

A cover with the host, organiser and supporters, then each day as a table of times, rooms,
items and their speakers. Set in the badge fonts (see ``fonts``), so Chinese, traditional
characters and Tibetan names print.
"""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from summit.models import OrganisationRole, Summit
from summit.services.agenda.export import kind_label, locale_of, localised, person_line
from summit.services.agenda.public import PublishedAgenda
from summit.services.core import fonts
from summit.services.core.pdf import render_document

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
@page :first { @bottom-center { content: none; } }
html { font-family: %(family)s; font-size: 10pt; color: #1d2433; line-height: 1.45; }
.cover { page-break-after: always; text-align: center; padding-top: 45mm; }
.cover .theme { color: #9b1c1c; font-size: 16pt; margin: 0 0 6mm; }
.cover h1 { font-size: 24pt; margin: 0 0 4mm; }
.cover .subtitle { font-size: 13pt; margin: 0 0 14mm; }
.cover .when { font-size: 12pt; margin-bottom: 24mm; }
.cover dl { display: inline-block; text-align: left; font-size: 11pt; }
.cover dt { font-weight: bold; margin-top: 3mm; }
.cover dd { margin: 0 0 0 6mm; }
.cover .version { margin-top: 30mm; font-size: 8pt; color: #666; }
h2 { font-size: 14pt; border-bottom: 2pt solid #9b1c1c; padding-bottom: 1mm; margin: 0 0 3mm;
  page-break-after: avoid; }
section.day { page-break-before: always; }
section.day:first-of-type { page-break-before: auto; }
table { width: 100%%; border-collapse: collapse; }
th { text-align: left; font-size: 8.5pt; color: #555; border-bottom: 0.6pt solid #999; }
td { vertical-align: top; padding: 2mm 1.5mm; border-bottom: 0.4pt solid #ccc; }
tr { page-break-inside: avoid; }
td.time { white-space: nowrap; width: 22mm; font-weight: bold; }
td.room { width: 30mm; color: #444; }
.kind { font-size: 8pt; color: #9b1c1c; }
.title { font-weight: bold; font-size: 10.5pt; }
.description { margin: 1mm 0 0; color: #333; }
.people { margin: 1mm 0 0; padding: 0; list-style: none; font-size: 9pt; }
.native { font-family: "Tibetan Machine Uni", %(family)s; }
.cancelled .title { text-decoration: line-through; color: #777; }
.cancelled-note { color: #b42318; font-weight: bold; font-size: 8.5pt; }
"""


def programme_html(summit: Summit, agenda: PublishedAgenda, language: str) -> str:
    organisations = {role.value: [o.name for o in summit.organisations_in(role)]
                     for role in OrganisationRole}
    return render_template(
        "agenda/print/programme.html", summit=summit, agenda=agenda, language=language,
        days=agenda.by_day(agenda.items), organisations=organisations,
        localised=localised, kind_label=kind_label, person_line=person_line)


def programme_pdf(summit: Summit, agenda: PublishedAgenda, language: str) -> bytes:
    with force_locale(locale_of(language)):
        html = programme_html(summit, agenda, language)
    return render_document(html, CSS % {"family": fonts.family_css()})
