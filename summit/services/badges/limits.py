"""What an organiser's badge template may cost, and the checks that hold it to that.

Plain functions on plain values, used by ``badges.sandbox`` (the Jinja environment): the caps
on single operations, measured before they run, and the per-badge wall clock and budget
(``limits``) that everything a template makes is charged to. Going over raises
``TemplateLimit``.
"""
from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from string import Formatter
from typing import Any

# Time for one badge: CPU time of the rendering thread (a busy server's other threads and
# processes do not count against a template), and a wall clock well above it as a backstop.
SECONDS = 0.5
WALL_SECONDS = 5.0
CHECK_EVERY = 32  # charges between two readings of the clocks (a reading costs microseconds)
BUDGET = 2_000_000  # characters and items one badge may make in all
MAX_CHARS = 500_000  # one string (a press photo's data URI is well under)
MAX_ITEMS = 100_000  # one list or dict (Jinja's own limit for range)
MAX_INT_BITS = 4096  # one whole number (over 1,200 digits)
MAX_SLOW_TEXT = 50_000  # text given to the filters that work through it in Python


class TemplateLimit(Exception):
    """A template went over a limit: ``kind`` is "time" or "size"."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{'too slow' if kind == 'time' else 'too large'}: {detail}")
        self.kind = kind

    def __reduce__(self):
        return type(self), (self.kind, str(self).partition(": ")[2])


class _Limits:
    def __init__(self, seconds: float, budget: int) -> None:
        self.cpu_deadline = time.thread_time() + seconds
        self.wall_deadline = time.monotonic() + max(seconds, WALL_SECONDS)
        self.left = budget
        self.until_check = CHECK_EVERY

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise TemplateLimit("size", "the badge makes too much text or data")
        self.until_check -= 1
        if self.until_check <= 0:
            self.until_check = CHECK_EVERY
            if time.thread_time() > self.cpu_deadline or \
                    time.monotonic() > self.wall_deadline:
                raise TemplateLimit("time", f"the badge takes more than {SECONDS} s")


_current: ContextVar[_Limits | None] = ContextVar("badge_template_limits", default=None)


@contextmanager
def limits(seconds: float = SECONDS, budget: int = BUDGET) -> Iterator[None]:
    """Render under a time limit and a budget (per thread: a context variable)."""
    token = _current.set(_Limits(seconds, budget))
    try:
        yield
    finally:
        _current.reset(token)


def spend(amount: int = 0) -> None:
    """Charge ``amount`` characters or items made; every charge, even of nothing, counts
    towards reading the clocks."""
    found = _current.get()
    if found is not None:
        found.spend(amount)


def refuse(detail: str) -> None:
    raise TemplateLimit("size", detail)


# --- sizes --------------------------------------------------------------------------------

SIZED = (str, bytes, bytearray, list, tuple, dict, set, frozenset)


def text_size(value: Any, limit: int = MAX_CHARS) -> int:
    """About how many characters ``str(value)`` comes to, counted no further than past
    ``limit`` (a list holding itself, or a million references to one long string, stop)."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray)):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            stack.extend(item)
        else:
            total += 24
    return total


def _size(value: Any) -> int:
    if isinstance(value, SIZED):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() // 64
    return 0


def check_result(value: Any) -> Any:
    """A value the template just made: within the caps, and charged."""
    if isinstance(value, (str, bytes, bytearray)):
        if len(value) > MAX_CHARS:
            refuse(f"a text longer than {MAX_CHARS} characters")
    elif isinstance(value, (list, tuple, dict, set, frozenset)):
        if len(value) > MAX_ITEMS:
            refuse(f"a list of more than {MAX_ITEMS} items")
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        refuse(f"a number of more than {MAX_INT_BITS} bits")
    elif isinstance(value, Iterator) and not isinstance(value, SIZED):
        return _counted(value)
    spend(_size(value))
    return value


def _counted(iterator: Iterator) -> Iterator:
    for item in iterator:
        spend()
        yield item


def _at_most(what: str, value: Any, limit: int) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value > limit:
        refuse(f"{what} over {limit}")


# --- operations checked before they run ----------------------------------------------------

PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")


def _fields_estimate(fmt: str, widths: list[int], fields: int, args: Any) -> int:
    if isinstance(args, dict):
        values = list(args.values())
    elif isinstance(args, (tuple, list)):
        values = list(args)
    else:
        values = [args]
    largest = max((text_size(v) for v in values), default=0)
    return len(fmt) + sum(widths) + fields * largest


def check_printf(fmt: Any, args: Any) -> None:
    """``fmt % args``: widths and precisions are characters too, and one argument can be
    used by many conversions."""
    text = fmt.decode("latin-1") if isinstance(fmt, (bytes, bytearray)) else str(fmt)
    widths, fields = [], 0
    for match in PRINTF.finditer(text):
        if match.group(3) == "%":
            continue
        fields += 1
        for number in match.group(1, 2):
            if number == "*":
                refuse("a width taken from the arguments (%*d)")
            if number:
                widths.append(int(number))
    if _fields_estimate(text, widths, fields, args) > MAX_CHARS:
        refuse(f"a formatted text longer than {MAX_CHARS} characters")


def check_format(fmt: str, args: tuple, kwargs: dict) -> None:
    """``fmt.format(...)``: as ``check_printf``, with nested fields in a spec refused."""
    widths, fields = [], 0
    for _literal, field, spec, _conversion in Formatter().parse(fmt):
        if field is None:
            continue
        fields += 1
        if spec and "{" in spec:
            refuse("a format field nested in a format spec")
        widths += [int(n) for n in re.findall(r"\d+", spec or "")]
    values = list(args) + list(kwargs.values())
    if _fields_estimate(fmt, widths, fields, values) > MAX_CHARS:
        refuse(f"a formatted text longer than {MAX_CHARS} characters")


def check_pow(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        if right > MAX_INT_BITS or math.log2(abs(left)) * right > MAX_INT_BITS:
            refuse(f"a number of more than {MAX_INT_BITS} bits")


def check_times(left: Any, right: Any) -> None:
    for value, times in ((left, right), (right, left)):
        if isinstance(times, bool) or not isinstance(times, int):
            continue
        if isinstance(value, (str, bytes, bytearray)) and len(value) * times > MAX_CHARS:
            refuse(f"a text longer than {MAX_CHARS} characters")
        if isinstance(value, (list, tuple)) and len(value) * times > MAX_ITEMS:
            refuse(f"a list of more than {MAX_ITEMS} items")
        if isinstance(value, int) and value.bit_length() + times.bit_length() > MAX_INT_BITS:
            refuse(f"a number of more than {MAX_INT_BITS} bits")


def check_plus(left: Any, right: Any) -> None:
    if isinstance(left, SIZED) and isinstance(right, SIZED):
        limit = MAX_CHARS if isinstance(left, (str, bytes, bytearray)) else MAX_ITEMS
        if len(left) + len(right) > limit:
            refuse(f"a text or list over {limit}")


def check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    if not isinstance(text, (str, bytes, bytearray)):
        text = str(text)
    if type(old) is not type(text) and not isinstance(old, str):
        return  # a TypeError follows
    old_s, new_s = str(old), str(new)
    found = len(text) + 1 if not old_s else text.count(old_s)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    if len(text) + found * (len(new_s) - len(old_s)) > MAX_CHARS:
        refuse(f"a text longer than {MAX_CHARS} characters")


def check_join(separator: Any, items: Any) -> list:
    items = list(items)
    total = len(separator) * max(len(items) - 1, 0)
    for item in items:
        total += text_size(item)
        if total > MAX_CHARS:
            refuse(f"a text longer than {MAX_CHARS} characters")
    return items


def check_method(method: Any, args: tuple, kwargs: dict) -> tuple:
    """The arguments to call a str/bytes method with, once it is known not to build a huge
    value (``join`` gets its items as a list, read once)."""
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if not isinstance(owner, (str, bytes, bytearray)):
        return args
    if name in ("ljust", "rjust", "center", "zfill"):
        _at_most("a width", args[0] if args else kwargs.get("width"), MAX_CHARS)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and len(owner) + owner.count("\t" if isinstance(owner, str)
                                                           else b"\t") * size > MAX_CHARS:
            refuse(f"a text longer than {MAX_CHARS} characters")
    elif name == "replace" and len(args) >= 2:
        check_replace(owner, *args[:3])
    elif name == "join" and args:
        return (check_join(owner, args[0]), *args[1:])
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((text_size(v) for v in args[0].values()), default=1)
        if len(owner) * longest > MAX_CHARS:
            refuse(f"a text longer than {MAX_CHARS} characters")
    return args


def check_lipsum(args: tuple, kwargs: dict) -> None:
    paragraphs = args[0] if args else kwargs.get("n", 5)
    words = args[3] if len(args) > 3 else kwargs.get("max", 100)
    if isinstance(paragraphs, int) and isinstance(words, int) and paragraphs * words * 12 > \
            MAX_CHARS:
        refuse(f"a text longer than {MAX_CHARS} characters")


# --- filters --------------------------------------------------------------------------------

def _argument(args: tuple, kwargs: dict, index: int, name: str, default: Any) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


def check_filter(name: str, value: Any, args: tuple, kwargs: dict) -> None:
    size = text_size(value)
    if size > MAX_CHARS:
        refuse(f"a value of more than {MAX_CHARS} characters")
    if name == "center":
        _at_most("a width", _argument(args, kwargs, 0, "width", 80), MAX_CHARS)
    elif name == "indent":
        width = _argument(args, kwargs, 0, "width", 4)
        prefix = width if isinstance(width, int) else len(str(width))
        lines = value.count("\n") + 1 if isinstance(value, str) else size + 1
        if size + prefix * lines > MAX_CHARS:
            refuse(f"a text longer than {MAX_CHARS} characters")
    elif name in ("wordwrap", "urlize", "pprint") and size > MAX_SLOW_TEXT:
        refuse(f"{name} of more than {MAX_SLOW_TEXT} characters")
    elif name == "format":
        check_printf(value, kwargs or args)
    elif name == "replace" and len(args) >= 2:
        check_replace(value, *args[:3])
    elif name == "join":
        separator = _argument(args, kwargs, 0, "d", "")
        if isinstance(value, (list, tuple)):
            check_join(str(separator), value)
    elif name in ("batch", "slice"):
        _at_most("a count", _argument(args, kwargs, 0, "linecount" if name == "batch"
                                      else "slices", 0), MAX_ITEMS)
    elif name == "sum":
        start = _argument(args, kwargs, 1, "start", 0)
        if not isinstance(start, (int, float)):
            refuse("sum adds numbers only")
