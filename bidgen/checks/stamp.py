"""The stamp a document gets when it is written despite failed checks (``--force``)."""

from __future__ import annotations

from ..locales import content_locale

__all__ = ["draft_stamp", "DRAFT_STAMPS"]

_STAMPS = {
    "zh_CN": "草稿 – 未通过检查",
    "zh_TW": "草稿 – 未通過檢查",
    "en_US": "DRAFT – failed checks",
}

#: Every stamp text, so that the checker recognises a stamped document in any locale.
DRAFT_STAMPS: tuple[str, ...] = tuple(_STAMPS.values())


def draft_stamp(locale: str | None) -> str:
    """The header stamp of a document written despite failed checks, in the document's locale.

    zh_CN → ``草稿 – 未通过检查``, zh_TW → ``草稿 – 未通過檢查``, anything else →
    ``DRAFT – failed checks``.  Pass it as the ``draft`` argument of the document builders.
    """
    return _STAMPS[content_locale(locale)]
