"""The name and type an evidence file is downloaded with.

The type is read from the file's bytes (`filetype`: photos, video, audio, PDF, archives...);
for what carries no signature (plain text, CSV) the extension of the name it was uploaded
under is kept when it is a plain one, with the type it implies. Only then `.bin`. The name is
always the evidence reference, never the uploaded name, which may identify someone.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import PurePath

import filetype

from refuge.documentation.models import Evidence

UNKNOWN = ".bin", "application/octet-stream"


@dataclass(frozen=True, slots=True)
class DownloadName:
    file_name: str
    content_type: str


def _from_name(original: str) -> tuple[str, str] | None:
    suffix = PurePath(original).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        return None
    content_type, _encoding = mimetypes.guess_type(f"file{suffix}", strict=False)
    return suffix, content_type or UNKNOWN[1]


def download_name(evidence: Evidence, content: bytes) -> DownloadName:
    kind = filetype.guess(content)
    if kind is not None:
        extension, content_type = f".{kind.extension}", kind.mime
    else:
        extension, content_type = _from_name(str(evidence.file_name or "")) or UNKNOWN
    return DownloadName(f"{evidence.reference}{extension}", content_type)
