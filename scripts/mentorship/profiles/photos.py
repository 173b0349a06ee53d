"""What a photo file is and how large it claims to be, read from its header alone.

A photo is published as it is committed, so the validator checks it without decoding it: the
magic bytes say which format it is, the header its width and height. A 200 KB PNG can claim
40000x40000 pixels and make every phone that opens the directory decode 6 GB; the limit on
pixels a side stops that at the pull request. GIF is read too, so its message can be exact.
"""

from __future__ import annotations

import struct

PHOTO_MAX_SIDE = 2000
"""The largest width or height a profile photo may have, in pixels."""

# JPEG start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def photo_kind(head: bytes) -> str | None:
    """'png', 'jpg', 'webp' or 'gif' from a file's first bytes; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from the image's header; None when it cannot be read."""
    try:
        kind = photo_kind(data[:16])
        if kind == "png":
            if data[12:16] != b"IHDR":
                return None
            width, height = struct.unpack(">II", data[16:24])
            return width, height
        if kind == "gif":
            width, height = struct.unpack("<HH", data[6:10])
            return width, height
        if kind == "webp":
            return _webp_size(data)
        if kind == "jpg":
            return _jpeg_size(data)
    except struct.error:  # a header cut short
        return None
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":  # extended: 24-bit width-1 and height-1
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return (width, height) if len(data) >= 30 else None
    if chunk == b"VP8 ":  # lossy: after the frame tag and start code, 14-bit sizes
        if data[23:26] != b"\x9d\x01\x2a":
            return None
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: signature 0x2f, then 14-bit width-1 and height-1
        if data[20:21] != b"\x2f":
            return None
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or the scan began with no frame header
            return None
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None
