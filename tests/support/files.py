"""Test files made on the spot: real images, a minimal PDF, hostile images."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ" + b"\x90\x00" * 30 + b"PE\x00\x00" + b"\x00" * 64


def opaque(size: int) -> bytes:
    """``size`` bytes libmagic calls application/octet-stream: random after 16 zero bytes.
    Plain random bytes look like a DOS program to libmagic about once in a hundred
    (measured: 192 of 20,000 4 KB buffers), and uploads refuse those."""
    return bytes(16) + os.urandom(size - 16)


def png(width: int = 640, height: int = 480, colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small valid PNG whose header claims another size (a decompression bomb's shape)."""
    data = bytearray(png(8, 8))
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)
