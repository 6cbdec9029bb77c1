"""Thumbnails made by Pillow: decoded and re-encoded, so the bytes served inline are ours,
never the upload's; a pixel limit stops decompression bombs before decoding."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from sportello.errors import FileInvalidError

THUMB_SIZE = (480, 360)
MAX_PIXELS = 40_000_000
"""An image over 40 megapixels is refused (a 10 MB PNG can claim gigapixels)."""


@dataclass(frozen=True)
class Thumbnail:
    width: int
    height: int
    """The original's size."""


def make_thumbnail(source: Path, target: Path) -> Thumbnail:
    """Write a PNG thumbnail of ``source`` to ``target``; FileInvalidError for a corrupt,
    truncated or hostile image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise FileInvalidError(
                        f"the image is too large ({width} x {height} pixels)", max_pixels=MAX_PIXELS
                    )
                image.seek(0)
                frame = ImageOps.exif_transpose(image)
                frame.thumbnail(THUMB_SIZE)
                if frame.mode not in ("RGB", "RGBA"):
                    frame = frame.convert("RGBA")
                frame.save(target, format="PNG", optimize=True)
    except FileInvalidError:
        target.unlink(missing_ok=True)
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        target.unlink(missing_ok=True)
        raise FileInvalidError("the image cannot be read") from exc
    return Thumbnail(width=width, height=height)
