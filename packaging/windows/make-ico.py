#!/usr/bin/env python3
"""Writes manifold.ico (16, 24, 32, 48, 64 and 256 px PNG frames) from resources/manifold.svg.

Needs rsvg-convert (Debian: librsvg2-bin). The .ico is committed because Windows builds have no
SVG renderer; run this again after changing the SVG:
    packaging/windows/make-ico.py
"""
import pathlib
import struct
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
SVG = HERE.parent.parent / "resources" / "manifold.svg"
SIZES = (16, 24, 32, 48, 64, 256)


def render(size: int, directory: pathlib.Path) -> bytes:
    out = directory / f"{size}.png"
    subprocess.run(["rsvg-convert", "--width", str(size), "--height", str(size),
                    "--keep-aspect-ratio", "--output", str(out), str(SVG)], check=True)
    return out.read_bytes()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        frames = [(size, render(size, pathlib.Path(tmp))) for size in SIZES]
    header = struct.pack("<HHH", 0, 1, len(frames))   # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(frames)
    directory, data = b"", b""
    for size, png in frames:
        side = 0 if size == 256 else size               # 0 means 256 in an ICONDIRENTRY
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    (HERE / "manifold.ico").write_bytes(header + directory + data)


if __name__ == "__main__":
    main()
