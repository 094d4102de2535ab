"""Personal data (PIPL): sealed ID numbers and their keys, notices and consent, a person's own
data and requests, and anonymisation after the summit (docs/privacy.md)."""
