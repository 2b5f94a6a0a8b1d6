"""Evidence bundles carry the organisation's signature, and the offline script
(stdlib Python only) fails a bundle whose file was replaced and whose chain was rewritten to
match, which the SHA-256 and custody shell checks alone let through."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from refuge.documentation.evidence.export import export_bundle
from refuge.documentation.evidence.services import add_evidence
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests import factories
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db
PHOTO = b"\x89PNG\r\n\x1a\n" + b"bruises on the back, photographed 2017-04-02" * 50
FORGED = b"\x89PNG\r\n\x1a\n" + b"a different photograph altogether" * 50


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path: Path) -> None:
    settings.VAULT_SIGNING_KEY_FILE = str(tmp_path / "signing_key")


def _bundle(actor) -> tuple[str, bytes, str]:
    event = record_testimony(actor=actor, testimony=factories.testimony()).event
    evidence = add_evidence(actor=actor, event=event, content=PHOTO, file_name="back.png").evidence
    name, bundle = export_bundle(actor=actor, evidence=evidence)
    return name, bundle, f"{evidence.reference}.png"


def _verify(path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    script = path.parent / "verify-bundle.py"
    with zipfile.ZipFile(path) as bundle:
        script.write_bytes(bundle.read("verify-bundle.py"))
    # -I: no site packages, no Refuge: what a third party's bare Python has.
    return subprocess.run(
        [sys.executable, "-I", str(script), str(path), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )


def _published_fingerprint() -> str:
    return vault.fingerprint(vault.signing_public_key())


def _rewrite(bundle: bytes, changes: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(bundle))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name in source.namelist():
            target.writestr(name, changes.get(name, source.read(name)))
    return output.getvalue()


def _forge_file_and_chain(bundle: bytes, file_name: str) -> dict[str, bytes]:
    """Replace the photo and rewrite SHA256SUMS, the custody chain and its head to match."""
    source = zipfile.ZipFile(io.BytesIO(bundle))
    digest = hashlib.sha256(FORGED).hexdigest()
    original_digest = hashlib.sha256(PHOTO).hexdigest()
    previous, lines = "0" * 64, []
    for original in source.read("custody.txt").decode().splitlines():
        fields = original.replace(original_digest, digest).split("|")
        fields[0] = previous
        lines.append("|".join(fields))
        previous = hashlib.sha256(lines[-1].encode()).hexdigest()
    return {
        file_name: FORGED,
        "SHA256SUMS": f"{digest}  {file_name}\n".encode(),
        "custody.txt": "".join(f"{line}\n" for line in lines).encode(),
        "custody-head.txt": f"{previous}\n".encode(),
    }


def test_a_bundle_is_signed_and_checks_out_offline(as_lawyer, tmp_path: Path) -> None:
    name, bundle, _ = _bundle(as_lawyer)
    path = tmp_path / name
    path.write_bytes(bundle)

    checked = _verify(path, "--key", _published_fingerprint())

    assert checked.returncode == 0, checked.stdout
    assert "OK: signature, files and chain of custody all check out" in checked.stdout
    members = zipfile.ZipFile(path).namelist()
    assert {"MANIFEST.txt", "MANIFEST.sig", "signing-key.txt", "verify-bundle.py"} <= set(members)
    key_text = zipfile.ZipFile(path).read("signing-key.txt").decode()
    assert base64.b64encode(vault.signing_public_key()).decode() in key_text
    assert _published_fingerprint() in key_text


def test_a_replaced_file_with_a_rewritten_chain_fails(as_lawyer, tmp_path: Path) -> None:
    name, bundle, file_name = _bundle(as_lawyer)
    forged = tmp_path / name
    forged.write_bytes(_rewrite(bundle, _forge_file_and_chain(bundle, file_name)))
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(forged).extractall(unpacked)
    # The shell checks alone are fooled: the forgery is consistent with itself.
    assert (
        subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=unpacked, capture_output=True, check=False
        ).returncode
        == 0
    )
    assert (
        subprocess.run(
            ["sh", "verify-custody.sh"], cwd=unpacked, capture_output=True, check=False
        ).returncode
        == 0
    )

    checked = _verify(forged, "--key", _published_fingerprint())

    assert checked.returncode == 1
    assert f"FAILED: {file_name} is not the file that was signed" in checked.stdout
    assert "FAILED: custody.txt is not the file that was signed" in checked.stdout


def test_a_forgery_re_signed_with_another_key_fails_against_the_published_key(
    as_lawyer, tmp_path: Path, settings
) -> None:
    name, bundle, file_name = _bundle(as_lawyer)
    published = _published_fingerprint()
    changes = _forge_file_and_chain(bundle, file_name)
    settings.VAULT_SIGNING_KEY_FILE = str(tmp_path / "forgers_key")  # a key of their own
    members = {
        member: changes.get(member, zipfile.ZipFile(io.BytesIO(bundle)).read(member))
        for member in zipfile.ZipFile(io.BytesIO(bundle)).namelist()
        if member not in {"MANIFEST.txt", "MANIFEST.sig", "signing-key.txt"}
    }
    public_key = vault.signing_public_key()
    members["signing-key.txt"] = f"{base64.b64encode(public_key).decode()}\n".encode()
    from refuge.documentation.evidence.export import _signed_zip

    forged = tmp_path / name
    forged.write_bytes(_signed_zip(members))

    assert _verify(forged).returncode == 0  # consistent and signed, by somebody
    checked = _verify(forged, "--key", published)

    assert checked.returncode == 1
    assert "not by the key you expected" in checked.stdout


def test_without_the_published_key_the_script_prints_the_fingerprint(
    as_lawyer, tmp_path: Path
) -> None:
    name, bundle, _ = _bundle(as_lawyer)
    path = tmp_path / name
    path.write_bytes(bundle)

    checked = _verify(path)

    assert checked.returncode == 0
    assert f"publishes: {_published_fingerprint()}" in checked.stdout


def test_an_added_file_and_a_removed_signature_fail(as_lawyer, tmp_path: Path) -> None:
    _name, bundle, _ = _bundle(as_lawyer)
    extra = tmp_path / "extra.zip"
    extra.write_bytes(_rewrite(bundle, {}))
    with zipfile.ZipFile(extra, "a") as appended:
        appended.writestr("note.txt", "added later")
    unsigned = tmp_path / "unsigned.zip"
    unsigned.write_bytes(_rewrite(bundle, {"MANIFEST.sig": b"\n"}))

    assert "note.txt is not in the manifest" in _verify(extra).stdout
    assert _verify(unsigned).returncode == 1


def test_the_offline_ed25519_agrees_with_libsodium() -> None:
    from refuge.documentation.evidence.verify_bundle import ed25519_verify

    for message in (b"", b"refuge", bytes(range(256)) * 4):
        signature = vault.sign_statement("test", message)
        labelled = b"test\n" + message
        assert ed25519_verify(signature.public_key, labelled, signature.signature)
        assert not ed25519_verify(signature.public_key, labelled + b"x", signature.signature)
        flipped = bytes([signature.signature[0] ^ 1]) + signature.signature[1:]
        assert not ed25519_verify(signature.public_key, labelled, flipped)
