"""Reading the PDFs Summit prints, with poppler's tools and zbar (Debian packages the test
set-up installs): text, fonts, pages, images, words with their boxes, and the QR codes."""
from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path


def run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (command, result.stderr)
    return result.stdout


def save(pdf: bytes, folder: Path, name: str = "badges.pdf") -> Path:
    assert pdf.startswith(b"%PDF-")
    path = folder / name
    path.write_bytes(pdf)
    return path


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(font name without subset tag, spaces for dashes; emb column) per embedded font."""
    lines = run("pdffonts", str(path)).splitlines()
    assert lines[1].startswith("-----")
    rows = []
    for line in lines[2:]:
        name, *_, emb, _sub, _uni, _obj, _gen = line.split()
        rows.append((name.split("+", 1)[-1].replace("-", " "), emb))
    return rows


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run("pdftotext", "-enc", "UTF-8", *pages, str(path), "-")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_info(path: Path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in run("pdfinfo", str(path)).splitlines()
                if ":" in line)


def page_count(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def page_size(path: Path) -> tuple[float, float]:
    width, height = re.match(r"\s*([\d.]+) x ([\d.]+) pts", pdf_info(path)["Page size"]).groups()
    return float(width), float(height)


def image_count(path: Path) -> int:
    return len(run("pdfimages", "-list", str(path)).splitlines()) - 2


def scan(png: Path) -> list[str]:
    """Every QR code zbarimg finds in an image (fails when there is none)."""
    return run("zbarimg", "--raw", "-q", str(png)).split()


def to_png(pdf: Path, page: int = 1, dpi: int = 200, crop: tuple[int, int, int, int] = ()
           ) -> Path:
    stem = pdf.with_name(f"{pdf.stem}-p{page}-{dpi}-{'-'.join(map(str, crop))}")
    box = ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])
           ] if crop else []
    run("pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
        *box, str(pdf), str(stem))
    return stem.with_suffix(".png")


def all_content(pdf: bytes) -> bytes:
    """The file with every (Flate) stream also decompressed: what a reader could find in it."""
    out = [pdf]
    for start in re.finditer(rb"stream\r?\n", pdf):
        try:
            out.append(zlib.decompressobj().decompress(pdf[start.end():]))
        except zlib.error:
            continue
    return b"".join(out)


def words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of every word on a page, y from the top, in points."""
    xml = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    return [(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        xml)]
