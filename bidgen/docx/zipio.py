"""Minimal zip reading/writing for .docx packages, and atomic file writes.

A rendered document is the template's zip with a few XML parts replaced.  Untouched
members are copied as their *already-compressed* bytes (no inflate/deflate round trip);
replaced parts are deflated at a fixed level.  Every member gets the same fixed timestamp
(1980-01-01 00:00), so the same inputs always give byte-identical output.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bidgen.errors import RenderError, TemplateError

#: Deflate level used for rendered parts (fixed, so output is deterministic).
DEFLATE_LEVEL = 3

_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_LOCAL_SIG = 0x04034B50
_CENTRAL_SIG = 0x02014B50
_END_SIG = 0x06054B50
_LOCAL_FMT = "<IHHHHHIIIHH"
_CENTRAL_FMT = "<IHHHHHHIIIHHHHHII"
_CENTRAL_FIXED = struct.calcsize(_CENTRAL_FMT)  # 46
_END_FMT = "<IHHHHIIH"
_UTF8_FLAG = 0x800
_KEEP_FLAGS = 0x0006 | _UTF8_FLAG  # deflate option bits and the UTF-8 name bit
_MAX32 = 0xFFFFFFFF


@dataclass(frozen=True)
class RawMember:
    """One zip member as stored: compressed bytes plus what the headers need."""

    name: str
    method: int
    flags: int
    crc: int
    compressed: bytes
    size: int


def read_members(data: bytes, source: str) -> list[RawMember]:
    """Split a zip (bytes) into its members in stored order, without decompressing.

    Raises TemplateError naming ``source`` if the bytes are not a readable zip.
    """
    from bidgen.limits import current

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, struct.error) as exc:
        raise TemplateError(f"not a .docx (zip) file: {exc}", file=source) from exc
    if len(infos) > MAX_MEMBERS:
        raise TemplateError(f"a template with {len(infos):,} zip members (a Word file has a few dozen; at most "
                            f"{MAX_MEMBERS:,})", file=source)
    cap = int(current().readback_part_mb * 1024 * 1024)
    members = []
    for info in infos:
        if info.file_size > cap:
            raise TemplateError(f"member {info.filename!r} is {info.file_size:,} bytes uncompressed, above the "
                                f"limit of {cap:,} (limits.readback_part_mb)", file=source)
        if info.flag_bits & 0x1:
            raise TemplateError(f"encrypted member {info.filename!r}", file=source)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise TemplateError(
                f"member {info.filename!r}: unsupported compression {info.compress_type}",
                file=source,
            )
        member = _raw_member(data, info, source)
        if info.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in head(member, 4096):
            raise TemplateError(f"member {info.filename!r} declares a DOCTYPE (entities, external references): "
                                "Word documents have none; save the template again from Word", file=source)
        members.append(member)
    return members


#: A Word file has a few dozen parts; a template with more than this many is refused unread.
MAX_MEMBERS = 10_000


def head(member: RawMember, size: int) -> bytes:
    """The first ``size`` uncompressed bytes of a member (a DOCTYPE stands before the root element),
    inflating no more than that."""
    if member.method == zipfile.ZIP_STORED:
        return member.compressed[:size]
    try:
        return zlib.decompressobj(-15).decompress(member.compressed, size)
    except zlib.error as exc:
        raise TemplateError(f"zip member {member.name!r} is corrupt: {exc}") from exc


def _raw_member(data: bytes, info: zipfile.ZipInfo, source: str) -> RawMember:
    off = info.header_offset
    header = data[off : off + 30]
    if len(header) < 30 or struct.unpack("<I", header[:4])[0] != _LOCAL_SIG:
        raise TemplateError(f"corrupt zip entry {info.filename!r}", file=source)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = off + 30 + name_len + extra_len
    compressed = data[start : start + info.compress_size]
    if len(compressed) != info.compress_size:
        raise TemplateError(f"truncated zip entry {info.filename!r}", file=source)
    return RawMember(
        name=info.filename,
        method=info.compress_type,
        flags=info.flag_bits & _KEEP_FLAGS,
        crc=info.CRC,
        compressed=compressed,
        size=info.file_size,
    )


def inflate(member: RawMember) -> bytes:
    """The uncompressed bytes of a member (checked against its CRC)."""
    if member.method == zipfile.ZIP_STORED:
        out = member.compressed
    else:
        try:
            inflater = zlib.decompressobj(-15)
            out = inflater.decompress(member.compressed, member.size + 1)  # never more than it claims
        except zlib.error as exc:
            raise TemplateError(f"zip member {member.name!r} is corrupt: {exc}") from exc
    if zlib.crc32(out) != member.crc or len(out) != member.size:
        raise TemplateError(f"zip member {member.name!r} fails its CRC check")
    return out


def deflate_member(name: str, data: bytes, level: int = DEFLATE_LEVEL) -> RawMember:
    """A new deflated member holding ``data``."""
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    compressed = comp.compress(data) + comp.flush()
    flags = _UTF8_FLAG if not name.isascii() else 0
    return RawMember(name, zipfile.ZIP_DEFLATED, flags, zlib.crc32(data), compressed, len(data))


@dataclass(frozen=True)
class PackedMember:
    """A member with its local header and central-directory entry already packed."""

    local: bytes  # local header + name + compressed data
    central: bytes  # central entry without its trailing 4-byte local-header offset
    name: str = ""


def pack_member(m: RawMember) -> PackedMember:
    """Pack a member's headers once (fixed timestamp), for repeated :func:`write_zip` calls."""
    name = m.name.encode("utf-8")
    if len(m.compressed) > _MAX32 or m.size > _MAX32:
        raise RenderError(f"document too large for a zip without zip64: {m.name}")
    fixed = (20, m.flags, m.method, _DOS_TIME, _DOS_DATE, m.crc, len(m.compressed), m.size)
    local = struct.pack(_LOCAL_FMT, _LOCAL_SIG, *fixed, len(name), 0) + name + m.compressed
    central = struct.pack(_CENTRAL_FMT[:-1], _CENTRAL_SIG, 20, *fixed, len(name), 0, 0, 0, 0, 0)
    return PackedMember(local, central + name, m.name)


def write_zip(members: Sequence[RawMember | PackedMember]) -> bytes:
    """Serialize members (in the given order) into a zip with fixed timestamps."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        packed = m if isinstance(m, PackedMember) else pack_member(m)
        if offset > _MAX32:
            raise RenderError("document too large for a zip without zip64")
        chunks.append(packed.local)
        # the offset goes between the fixed fields and the name
        head = packed.central[:_CENTRAL_FIXED - 4]
        central.append(head + struct.pack("<I", offset) + packed.central[_CENTRAL_FIXED - 4 :])
        offset += len(packed.local)
    cd = b"".join(central)
    end = struct.pack(_END_FMT, _END_SIG, 0, 0, len(members), len(members), len(cd), offset, 0)
    return b"".join(chunks) + cd + end


def write_atomic(path: str | os.PathLike[str], data: bytes, *, fsync: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically.

    The bytes go to a temporary file in the same directory, which is flushed, fsynced
    (file, then directory; ``fsync=False`` skips both, e.g. for a bulk run that syncs once
    at the end) and renamed over ``path`` with :func:`os.replace` (a symlink at ``path`` is
    replaced, never followed).  On any failure the temporary file is removed and ``path`` is
    left as it was.  Raises WriteError (exit 1) on OS errors.  Several files that belong
    together go through :class:`bidgen.docx.commit.FileSet` instead.
    """
    from bidgen.docx.commit import Pending, commit_files

    return commit_files([Pending(Path(path), data)], fsync=fsync, mkdirs=False)[0]
