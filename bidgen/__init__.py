"""bidgen: proposals, bid packages and confirmation memos from deal data, checked.

The public API, importable from ``bidgen`` directly (loaded lazily so that the command line
starts fast)::

    from bidgen import load_deal, make_proposal, read_docx
    deal = load_deal("samples/deal-zh_CN.yaml")
    written = make_proposal(deal, Path("out"))
    read_docx(written.path).terms["total"][0].value   # '676,200.00'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # loading and models
    "load_deal": "bidgen.inputs.load",
    "load_meeting": "bidgen.inputs.load",
    "load_tender": "bidgen.inputs.load",
    "load_any": "bidgen.inputs.load",
    "Deal": "bidgen.inputs.models",
    "Meeting": "bidgen.inputs.models",
    "Tender": "bidgen.inputs.models",
    # money and words
    "compute_pricing": "bidgen.money",
    "Pricing": "bidgen.money",
    "amount_in_words": "bidgen.words",
    "parse_amount_words": "bidgen.words",
    "words_to_decimal": "bidgen.words",
    # documents
    "make_proposal": "bidgen.pipeline",
    "make_all": "bidgen.pipeline",
    "Written": "bidgen.pipeline",
    "make_bid": "bidgen.documents.bid",
    "make_memo": "bidgen.documents.memo",
    "make_brief": "bidgen.documents.brief",
    # engine and read-back
    "CompiledTemplate": "bidgen.docx.render",
    "render_to_file": "bidgen.docx.render",
    "write_atomic": "bidgen.docx.render",
    "read_docx": "bidgen.docx.readback",
    "DocText": "bidgen.docx.readback",
    "TermHit": "bidgen.docx.readback",
    # library
    "Library": "bidgen.library",
    # errors
    "BidgenError": "bidgen.errors",
    "InputError": "bidgen.errors",
    "ValidationErrors": "bidgen.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

#: Modules moved by the 0.2 layout (see the README's changelog): the old paths still import, for one
#: release, with a DeprecationWarning naming the new one.
_MOVED = {
    "bidgen.render": "bidgen.docx.render",
    "bidgen.readback": "bidgen.docx.readback",
    "bidgen.docxzip": "bidgen.docx.zipio",
    "bidgen.xmlsafe": "bidgen.docx.xmlsafe",
    "bidgen.models": "bidgen.inputs.models",
    "bidgen.load": "bidgen.inputs.load",
    "bidgen.build": "bidgen.pipeline",
}


class _MovedModules:
    """A meta-path finder that serves a moved module under its old name (same module object)."""

    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname not in _MOVED:
            return None
        from importlib.machinery import ModuleSpec

        return ModuleSpec(fullname, _MovedModules)

    @staticmethod
    def create_module(spec: Any) -> Any:
        import warnings

        new = _MOVED[spec.name]
        warnings.warn(f"{spec.name} moved to {new}; the old name goes in the next release",
                      DeprecationWarning, stacklevel=3)
        return importlib.import_module(new)

    @staticmethod
    def exec_module(module: Any) -> None:
        return None


import sys as _sys  # noqa: E402

if not any(isinstance(f, type) and f.__name__ == "_MovedModules" for f in _sys.meta_path):
    _sys.meta_path.append(_MovedModules)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bidgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
