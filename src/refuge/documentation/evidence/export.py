"""A self-checking bundle: the file, its SHA-256 and its custody chain, as a zip.

A third party checks it without Refuge (see README.txt inside the bundle):

    sha256sum -c SHA256SUMS                      # the file is the one we hashed on arrival
    sh verify-custody.sh                         # every custody line follows the one before
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import PurePath

from refuge.accounts.models import Operator
from refuge.documentation.evidence.custody import GENESIS, custody_lines
from refuge.documentation.evidence.services import content_for_export
from refuge.documentation.models import Evidence

VERIFY_SCRIPT = """#!/bin/sh
# Checks that each custody line starts with the SHA-256 of the line before it
# (the first with 64 zeros), and that the last hash equals custody-head.txt.
prev=0000000000000000000000000000000000000000000000000000000000000000
n=0
while IFS= read -r line; do
  n=$((n+1))
  case "$line" in
    "$prev|"*) ;;
    *) echo "entry $n does not follow the entry before it"; exit 1 ;;
  esac
  prev=$(printf '%s' "$line" | sha256sum | cut -d' ' -f1)
done < custody.txt
if [ "$prev" = "$(cat custody-head.txt)" ]; then
  echo "custody chain intact: $n entries"
else
  echo "custody head does not match"; exit 1
fi
"""

README = """Evidence {reference}: file, SHA-256 and chain of custody, exported from Refuge.

1. The file: `sha256sum -c SHA256SUMS` must print "{file_name}: OK".
2. The custody chain: custody.txt holds one entry per line, in order:
     previous_hash|sequence|action|actor|time (UTC)|file SHA-256|salt|reference
   Each entry's hash is the SHA-256 of its line (UTF-8, no newline):
     printf '%s' "LINE" | sha256sum
   Each line begins with the hash of the line before it (the first with 64 zeros), and every
   line carries the file's SHA-256, binding the chain to this file. custody-head.txt holds
   the hash of the last line. `sh verify-custody.sh` runs these checks; custody.json holds
   the same entries with their hashes.
Actions: added, viewed, exported, linked (the same file was uploaded again and linked).
"""


def _safe_name(reference: str, original: str) -> str:
    suffix = PurePath(original).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".bin"
    return f"{reference}{suffix}"


def export_bundle(*, actor: Operator, evidence: Evidence) -> tuple[str, bytes]:
    """Build the zip in memory (no temp file); returns (file name, zip bytes)."""
    content = content_for_export(actor=actor, evidence=evidence)
    file_name = _safe_name(evidence.reference, str(evidence.file_name))
    lines = custody_lines(evidence)
    entries = [{
        "sequence": item.entry.sequence, "action": item.entry.action,
        "actor": item.entry.actor_username, "at": item.entry.at.isoformat(),
        "previous_hash": item.entry.previous_hash, "entry_hash": item.entry.entry_hash,
        "line": item.line,
    } for item in lines]
    head = lines[-1].entry.entry_hash if lines else GENESIS
    manifest = {"reference": evidence.reference, "file": file_name,
                "sha256": str(evidence.sha256), "size_bytes": evidence.size_bytes,
                "custody": entries, "custody_head": head}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(file_name, content)
        bundle.writestr("SHA256SUMS", f"{evidence.sha256}  {file_name}\n")
        bundle.writestr("custody.txt", "".join(f"{item.line}\n" for item in lines))
        bundle.writestr("custody-head.txt", f"{head}\n")
        bundle.writestr("custody.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        bundle.writestr("verify-custody.sh", VERIFY_SCRIPT)
        bundle.writestr("README.txt", README.format(reference=evidence.reference,
                                                    file_name=file_name))
    return f"{evidence.reference}-custody.zip", buffer.getvalue()
