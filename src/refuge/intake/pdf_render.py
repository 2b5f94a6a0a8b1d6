"""The child process that turns a PDF into pixels (run by `scrub.clean_pdf`, never imported by it).

`python -I -m refuge.intake.pdf_render PAGES PIXELS OUTPUT_BYTES MEMORY_MB CPU_SECONDS` reads a
PDF on standard input and writes on standard output a new PDF made only of page images: each
page is rendered by PDFium (pypdfium2) and drawn as a JPEG on an empty page of the same size.
No object of the original survives, so neither can its scripts, links, forms, embedded files,
metadata or text that is present but not shown (the Dangerzone approach). What the page shows
survives, as pixels.

Everything a hostile document could exhaust is bounded before it is parsed: the address space
and CPU time of this process (setrlimit, so a decompression bomb dies here, not in the server),
the number of pages, the pixels of one page and the size of the result. Nothing is written to
disk (RLIMIT_FSIZE 0). This module imports neither Django nor anything of Refuge: the child
starts small and holds no secret.
"""

from __future__ import annotations

import io
import math
import resource
import sys
from collections.abc import Sequence
from dataclasses import dataclass

# Exit codes the parent turns into messages (scrub.PDF_REFUSALS).
EXIT_UNREADABLE = 3
EXIT_PASSWORD = 4
EXIT_TOO_MANY_PAGES = 5
EXIT_TOO_LARGE = 6
EXIT_OUT_OF_MEMORY = 7

DPI = 150
JPEG_QUALITY = 85
POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class Limits:
    max_pages: int
    max_page_pixels: int
    max_output_bytes: int
    memory_mb: int
    cpu_seconds: int

    @classmethod
    def from_arguments(cls, arguments: Sequence[str]) -> Limits:
        pages, pixels, output, memory, cpu = (int(value) for value in arguments)
        return cls(pages, pixels, output, memory, cpu)

    def as_arguments(self) -> list[str]:
        return [
            str(self.max_pages),
            str(self.max_page_pixels),
            str(self.max_output_bytes),
            str(self.memory_mb),
            str(self.cpu_seconds),
        ]


class Refused(Exception):
    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


def confine(limits: Limits) -> None:
    """Bound this process before it reads a byte of the document."""
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def page_scale(width_points: float, height_points: float, max_page_pixels: int) -> float:
    """DPI/72, lowered for a page so large that it would exceed the pixel budget."""
    scale = DPI / POINTS_PER_INCH
    area = max(width_points, 1.0) * max(height_points, 1.0)
    if area * scale * scale > max_page_pixels:
        scale = math.sqrt(max_page_pixels / area)
    return scale


@dataclass(frozen=True, slots=True)
class PageImage:
    jpeg: bytes
    width_pixels: int
    height_pixels: int
    width_points: float
    height_points: float


def render_pages(data: bytes, limits: Limits) -> list[PageImage]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        password = "password" in str(error).lower()
        raise Refused(EXIT_PASSWORD if password else EXIT_UNREADABLE) from error
    try:
        if len(document) > limits.max_pages:
            raise Refused(EXIT_TOO_MANY_PAGES)
        if len(document) == 0:
            raise Refused(EXIT_UNREADABLE)
        pages: list[PageImage] = []
        total = 0
        for index in range(len(document)):
            page_image = _render_page(document[index], limits)
            total += len(page_image.jpeg)
            if total > limits.max_output_bytes:
                raise Refused(EXIT_TOO_LARGE)
            pages.append(page_image)
        return pages
    finally:
        document.close()


def _render_page(page: object, limits: Limits) -> PageImage:
    width, height = page.get_size()  # type: ignore[attr-defined]
    scale = page_scale(width, height, limits.max_page_pixels)
    bitmap = page.render(scale=scale, may_draw_forms=False)  # type: ignore[attr-defined]
    image = bitmap.to_pil().convert("RGB")
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PageImage(
        jpeg=output.getvalue(),
        width_pixels=image.width,
        height_pixels=image.height,
        width_points=image.width / scale,
        height_points=image.height / scale,
    )


def assemble(pages: Sequence[PageImage]) -> bytes:
    """A PDF holding one full-page JPEG per page and nothing else (no info, no dates, no id)."""
    objects: list[bytes] = []
    kids = []
    page_count = len(pages)
    # 1: catalog, 2: page tree; then per page: page, content stream, image.
    for number, page in enumerate(pages):
        first = 3 + 3 * number
        kids.append(f"{first} 0 R")
        width, height = f"{page.width_points:.2f}", f"{page.height_points:.2f}"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources << /XObject << /Im0 {first + 2} 0 R >> >> "
            f"/Contents {first + 1} 0 R >>".encode()
        )
        drawing = f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream")
        objects.append(
            f"<< /Type /XObject /Subtype /Image /Width {page.width_pixels} "
            f"/Height {page.height_pixels} /ColorSpace /DeviceRGB /BitsPerComponent 8 "
            f"/Filter /DCTDecode /Length {len(page.jpeg)} >>\nstream\n".encode()
            + page.jpeg
            + b"\nendstream"
        )
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {page_count} >>".encode(),
    ]
    return _write_objects([*head, *objects])


def _write_objects(bodies: Sequence[bytes]) -> bytes:
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    )
    return output.getvalue()


def main(arguments: Sequence[str]) -> int:
    limits = Limits.from_arguments(arguments)
    confine(limits)
    try:
        data = sys.stdin.buffer.read()
        document = assemble(render_pages(data, limits))
    except Refused as refusal:
        return refusal.exit_code
    except MemoryError:
        return EXIT_OUT_OF_MEMORY
    sys.stdout.buffer.write(document)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
