"""A summit's time zone as people name it: 北京时间 / Beijing time, not "Asia/Shanghai"."""
from __future__ import annotations

from flask_babel import gettext as _

# The zone names that mean China Standard Time (UTC+8, no daylight saving).
BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin",
                           "PRC"})


def zone_label(name: str) -> str:
    """The words for a time zone in the current language, for pages and export headers."""
    if name in BEIJING_ZONES:
        return _("Beijing time")
    return _("%(zone)s time", zone=name)
