"""The Jinja sandbox every template renders in, with a time and a size limit.

Word templates (built-in, ``--template``) and library texts (built-in or a workspace's) are
compiled in :class:`LimitedSandbox`: Jinja's immutable sandbox, plus

* a **size budget** (``limits.render_output_mb``): a template part may produce at most that much
  text; ``'x' * n``, ``s | center(n)``, ``'%09999999d' % 1``, ``'{:>9999999}'.format(x)``, ``10 ** n``
  and the like are refused *before* they allocate, and the output is counted as the template's
  generator yields it;
* a **time limit** (``limits.render_seconds``): checked on every call, operator and ``range``
  step inside the template, and — for a loop that does none of these — enforced by one shared
  watchdog thread that interrupts the rendering thread once its deadline has passed.

Either stops the template with :class:`RenderLimit`, which the engine reports as a
TemplateError naming the template, the part and the line.  The checks cost a few microseconds
per document (bench/bench_render.py).
"""

from __future__ import annotations

import contextvars
import ctypes
import heapq
import itertools
from itertools import islice
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bidgen.limits import current

__all__ = ["LimitedSandbox", "RenderLimit", "render_limited"]


class RenderLimit(Exception):
    """A template went over its time or size limit."""


class _Budget:
    __slots__ = ("deadline", "chars", "seconds")

    def __init__(self, seconds: float, chars: int) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.chars = chars


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("bidgen_render_budget", default=None)
_WIDE_SPEC_RE = re.compile(r"[%:{][^%:{}]*?\d{7,}")


def _budget() -> _Budget:
    b = _BUDGET.get()
    if b is None:
        lim = current()
        b = _Budget(lim.render_seconds, int(lim.render_output_mb * 1024 * 1024))
    return b


def _check_time(b: _Budget) -> None:
    if time.monotonic() > b.deadline:
        raise RenderLimit(f"the template took longer than {b.seconds:g} s (limits.render_seconds)")


def _too_big(b: _Budget, size: int, what: str) -> RenderLimit:
    return RenderLimit(f"{what} would make {size:,} characters, above the limit of {b.chars:,} "
                       "(limits.render_output_mb)")


def _check_args(b: _Budget, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for value in itertools.chain(args, kwargs.values()):
        if value.__class__ is int and abs(value) > b.chars:
            raise _too_big(b, abs(value), "a number this large as an argument")
        if isinstance(value, str) and len(value) < 4096 and _WIDE_SPEC_RE.search(value):
            raise RenderLimit("a format with a width of millions of characters (limits.render_output_mb)")


def _check_result(b: _Budget, result: Any) -> Any:
    # one value may be at most 1/64 of the output budget (1 MB of text by default)
    if isinstance(result, (str, list, tuple, bytes)) and len(result) * 64 > b.chars:
        raise _too_big(b, len(result), "a single value (at most 1/64 of the budget)")
    return result


def _check_replace(b: _Budget, text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        grows = (len(text) + 1 if not old else text.count(old)) * (len(new) - len(old))
        if len(text) + grows > b.chars:
            raise _too_big(b, len(text) + grows, "replacing text")


def _check_padding(b: _Budget, name: str, text: Any, width: Any) -> None:
    """``indent`` pads every line and ``center`` pads to a width: their size is known before they
    run (a 10,000-line text indented by 100,000 used to build 1 GB before the size was checked)."""
    text = str(text)
    pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    size = len(text) + pad * (text.count("\n") + 1) if name == "indent" else max(len(text), pad)
    if size * 64 > b.chars:
        raise _too_big(b, size, f"the {name} filter")


def _check_join(b: _Budget, values: Any) -> None:
    if isinstance(values, (list, tuple)):
        size = sum(len(v) for v in values if isinstance(v, str))
        if size > b.chars:
            raise _too_big(b, size, "joining texts")


def _limited_filter(func: Callable[..., Any], name: str = "") -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        b = _budget()
        _check_time(b)
        _check_args(b, args[1:], kwargs)
        if name == "replace" and len(args) >= 4:
            _check_replace(b, str(args[1]), args[2], args[3])
        elif name == "join" and len(args) >= 2:
            _check_join(b, args[1])
        elif name in ("indent", "center") and args:  # do_indent(s, width), do_center(value, width)
            _check_padding(b, name, args[0], args[1] if len(args) > 1 else kwargs.get("width", 0))
        elif name == "format" and any(isinstance(a, str) and _WIDE_SPEC_RE.search(a) for a in args[:2]):
            raise RenderLimit("a format with a width of millions of characters (limits.render_output_mb)")
        return _check_result(b, func(*args, **kwargs))

    for attr in ("jinja_pass_arg", "__name__", "__doc__"):
        if hasattr(func, attr):
            try:
                setattr(wrapper, attr, getattr(func, attr))
            except (AttributeError, TypeError):
                pass
    return wrapper


def _limited_range(*args: int) -> Iterator[int]:
    from jinja2.sandbox import safe_range

    b = _budget()
    rng = safe_range(*args)

    def steps() -> Iterator[int]:
        for i, value in enumerate(rng):
            if not i & 1023:
                _check_time(b)
            yield value

    return steps()


class _CodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` through :meth:`LimitedSandbox.checked_concat`, and a printed value
    through :attr:`LimitedSandbox.finalize_escape` where the environment has one."""

    def _fused(self, frame: Frame, finalize: Any) -> bool:
        """Whether ``{{ x }}`` compiles to ``environment.finalize_escape(x)`` rather than Jinja's
        ``escape(environment.finalize(x))``: with autoescape on, a plain finalizer and a fused one."""
        return (not frame.eval_ctx.volatile and bool(frame.eval_ctx.autoescape)
                and finalize.src == "environment.finalize("
                and getattr(self.environment, "finalize_escape", None) is not None)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:  # noqa: D102
        if self._fused(frame, finalize):
            self.write("environment.finalize_escape(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:  # noqa: D102
        if self._fused(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: D102
        if frame.eval_ctx.volatile:
            func = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func = "markup_join"
        else:
            func = "str_join"
        self.write(f"environment.checked_concat({func}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


#: The attribute names a plain ``dict`` has (methods and dunders): ``d.items`` is the method, as in
#: Jinja; any other ``d.name`` is the key ``name`` (see :meth:`LimitedSandbox.getattr`).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the time and size limits of the module doc."""

    code_generator_class = _CodeGenerator

    #: ``escape(finalize(value))`` in one call, for an environment with autoescape and a finalizer
    #: (see :func:`bidgen.docx.render.make_environment`); None: Jinja's two calls.
    finalize_escape: Callable[[Any], Any] | None = None

    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "<<"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _limited_range
        for name, func in list(self.filters.items()):
            if DEFAULT_FILTERS.get(name) is func:
                self.filters[name] = _limited_filter(func, name)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` as the sandbox resolves it, with a shortcut for the common case of a
        plain ``dict`` read by key (``pricing.total``): a name that is none of ``dict``'s own
        attributes cannot be an attribute of a dict, so Jinja would fall back to ``obj[name]``
        after an AttributeError; this goes there directly, touching no attribute at all."""
        if obj.__class__ is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        b = _budget()
        _check_time(b)
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > b.chars:
                    raise _too_big(b, len(seq) * n, "repeating a text or list")
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > 4096:
                raise RenderLimit("a product of huge numbers (limits.render_output_mb)")
        elif operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 256 and isinstance(left, (int, float)) and abs(left) > 1:
                raise RenderLimit(f"a power with the exponent {right} (limits.render_output_mb)")
        elif operator == "<<":
            if isinstance(right, int) and right > 4096:
                raise RenderLimit(f"a shift by {right} bits (limits.render_output_mb)")
        elif operator == "%":
            if isinstance(left, str) and _WIDE_SPEC_RE.search(left):
                raise RenderLimit("a format with a width of millions of characters (limits.render_output_mb)")
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                    and len(left) + len(right) > b.chars:
                raise _too_big(b, len(left) + len(right), "joining texts or lists")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        b = _budget()
        _check_time(b)
        _check_args(b, args, kwargs)
        name = getattr(__obj, "__name__", "")
        if name == "replace" and len(args) >= 2:
            _check_replace(b, getattr(__obj, "__self__", None), args[0], args[1])
        elif name == "join" and args:
            _check_join(b, args[0])
        elif name in ("format", "format_map"):
            owner = getattr(__obj, "__self__", None) or getattr(getattr(__obj, "__wrapped__", None), "__self__", None)
            if isinstance(owner, str) and _WIDE_SPEC_RE.search(owner):
                raise RenderLimit("a format with a width of millions of characters (limits.render_output_mb)")
        return _check_result(b, super().call(__context, __obj, *args, **kwargs))

    def checked_concat(self, join: Callable[[Any], str], values: tuple[Any, ...]) -> str:
        """``a ~ b`` (the template's text concatenation), refused before it would pass the budget."""
        b = _budget()
        size = sum(len(v) for v in values if isinstance(v, str))
        if size > b.chars:
            raise _too_big(b, size, "joining texts with ~")
        if size * 64 > b.chars:
            raise _too_big(b, size, "a single value (at most 1/64 of the budget)")
        _check_time(b)
        return join(values)


# --------------------------------------------------------------------------- the watchdog


class _Watchdog:
    """One daemon thread: interrupts a rendering thread (PyThreadState_SetAsyncExc) past its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._heap: list[tuple[float, int, int]] = []  # (deadline, token, thread id)
        self._live: dict[int, int] = {}  # token -> thread id
        self._fired: set[int] = set()
        self._tokens = itertools.count(1)
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> int:
        token = next(self._tokens)
        deadline = time.monotonic() + seconds
        tid = threading.get_ident()
        with self._lock:
            self._live[token] = tid
            first = not self._heap or deadline < self._heap[0][0]
            heapq.heappush(self._heap, (deadline, token, tid))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bidgen-render-watchdog", daemon=True)
                self._thread.start()
            elif first:
                self._wake.notify()
        return token

    def disarm(self, token: int) -> None:
        with self._lock:
            self._live.pop(token, None)
            fired = token in self._fired
            self._fired.discard(token)
        if fired:  # the interruption may still be pending: clear it
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.get_ident()), None)

    def _run(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, token, tid = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                heapq.heappop(self._heap)
                if self._live.get(token) == tid:
                    self._fired.add(token)
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(_Interrupted))


class _Interrupted(RenderLimit):
    """Raised asynchronously in a rendering thread by the watchdog."""


_WATCHDOG = _Watchdog()


def render_limited(template: Any, context: Mapping[str, Any]) -> str:
    """Render a compiled Jinja ``template`` under the current limits; raises RenderLimit."""
    lim = current()
    b = _Budget(lim.render_seconds, int(lim.render_output_mb * 1024 * 1024))
    token = _BUDGET.set(b)
    # the watchdog fires a little after the deadline the in-template checks use
    armed = _WATCHDOG.arm(b.seconds * 1.05 + 0.05)
    try:
        try:
            ctx = template.new_context(dict(context))
            out: list[str] = []
            size = 0
            limit = b.chars
            gen = template.root_render_func(ctx)
            try:
                # blocks of 64 chunks joined in C; no single value exceeds 1/64 of the budget (see
                # _check_result), so one block stays within the budget before it is counted
                while True:
                    block = "".join(islice(gen, 64))
                    if not block:
                        break
                    size += len(block)
                    if size > limit:
                        raise _too_big(b, size, "the template's output")
                    out.append(block)
            except Exception:  # noqa: BLE001 - re-raised with the template's own line numbers
                template.environment.handle_exception()
            return "".join(out)
        finally:
            _WATCHDOG.disarm(armed)
            _BUDGET.reset(token)
    except _Interrupted as exc:
        raise RenderLimit(f"the template took longer than {b.seconds:g} s (limits.render_seconds)") \
            .with_traceback(exc.__traceback__) from None
