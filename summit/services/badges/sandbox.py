"""The Jinja sandbox organisers' badge templates run in, with limits on time and memory.

Jinja's own sandbox keeps a template away from Python's internals, not from burning CPU or
memory: ``{{ (((9**64)**64)**64)**64 % 7 }}`` took a minute, ``'a'.ljust(400000000)`` took
380 MB, and a loop can be slow for one name only. Here, in the process that renders (no
worker process, no extra copy of anything):

- every single operation that could build a huge value at once is measured *before* it runs
  (``*``, ``**``, ``%``, ``+``, ``~``, the string methods and filters that take a width, a
  count or a replacement, ``join``, ``format``) and refused above ``MAX_CHARS`` characters,
  ``MAX_ITEMS`` items or ``MAX_INT_BITS`` bits;
- while a badge renders (``limits``), everything the template makes is charged to a budget of
  ``BUDGET`` (characters output or built, items made, the text a loop's body writes at each
  step), and the time is read every few charges (each call, operator, filter, output and
  loop step is one): ``SECONDS`` of the rendering thread's CPU time (so a busy server
  does not make a good template fail), with a wall clock of ``WALL_SECONDS`` behind it. The
  sandbox sees every call, operator, filter and output; loops are rewritten when the
  template is compiled so that each step is charged too, with the text its body writes.

Going over raises ``TemplateLimit`` ("time" or "size"). The numbers and the checks are in
``badges.limits``; this module ties them into Jinja. The built-in template costs a few
thousand of the budget and well under a millisecond.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import update_wrapper, wraps
from typing import Any

from jinja2 import nodes
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import pass_eval_context
from jinja2.visitor import NodeTransformer

from summit.services.badges.limits import (
    MAX_CHARS,
    MAX_ITEMS,
    check_filter,
    check_format,
    check_lipsum,
    check_method,
    check_plus,
    check_pow,
    check_printf,
    check_result,
    check_times,
    refuse,
    spend,
    text_size,
)

# Filter names a template cannot write, for what the compiled template would otherwise do
# without asking the sandbox: loop steps, ``~`` and slices.
STEPS, CONCAT, SLICE = "<steps>", "<concat>", "<slice>"


def guard_filter(name: str, function: Any) -> Any:
    """``function`` checked before it runs and its result charged after."""
    first = 1 if hasattr(function, "jinja_pass_arg") else 0  # after the context it takes

    @wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        spend()
        if len(args) > first:
            check_filter(name, args[first], args[first + 1:], kwargs)
        return check_result(function(*args, **kwargs))

    return guarded


def _steps(iterable: Any, cost: int) -> Iterator:
    """A loop's iterable, each step charged with the text its body writes."""
    for item in iterable:
        spend(cost)
        yield item


@pass_eval_context
def _concat(eval_ctx: Any, parts: tuple) -> str:
    """``a ~ b``: measured first, then joined as Jinja does."""
    total = 0
    for part in parts:
        total += text_size(part)
        if total > MAX_CHARS:
            refuse(f"a text longer than {MAX_CHARS} characters")
    spend(total)
    return markup_join(parts) if eval_ctx.autoescape else str_join(parts)


def _slice(value: Any, start: Any, stop: Any, step: Any) -> Any:
    return check_result(value[start:stop:step])


def _literal_text(node: nodes.Node) -> int:
    return sum(len(n.data) for n in node.find_all(nodes.TemplateData)) + sum(
        len(n.value) for n in node.find_all(nodes.Const) if isinstance(n.value, str))


# --- the environment ----------------------------------------------------------------------

def _filter(node: nodes.Expr, name: str, args: list, lineno: int) -> nodes.Filter:
    return nodes.Filter(node, name, args, [], None, None, lineno=lineno)


class _Checked(NodeTransformer):
    """What the compiled template would do without asking the sandbox, rewritten to go
    through the filters above (whose names a template cannot write)."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        cost = _literal_text(nodes.Output(node.body + node.else_))
        node.iter = _filter(node.iter, STEPS, [nodes.Const(cost)], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        node = self.generic_visit(node)
        return _filter(nodes.Tuple(node.nodes, "load", lineno=node.lineno), CONCAT, [],
                       node.lineno)

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        node = self.generic_visit(node)
        if not isinstance(node.arg, nodes.Slice):
            return node
        bounds = [part or nodes.Const(None) for part in
                  (node.arg.start, node.arg.stop, node.arg.step)]
        return _filter(node.node, SLICE, bounds, node.lineno)


class BadgeSandbox(SandboxedEnvironment):
    """Jinja's sandbox with the limits above."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=self._output, **options)
        self.filters = {name: guard_filter(name, f) for name, f in self.filters.items()}
        self.filters.update({STEPS: _steps, CONCAT: _concat, SLICE: _slice})

    @staticmethod
    def _output(value: Any) -> Any:
        size = text_size(value)
        if size > MAX_CHARS:
            refuse(f"an output of more than {MAX_CHARS} characters")
        spend(size)
        return value

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every loop's steps, every ``~`` and every slice go through the checks."""
        tree = _Checked().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        spend()
        if operator == "**":
            check_pow(left, right)
        elif operator == "*":
            check_times(left, right)
        elif operator == "+":
            check_plus(left, right)
        elif operator == "%" and isinstance(left, (str, bytes, bytearray)):
            check_printf(left, right)
        return check_result(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        spend()
        args = check_method(__obj, args, kwargs)
        if __obj is __self.globals.get("lipsum"):
            check_lipsum(args, kwargs)
        result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (list, dict, set)) and len(owner) > MAX_ITEMS:
            refuse(f"a list of more than {MAX_ITEMS} items")
        return check_result(result)

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return check_result(value) if isinstance(argument, slice) else value

    def wrap_str_format(self, value: Any) -> Any:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt, is_map = value.__self__, value.__name__ == "format_map"

        def checked(*args: Any, **kwargs: Any) -> Any:
            if is_map and len(args) == 1 and isinstance(args[0], dict):
                check_format(fmt, (), args[0])
            else:
                check_format(fmt, args, kwargs)
            return check_result(wrapper(*args, **kwargs))

        return update_wrapper(checked, value)
