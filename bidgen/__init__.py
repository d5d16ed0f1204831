"""bidgen: proposals, bid packages and confirmation memos from deal data, checked."""

__version__ = "0.1.0"
