"""Inline images in rendered documents: ``{{ logo }}`` where ``logo`` is an :class:`Image`.

An :class:`Image` (or docxtpl's ``InlineImage``, whose ``tpl`` is ignored) printed by a template
becomes a ``w:drawing`` run; the engine adds the picture to the package when it writes the
part: the bytes as ``word/media/bg_<hash>.<ext>`` (one copy per distinct picture), a
relationship in the part's ``.rels`` and the content type of the extension.  Only PNG and JPEG
are accepted, up to :data:`MAX_IMAGE_BYTES`.

Size: ``width`` and/or ``height`` in EMU (``docx.shared.Mm(30)`` is an EMU int); when one is
given the other follows the picture's aspect ratio; when neither, the picture's own size at
its DPI (72 when it states none).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from bidgen.errors import RenderError

__all__ = ["Image", "ImageSink", "MAX_IMAGE_BYTES", "image_kind", "as_image", "IMAGE_REL_TYPE"]

#: The largest picture bidgen puts in a document (a logo is a few hundred kilobytes).
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
_EMU_PER_INCH = 914400


def image_kind(data: bytes) -> str | None:
    """``png`` or ``jpeg`` from the file's signature (never from its name), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


@dataclass(frozen=True)
class Image:
    """A PNG or JPEG picture to print inline; ``width``/``height`` in EMU (see module doc)."""

    data: bytes
    width: int | None = None
    height: int | None = None
    name: str = "image"
    kind: str = field(init=False)
    px: tuple[int, int] = field(init=False)
    dpi: tuple[int, int] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.data) > MAX_IMAGE_BYTES:
            raise RenderError(f"image {self.name!r} is {len(self.data):,} bytes; the limit is {MAX_IMAGE_BYTES:,}")
        kind = image_kind(self.data)
        if kind is None:
            raise RenderError(f"image {self.name!r} is neither PNG nor JPEG")
        from docx.image.image import Image as _DocxImage

        try:
            info = _DocxImage.from_blob(self.data)
            px, dpi = (info.px_width, info.px_height), (info.horz_dpi or 72, info.vert_dpi or 72)
        except Exception as exc:  # noqa: BLE001 - a truncated or corrupt picture
            raise RenderError(f"image {self.name!r} cannot be read: {exc}") from exc
        if px[0] <= 0 or px[1] <= 0:
            raise RenderError(f"image {self.name!r} has no size")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "px", px)
        object.__setattr__(self, "dpi", dpi)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], width: int | None = None, height: int | None = None) -> "Image":
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise RenderError(f"cannot read image: {exc.strerror or exc}", file=str(p)) from exc
        return cls(data, width, height, p.name)

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self.kind]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]

    @property
    def media_name(self) -> str:
        return f"bg_{self.digest}.{'png' if self.kind == 'png' else 'jpeg'}"

    def extent(self) -> tuple[int, int]:
        """(cx, cy) in EMU."""
        native = (self.px[0] * _EMU_PER_INCH // self.dpi[0], self.px[1] * _EMU_PER_INCH // self.dpi[1])
        if self.width and self.height:
            return int(self.width), int(self.height)
        if self.width:
            return int(self.width), int(int(self.width) * native[1] // native[0])
        if self.height:
            return int(int(self.height) * native[0] // native[1]), int(self.height)
        return native


def as_image(value: Any) -> Image | None:
    """``value`` as an :class:`Image` when it is one, or docxtpl's ``InlineImage``; else None."""
    if isinstance(value, Image):
        return value
    cls = type(value)
    if cls.__name__ == "InlineImage" and cls.__module__.startswith("docxtpl"):
        source = value.image_descriptor
        if isinstance(source, (str, os.PathLike)):
            return Image.from_file(source, value.width, value.height)
        if isinstance(source, io.IOBase) or hasattr(source, "read"):
            data = source.read()
            return Image(data, value.width, value.height)
        raise RenderError(f"InlineImage: unsupported image source {type(source).__name__}")
    return None


_DRAWING = (
    '</w:t></w:r><w:r><w:drawing>'
    '<wp:inline distT="0" distB="0" distL="0" distR="0" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="Picture {id}" descr="{descr}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="{id}" name="{descr}"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    '</wp:inline></w:drawing></w:r><w:r><w:t xml:space="preserve">'
)


class ImageSink:
    """The pictures one rendered part prints, with the relationship id each gets."""

    def __init__(self, taken: frozenset[str]) -> None:
        self.taken = taken
        self.images: dict[str, Image] = {}  # rid -> image
        self._by_digest: dict[str, str] = {}

    def add(self, image: Image) -> Markup:
        """The drawing run for ``image`` (its relationship allocated once per distinct picture)."""
        rid = self._by_digest.get(image.digest)
        if rid is None:
            n = len(self._by_digest) + 1
            rid = f"rIdBgImg{n}"
            while rid in self.taken:
                n += 1
                rid = f"rIdBgImg{n}"
            self._by_digest[image.digest] = rid
            self.images[rid] = image
        cx, cy = image.extent()
        from markupsafe import escape

        return Markup(_DRAWING.format(cx=cx, cy=cy, id=1, rid=rid, descr=escape(image.name)))
