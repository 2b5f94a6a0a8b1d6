#!/usr/bin/env python3
"""Check a Refuge evidence bundle offline, with nothing but Python 3 (no Refuge, no packages).

    python3 verify-bundle.py BUNDLE.zip --key "FINGERPRINT"

1. The organisation's signature: MANIFEST.sig is an Ed25519 signature, by the key in
   signing-key.txt, of MANIFEST.txt, which lists the SHA-256 of every other file in the bundle.
   Anyone can make a bundle that is consistent with itself and sign it with a key of their
   own: so compare the key's fingerprint with the one the organisation publishes (pass it as
   --key; without it the script prints the fingerprint and warns).
2. Every file in the bundle is listed in the manifest with its hash, and none is missing.
3. The file's SHA-256 (SHA256SUMS) and the chain of custody (custody.txt: each line starts with
   the SHA-256 of the line before it, the last one's hash is custody-head.txt).

Exit code 0 only when every check passes. Get this script from the organisation's published
documentation, not only from the bundle: a forged bundle could carry a forged script.
The Ed25519 verification below follows RFC 8032, section 5.1.7.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
import zipfile

PURPOSE = b"refuge-evidence-bundle/1\n"
GENESIS = "0" * 64

# --- Ed25519 verification (RFC 8032) --------------------------------------------------------
P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
Point = tuple[int, int, int, int]


def _recover_x(y: int, sign: int) -> int | None:
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    if x2 % P == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    return P - x if (x & 1) != sign else x


def _decompress(data: bytes) -> Point | None:
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


def _add(first: Point, second: Point) -> Point:
    a = (first[1] - first[0]) * (second[1] - second[0]) % P
    b = (first[1] + first[0]) * (second[1] + second[0]) % P
    c = 2 * first[3] * second[3] * D % P
    d = 2 * first[2] * second[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _multiply(scalar: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(first: Point, second: Point) -> bool:
    return (first[0] * second[2] - second[0] * first[2]) % P == 0 and (
        first[1] * second[2] - second[1] * first[2]
    ) % P == 0


_BASE_Y = 4 * pow(5, P - 2, P) % P
BASE: Point = (_recover_x(_BASE_Y, 0) or 0, _BASE_Y, 1, (_recover_x(_BASE_Y, 0) or 0) * _BASE_Y % P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    key_point, r_point = _decompress(public_key), _decompress(signature[:32])
    scalar = int.from_bytes(signature[32:], "little")
    if key_point is None or r_point is None or scalar >= Q:
        return False
    digest = hashlib.sha512(signature[:32] + public_key + message).digest()
    challenge = int.from_bytes(digest, "little") % Q
    return _equal(_multiply(scalar, BASE), _add(r_point, _multiply(challenge, key_point)))


# --- The bundle -----------------------------------------------------------------------------
def fingerprint(public_key: bytes) -> str:
    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def _manifest(text: str) -> dict[str, str]:
    listed: dict[str, str] = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return listed


def check_signature(files: dict[str, bytes], expected_key: str) -> list[str]:
    try:
        public_key = base64.b64decode(files["signing-key.txt"].split()[0], validate=True)
        signature = base64.b64decode(files["MANIFEST.sig"].strip(), validate=True)
    except (KeyError, IndexError, ValueError):
        return ["the bundle carries no readable signature (MANIFEST.sig, signing-key.txt)"]
    problems = []
    if not ed25519_verify(public_key, PURPOSE + files.get("MANIFEST.txt", b""), signature):
        problems.append(
            "the signature does not match MANIFEST.txt: the bundle was changed "
            "after the organisation signed it"
        )
    found = fingerprint(public_key)
    wanted = expected_key.replace(" ", "").lower()
    if wanted and wanted not in (
        found.replace(" ", ""),
        base64.b64encode(public_key).decode().lower(),
    ):
        problems.append(f"signed by key {found}, not by the key you expected")
    elif not wanted:
        print(
            f"WARNING: compare the signing key's fingerprint with the one the organisation "
            f"publishes: {found}"
        )
    return problems


def check_files(files: dict[str, bytes]) -> list[str]:
    listed = _manifest(files.get("MANIFEST.txt", b"").decode("utf-8", "replace"))
    unsigned = {"MANIFEST.txt", "MANIFEST.sig"}
    problems = [
        f"{name} is not in the manifest"
        for name in sorted(files)
        if name not in listed and name not in unsigned
    ]
    for name, digest in sorted(listed.items()):
        if name not in files:
            problems.append(f"{name} is listed in the manifest but missing")
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            problems.append(f"{name} is not the file that was signed")
    return problems


def check_custody(files: dict[str, bytes]) -> list[str]:
    problems = []
    for line in files.get("SHA256SUMS", b"").decode().splitlines():
        digest, _, name = line.partition("  ")
        if hashlib.sha256(files.get(name, b"")).hexdigest() != digest:
            problems.append(f"{name} does not match its SHA-256 in SHA256SUMS")
    previous = GENESIS
    for number, line in enumerate(files.get("custody.txt", b"").decode().splitlines(), 1):
        if not line.startswith(previous + "|"):
            problems.append(f"custody entry {number} does not follow the entry before it")
        previous = hashlib.sha256(line.encode()).hexdigest()
    if previous != files.get("custody-head.txt", b"").decode().strip():
        problems.append("the custody head does not match the last custody entry")
    return problems


def verify(path: str, expected_key: str = "") -> list[str]:
    with zipfile.ZipFile(path) as bundle:
        files = {name: bundle.read(name) for name in bundle.namelist()}
    return check_signature(files, expected_key) + check_files(files) + check_custody(files)


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle")
    parser.add_argument(
        "--key", default="", help="the organisation's published fingerprint (or public key, base64)"
    )
    options = parser.parse_args(arguments)
    problems = verify(options.bundle, options.key)
    for problem in problems:
        print(f"FAILED: {problem}")
    if not problems:
        print("OK: signature, files and chain of custody all check out")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
