"""Serving a decrypted file to the console: its real type, a safe name, never cached, never run."""

from __future__ import annotations

from django.http import HttpResponse

# A file is data, never a page: no script, no plugin, no form, even if its bytes say otherwise.
FILE_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def file_response(
    content: bytes, *, content_type: str, file_name: str, inline: bool = False
) -> HttpResponse:
    """`file_name` must be ours (ASCII, no quotes): a sender's file name is never echoed."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response
