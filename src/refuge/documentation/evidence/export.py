"""A self-checking bundle: the file, its SHA-256 and its custody chain, as a zip, signed.

A third party checks it without Refuge (see README.txt inside the bundle):

    python3 verify-bundle.py BUNDLE.zip --key "FINGERPRINT"   # everything below, and the
                                                              # organisation's signature
    sha256sum -c SHA256SUMS                      # the file is the one we hashed on arrival
    sh verify-custody.sh                         # every custody line follows the one before

MANIFEST.txt lists the SHA-256 of every other file; MANIFEST.sig is the installation's Ed25519
signature of it (vault.sign_statement, purpose `refuge-evidence-bundle/1`); signing-key.txt
holds the public key and its fingerprint, which the organisation also publishes. Without the
signature, someone who replaced the file could rewrite SHA256SUMS and the whole custody chain
to match, and both shell checks would pass.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path, PurePath

from refuge.accounts.models import Operator
from refuge.documentation.evidence.custody import GENESIS, custody_lines
from refuge.documentation.evidence.services import content_for_export
from refuge.documentation.models import Evidence
from refuge.vault import api as vault

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
3. The organisation's signature: `python3 verify-bundle.py {bundle_name} --key "FINGERPRINT"`
   checks that MANIFEST.sig is the organisation's Ed25519 signature of MANIFEST.txt, that
   MANIFEST.txt lists every file with its SHA-256, and the two checks above. FINGERPRINT is the
   one the organisation publishes; this bundle was signed by the key in signing-key.txt
   ({fingerprint}). Use a copy of verify-bundle.py from the organisation's documentation.
Actions: added, viewed, exported, linked (the same file was uploaded again and linked).
"""
BUNDLE_PURPOSE = "refuge-evidence-bundle/1"
VERIFIER = Path(__file__).with_name("verify_bundle.py")


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
    entries = [
        {
            "sequence": item.entry.sequence,
            "action": item.entry.action,
            "actor": item.entry.actor_username,
            "at": item.entry.at.isoformat(),
            "previous_hash": item.entry.previous_hash,
            "entry_hash": item.entry.entry_hash,
            "line": item.line,
        }
        for item in lines
    ]
    head = lines[-1].entry.entry_hash if lines else GENESIS
    manifest = {
        "reference": evidence.reference,
        "file": file_name,
        "sha256": str(evidence.sha256),
        "size_bytes": evidence.size_bytes,
        "custody": entries,
        "custody_head": head,
    }
    bundle_name = f"{evidence.reference}-custody.zip"
    public_key = vault.signing_public_key()
    members: dict[str, bytes] = {
        file_name: content,
        "SHA256SUMS": f"{evidence.sha256}  {file_name}\n".encode(),
        "custody.txt": "".join(f"{item.line}\n" for item in lines).encode(),
        "custody-head.txt": f"{head}\n".encode(),
        "custody.json": json.dumps(manifest, indent=2, ensure_ascii=False).encode(),
        "verify-custody.sh": VERIFY_SCRIPT.encode(),
        "verify-bundle.py": VERIFIER.read_bytes(),
        "signing-key.txt": (
            f"{base64.b64encode(public_key).decode()}\n"
            f"fingerprint: {vault.fingerprint(public_key)}\n"
        ).encode(),
        "README.txt": README.format(
            reference=evidence.reference,
            file_name=file_name,
            bundle_name=bundle_name,
            fingerprint=vault.fingerprint(public_key),
        ).encode(),
    }
    return bundle_name, _signed_zip(members)


def _signed_zip(members: dict[str, bytes]) -> bytes:
    """The members, MANIFEST.txt (the SHA-256 of each) and MANIFEST.sig (its signature)."""
    listing = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(members.items())
    ).encode()
    signature = vault.sign_statement(BUNDLE_PURPOSE, listing)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        bundle.writestr("MANIFEST.txt", listing)
        bundle.writestr("MANIFEST.sig", base64.b64encode(signature.signature) + b"\n")
    return buffer.getvalue()
