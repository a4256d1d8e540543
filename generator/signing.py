"""Ed25519 keys and detached signatures of the data releases, in OpenBSD signify's format.

Stage: shared by the release stage (signing), ``gongshi verify`` and ``gongshi mirror`` (checking) and
``gongshi keygen``. Guarantees:
- a private key is a PEM PKCS#8 Ed25519 key, as ``gongshi keygen`` or ``openssl genpkey -algorithm ed25519``
  write it; anything else (a missing file, another algorithm, an encrypted key, garbage) is a ``UnusableKey``
  with a sentence saying what is wrong, never a traceback;
- a public key is one line of base64 (``RWQ…``): ``Ed``, an 8-byte key number (the first 8 bytes of the key's
  SHA-256, so the same key always has the same number) and the 32-byte key — the second line of a signify
  ``.pub`` file, so ``signify -V -p KEY.pub -m FILE`` checks gongshi's signatures too;
- a signature file (``FILE.sig``) is signify's: an ``untrusted comment:`` line, then base64 of ``Ed``, the key
  number and the 64-byte Ed25519 signature of the file's bytes. Ed25519 signatures are deterministic: the same
  key and bytes give the same signature file, so an unchanged release is not rewritten.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = b"Ed"
KEYNUM_BYTES = 8
PUBLIC_BYTES = 32
SIGNATURE_BYTES = 64
COMMENT = "untrusted comment: "


class UnusableKey(ValueError):
    """A key that cannot be used; the message says why (in Chinese, for the clerk)."""


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key and its signify key number."""

    raw: bytes  # 32 bytes

    @property
    def number(self) -> bytes:
        return hashlib.sha256(self.raw).digest()[:KEYNUM_BYTES]

    @property
    def text(self) -> str:
        """The one-line form published in ``portal.yaml``, ``releases.json`` and on the portal."""
        return base64.b64encode(ALGORITHM + self.number + self.raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """The key number in hex, as messages name a key."""
        return self.number.hex()

    def pub_file(self, comment: str) -> bytes:
        """A signify ``.pub`` file of this key."""
        return f"{COMMENT}{comment}\n{self.text}\n".encode()

    def verify(self, data: bytes, signature_file: bytes) -> str | None:
        """None when ``signature_file`` is this key's valid signature of ``data``; else what is wrong."""
        try:
            number, signature = read_signature(signature_file)
        except UnusableKey as exc:
            return str(exc)
        if number != self.number:
            return f"签名所用的密钥（编号 {number.hex()}）不是所信任的公钥（编号 {self.fingerprint}）"
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return "签名与文件内容不符（文件或签名被改动过）"
        return None


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key that signs releases."""

    key: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKey(raw)

    def sign(self, data: bytes, comment: str) -> bytes:
        """The signify signature file of ``data``."""
        signature = self.key.sign(data)
        line = base64.b64encode(ALGORITHM + self.public.number + signature).decode("ascii")
        return f"{COMMENT}{comment}\n{line}\n".encode()

    def pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def generate() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate())


def load_signing_key(path: Path) -> SigningKey:
    """The private key in the PEM file ``path``; ``UnusableKey`` saying what is wrong with it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnusableKey(f"{path}: 文件不存在") from None
    except IsADirectoryError:
        raise UnusableKey(f"{path}: 是文件夹，不是密钥文件") from None
    except OSError as exc:
        raise UnusableKey(f"{path}: 无法读取（{exc.strerror}）") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise UnusableKey(f"{path}: 私钥有口令保护，gongshi 只能使用未加密的 PEM 私钥") from None
    except (ValueError, UnsupportedAlgorithm):
        raise UnusableKey(f"{path}: 不是 PEM 格式的私钥（应以 -----BEGIN PRIVATE KEY----- 开头）") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UnusableKey(f"{path}: 不是 Ed25519 私钥（而是 {type(key).__name__}）") from None
    return SigningKey(key)


def write_signing_key(key: SigningKey, path: Path) -> None:
    """Write ``key`` as a new PEM file readable by its owner only (never over an existing file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.pem())


def parse_public_key(text: str) -> PublicKey:
    """A public key from its one-line form, or from the text of a signify ``.pub`` file."""
    line = _payload(text)
    raw = _decode(line, "公钥")
    if len(raw) != len(ALGORITHM) + KEYNUM_BYTES + PUBLIC_BYTES or not raw.startswith(ALGORITHM):
        raise UnusableKey(
            f"公钥 {_shown(line)} 不是 Ed25519 公钥（应为 gongshi keygen 给出的一行 RWQ… 文本）"
        )
    key = PublicKey(raw[len(ALGORITHM) + KEYNUM_BYTES :])
    if raw[len(ALGORITHM) : len(ALGORITHM) + KEYNUM_BYTES] != key.number:
        raise UnusableKey(f"公钥 {_shown(line)} 的密钥编号与密钥不符（文本可能被截断或改动）")
    return key


def read_signature(signature_file: bytes) -> tuple[bytes, bytes]:
    """(key number, signature) of a signify signature file."""
    try:
        text = signature_file.decode("ascii")
    except UnicodeDecodeError:
        raise UnusableKey("签名文件不是 signify 格式（含非 ASCII 字符）") from None
    raw = _decode(_payload(text), "签名")
    if len(raw) != len(ALGORITHM) + KEYNUM_BYTES + SIGNATURE_BYTES or not raw.startswith(ALGORITHM):
        raise UnusableKey("签名文件不是 Ed25519 签名（长度或算法不符）")
    return raw[len(ALGORITHM) : len(ALGORITHM) + KEYNUM_BYTES], raw[len(ALGORITHM) + KEYNUM_BYTES :]


def _payload(text: str) -> str:
    """The base64 line: the only line, or the line after signify's comment line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and lines[0].startswith(COMMENT.strip()):
        lines = lines[1:]
    return lines[0] if len(lines) == 1 else ""


def _decode(line: str, what: str) -> bytes:
    try:
        return base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        raise UnusableKey(f"{what} {_shown(line)} 不是有效的 base64 文本") from None


def _shown(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")
