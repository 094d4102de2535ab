"""The app's logging, set up in one place (``configure``, called by the app factory):

- Logs never hold ID numbers, phones or emails (docs/privacy.md): every log record, from
  any library, has them masked when it is made, before a handler formats or ships it.
- With ``LOG_JSON`` (production, deploy/summit.env.example), every event is one JSON line
  with the request id (nginx's X-Request-ID, set per request by blueprints/ops/requests.py);
  the line is masked as a whole, so the fields a record carries are masked too.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from time import gmtime, strftime
from typing import Any

from flask import Flask

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


# The request being answered, for every log line made while answering it.
REQUEST_ID = contextvars.ContextVar("summit_request_id", default="")


class JsonFormatter(logging.Formatter):
    """One JSON line per event: time, level, logger, event, request id, the record's
    ``fields`` (``extra={"fields": {...}}``) and an exception's class, never its text."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": strftime("%Y-%m-%dT%H:%M:%S", gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(), "logger": record.name,
            "event": record.getMessage(), "request_id": REQUEST_ID.get() or None,
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
        return mask(json.dumps(line, ensure_ascii=False, default=str))


def configure(app: Flask) -> None:
    """Masking always; JSON lines on stderr (replacing the root logger's handlers) when the
    app's ``LOG_JSON`` is on."""
    install()
    if app.config.get("LOG_JSON"):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
