"""The programme: the draft, its clashes, published versions, the public pages, iCalendar, frab
JSON and the printed PDF."""
