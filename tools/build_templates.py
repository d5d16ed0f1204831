"""Generate bidgen's built-in Word templates into ``templates/``.

Run ``python tools/build_templates.py`` after changing a layout or a label; the generated
.docx files are committed so that users can open them in Word and copy them as a start for
their own (``--template``).  Every context variable they use is documented in
``docs/templates.md``.  Each ``tmpl_<kind>.py`` module beside this file defines one kind:
``KIND``, ``LABELS`` (per locale, with the document title under ``"doc"``) and
``build(locale) -> TemplateBuilder``; a module may also define ``EXTRA`` builds
(``{name: (title_by_locale, build_function)}``, e.g. the parts of a split bid package).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OUT = HERE.parent / "templates"
LOCALES = ("zh_CN", "zh_TW", "en_US")


def _strings(obj: object):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)


def check_taiwan_terms(labels: dict, where: str) -> None:
    """Refuse a zh_TW label written with a mainland term (the glossary of ``bidgen.words.glossary``)."""
    from bidgen.words.glossary import mainland_terms

    for text in _strings(labels.get("zh_TW", {})):
        found = mainland_terms(text)
        if found:
            pairs = ", ".join(f"{t.mainland} → {t.taiwan}" for t in found)
            raise SystemExit(f"{where}: zh_TW label {text!r} uses mainland terms ({pairs})")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for mod_path in sorted(HERE.glob("tmpl_*.py")):
        mod = importlib.import_module(mod_path.stem)
        check_taiwan_terms(mod.LABELS, mod_path.name)
        if mod.KIND == "bid":
            from bid_labels import LABELS as BID_LABELS

            check_taiwan_terms(BID_LABELS, "bid_labels.py")
        builds = {mod.KIND: (lambda loc, m=mod: m.LABELS[loc]["doc"], mod.build)}
        for name, (title, fn) in getattr(mod, "EXTRA", {}).items():
            builds[name] = (title, fn)
        for name, (title, fn) in builds.items():
            for locale in LOCALES:
                path = OUT / f"{name}.{locale}.docx"
                fn(locale).save(path, title(locale))
                print("wrote", path)


if __name__ == "__main__":
    main()
