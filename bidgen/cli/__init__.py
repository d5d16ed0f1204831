"""The command line: Click commands that map flags onto library calls.

``main`` (the ``bidgen`` console script) and the ``cli`` group live in :mod:`bidgen.cli.main`;
the commands live one module per command group beside it (``documents``, ``bid``, ``memo``,
``check``, ``library``) and share their options through :mod:`bidgen.cli.options`.
"""

from bidgen.cli.main import cli, main

__all__ = ["cli", "main"]
