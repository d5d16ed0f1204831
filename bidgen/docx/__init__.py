"""The docx engine: compile a Word template once and render it many times in a sandboxed, strict
Jinja environment, write the package deterministically and atomically, and read marked terms back.

It knows nothing of deals: :mod:`bidgen.docx.render` (templates), :mod:`bidgen.docx.zipio` (zip
members, atomic writes), :mod:`bidgen.docx.xmlsafe` (strict parsing, illegal characters),
:mod:`bidgen.docx.props` (core properties), :mod:`bidgen.docx.ooxml` (schema child order), :mod:`bidgen.docx.layout` (table columns sized from their content),
:mod:`bidgen.docx.readback` (terms and text of a rendered document).
"""
