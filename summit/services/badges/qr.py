"""The badge's QR code: python-qrcode (the package the project's brief names) builds the
matrix, written here as an 8-bit greyscale PNG (black and white only) with one pixel per
module. The badge's CSS scales it up with crisp edges, so the PDF holds a few hundred bytes
per code. Greyscale because WeasyPrint turns a 1-bit image into RGB and encodes it twice
more; a greyscale PNG it takes as it is (issue 23: 0.5 ms of a badge). Error correction M and a
fixed mask (no search over the eight masks) keep it as fast as segno was: see
bench/badges.py and README.md."""
from __future__ import annotations

import base64
import struct
import zlib

import qrcode
from qrcode.constants import ERROR_CORRECT_M

BORDER = 4  # modules of quiet zone, as the QR standard asks
MASK = 4


def matrix(data: str) -> list[list[bool]]:
    """The modules, dark True, with the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=BORDER,
                         mask_pattern=MASK)
    code.add_data(data, optimize=0)
    code.make(fit=True)
    return code.get_matrix()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(modules: list[list[bool]]) -> bytes:
    """An 8-bit greyscale PNG, one pixel per module (dark modules black, others white)."""
    size = len(modules)
    raw = bytearray()
    for row in modules:
        raw.append(0)  # filter type: none
        raw += bytes(0 if dark else 255 for dark in row)
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b""))


def png_data_uri(data: str) -> str:
    return "data:image/png;base64," + base64.b64encode(png(matrix(data))).decode("ascii")
