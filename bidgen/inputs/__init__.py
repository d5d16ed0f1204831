"""The input format: typed, frozen pydantic models of deals, meetings and tenders, and the loaders
that read YAML or JSON into them with every error located by file, line and key.

Import what you need from the modules: :mod:`bidgen.inputs.models` (all models),
:mod:`bidgen.inputs.load` (``load_deal``, ``load_meeting``, ``load_tender``, ``validate_mapping``).
This package is the only place that sees raw dicts; everything past it is typed.
"""
