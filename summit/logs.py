"""Logs never hold ID numbers, phones or emails (docs/privacy.md): every log record, from
any library, has them masked when it is made, before a handler formats or ships it."""
from __future__ import annotations

import logging
import re
from typing import Any

# A resident ID (18 characters, or the old 15 digits) and a passport-like number; a
# mainland mobile, with or without +86 and spaces or dashes; an email address.
_ID = re.compile(r"(?<![\w.])(?:\d{17}[\dXx]|\d{15}|[EGDSPH]\d{8})(?![\w])")
_PHONE = re.compile(r"(?<![\d])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MARK = "_summit_masked"
_TRACEBACKS = logging.Formatter()


def mask(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _ID.sub("[id number]", text)
    return _PHONE.sub("[phone]", text)


def _masking(factory):
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the logging module reports it itself
            return record
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and record.exc_info[0] is not None:
            # The traceback (an SQL error quotes its parameters): formatted once here,
            # masked, and kept where every formatter looks for it first.
            record.exc_text = mask(_TRACEBACKS.formatException(record.exc_info))
        return record

    setattr(make, MARK, True)
    return make


def install() -> None:
    """Mask every record made from now on (once per process, whatever app is built)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, MARK, False):
        logging.setLogRecordFactory(_masking(factory))
