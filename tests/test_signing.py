"""Ed25519 keys and signify-format signatures (generator.signing): real keys, real files."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from generator.signing import (
    PublicKey,
    SigningKey,
    UnusableKey,
    generate,
    load_signing_key,
    parse_public_key,
    write_signing_key,
)
from tests.conftest import REPO


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate()


def test_a_signature_verifies_with_its_key_and_is_the_same_bytes_every_time(key: SigningKey) -> None:
    first, again = key.sign(b"releases", "c"), key.sign(b"releases", "c")
    assert first == again
    assert key.public.verify(b"releases", first) is None


def test_a_changed_file_fails_its_signature(key: SigningKey) -> None:
    assert (
        key.public.verify(b"releases!", key.sign(b"releases", "c"))
        == "签名与文件内容不符（文件或签名被改动过）"
    )


def test_a_signature_by_another_key_names_both_key_numbers(key: SigningKey) -> None:
    other = generate()
    message = other.public.verify(b"data", key.sign(b"data", "c"))
    assert message is not None
    assert key.public.fingerprint in message and other.public.fingerprint in message


def test_a_garbled_signature_file_is_a_message_not_a_traceback(key: SigningKey) -> None:
    assert "base64" in (key.public.verify(b"data", b"untrusted comment: x\n%%%\n") or "")
    assert "Ed25519" in (key.public.verify(b"data", b"untrusted comment: x\nRWQ=\n") or "")
    assert "ASCII" in (key.public.verify(b"data", "签名".encode()) or "")


def test_the_public_key_line_round_trips_and_is_a_signify_pub_file(key: SigningKey, tmp_path: Path) -> None:
    text = key.public.text
    assert text.startswith("RW") and parse_public_key(text) == key.public
    pub = key.public.pub_file("comment")
    assert parse_public_key(pub.decode()) == key.public
    raw = base64.b64decode(pub.decode().splitlines()[1])
    assert raw[:2] == b"Ed" and raw[10:] == key.public.raw


@pytest.mark.parametrize(
    ("text", "said"),
    [("RWSnotakey", "base64"), ("aGVsbG8=", "不是 Ed25519 公钥"), ("", "不是 Ed25519 公钥")],
)
def test_a_malformed_public_key_says_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(UnusableKey, match=said):
        parse_public_key(text)


def test_a_public_key_whose_number_does_not_match_is_refused(key: SigningKey) -> None:
    raw = bytearray(base64.b64decode(key.public.text))
    raw[2] ^= 0xFF  # the key number
    with pytest.raises(UnusableKey, match="密钥编号"):
        parse_public_key(base64.b64encode(bytes(raw)).decode())


def test_a_written_private_key_is_owner_only_and_loads_back(key: SigningKey, tmp_path: Path) -> None:
    path = tmp_path / "release.pem"
    write_signing_key(key, path)
    assert path.stat().st_mode & 0o077 == 0
    assert load_signing_key(path).public == key.public
    with pytest.raises(FileExistsError):
        write_signing_key(key, path)


def test_unusable_private_keys_say_why(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key\n", encoding="utf-8")
    ec_key = tmp_path / "ec.pem"
    ec_key.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    locked = tmp_path / "locked.pem"
    locked.write_bytes(
        generate().key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    cases = {tmp_path / "missing.pem": "不存在", tmp_path: "文件夹", garbage: "PEM", ec_key: "不是 Ed25519",
             locked: "口令"}  # fmt: skip
    for path, said in cases.items():
        with pytest.raises(UnusableKey, match=said):
            load_signing_key(path)


def test_public_keys_compare_by_key() -> None:
    a, b = generate().public, generate().public
    assert a != b and PublicKey(a.raw) == a


def test_keygen_writes_a_usable_pair_prints_the_portal_line_and_never_overwrites(tmp_path: Path) -> None:
    def keygen() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "generator.cli", "keygen", "--out", str(tmp_path / "release.pem")]
        return subprocess.run(command, capture_output=True, text=True, cwd=REPO)

    done = keygen()
    assert done.returncode == 0, done.stderr
    key = load_signing_key(tmp_path / "release.pem")
    assert done.stdout.strip() == f"release_public_key: {key.public.text}"
    assert parse_public_key((tmp_path / "release.pem.pub").read_text(encoding="ascii")) == key.public
    again = keygen()
    assert again.returncode == 2 and "不会覆盖" in again.stderr
    assert load_signing_key(tmp_path / "release.pem").public == key.public
