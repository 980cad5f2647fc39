"""The package file: a public header and an encrypted, authenticated body (DESIGN.md §7).

Layout of a ``.ylt`` file::

    b"YLTPKG" + format byte (1)
    4 bytes big-endian: length of the header
    header: UTF-8 JSON, public (no personal data): kind, consortium id and name, member id and
            name, quarter, created at, package id, the KDF's parameters, the body's size
    key check: 12-byte nonce + 16-byte tag, AES-256-GCM over nothing (associated data
            ``KEY_CHECK``): tells a wrong passphrase from an altered body
    body: 12-byte nonce + AES-256-GCM ciphertext and tag of the zlib-compressed JSON content,
            the magic and header as associated data (so the header cannot be altered either)

The key is scrypt (``hashlib.scrypt``) of the consortium's exchange passphrase, salted with the
consortium's exchange id, with the cost stored in the header; AES-GCM is ``cryptography``'s.
Nothing here is home-made crypto: only the framing. No Qt, no SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"YLTPKG"
FORMAT = 1
KEY_CHECK = b"YLT exchange key check"
NONCE = 12
TAG = 16
MAX_HEADER = 64 * 1024
MAX_CONTENT = 512 * 1024 * 1024  # decompressed: a package of a whole county is a few MB
_MAXMEM = 128 * 1024 * 1024
# The KDF's cost bounds a header may name (a forged header must not make us spin for hours).
MIN_N, MAX_N = 2**4, 2**20


MAX_FILE = 256 * 1024 * 1024
BAD_CONTENT = (
    "数据包的内容格式不符，不能使用（可能由不同版本的程序生成）：请让对方用相同版本的程序重新生成"
)


class PackageRefused(Exception):
    """A package that cannot be used; ``str(exc)`` is a Chinese message naming what is wrong.
    Nothing has been changed when it is raised."""


@dataclass(frozen=True)
class Sealed:
    """A package file as read: its public header and the raw encrypted parts."""

    header: dict[str, Any]
    header_bytes: bytes
    key_check: bytes
    body: bytes
    sha256: str

    @property
    def kind(self) -> str:
        return str(self.header.get("kind", ""))


def scrypt_cost() -> dict[str, int]:
    """The program's scrypt cost (store/passwords.py; the test suite lowers it)."""
    from ylt_desktop.store.passwords import current_cost

    return current_cost()


def derive_key(passphrase: str, salt: str, cost: dict[str, int]) -> bytes:
    try:
        n, r, p = (int(cost.get(k, 0)) for k in ("n", "r", "p"))
    except (TypeError, ValueError, AttributeError):
        n = r = p = 0
    fits = 128 * n * r * 2 <= _MAXMEM  # scrypt's memory, with room (a forged header)
    if not (MIN_N <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4 and fits):
        raise PackageRefused("数据包的加密参数不正确：文件已损坏或不是本程序生成的数据包")
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt.encode("utf-8"), n=n, r=r, p=p, dklen=32,
        maxmem=_MAXMEM,
    )  # fmt: skip


class Keys:
    """Derives each (passphrase, salt, cost) key once: opening 45 packages runs scrypt once."""

    def __init__(self, passphrase: str) -> None:
        self._passphrase = passphrase
        self._keys: dict[tuple, bytes] = {}

    def key(self, salt: str, cost: dict[str, int]) -> bytes:
        ident = (salt, tuple(sorted(cost.items())))
        if ident not in self._keys:
            self._keys[ident] = derive_key(self._passphrase, salt, cost)
        return self._keys[ident]


def _aead(key: bytes):  # noqa: ANN202 - cryptography is imported only when packages are used
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def seal(header: dict[str, Any], content: dict[str, Any], key: bytes) -> bytes:
    """The file's bytes: ``header`` (public) and ``content`` (encrypted) under ``key``."""
    aead = _aead(key)
    plain = zlib.compress(canonical(content), 6)
    body_nonce, check_nonce = os.urandom(NONCE), os.urandom(NONCE)
    size = NONCE + len(plain) + TAG
    header_bytes = canonical({**header, "format": FORMAT, "size": size})
    prefix = MAGIC + bytes([FORMAT]) + struct.pack(">I", len(header_bytes)) + header_bytes
    check = check_nonce + aead.encrypt(check_nonce, b"", KEY_CHECK)
    body = body_nonce + aead.encrypt(body_nonce, plain, prefix)
    return prefix + check + body


def read_sealed(data: bytes) -> Sealed:
    """Split a file's bytes; refuses what is not a package, or is cut short."""
    head = len(MAGIC) + 1 + 4
    if len(data) < head or not data.startswith(MAGIC):
        raise PackageRefused("不是本程序生成的数据包（文件开头不符），或文件已严重损坏")
    if data[len(MAGIC)] != FORMAT:
        raise PackageRefused(
            f"数据包的格式版本（{data[len(MAGIC)]}）本程序不认识，请使用新版本的程序打开"
        )
    (length,) = struct.unpack(">I", data[len(MAGIC) + 1 : head])
    if length > MAX_HEADER:
        raise PackageRefused("数据包的文件头已损坏（长度不正确）")
    if len(data) < head + length:
        raise PackageRefused("数据包不完整（文件被截断），请重新复制或让对方重新生成")
    header_bytes = data[head : head + length]
    try:
        header = json.loads(header_bytes.decode("utf-8"))
        if not isinstance(header, dict):
            raise ValueError
    except ValueError:
        raise PackageRefused("数据包的文件头已损坏，无法读取") from None
    rest = data[head + length :]
    size = header.get("size")
    if not isinstance(size, int) or size < NONCE + TAG:
        raise PackageRefused("数据包的文件头已损坏（内容长度不正确）")
    if len(rest) < NONCE + TAG + size:
        raise PackageRefused("数据包不完整（文件被截断），请重新复制或让对方重新生成")
    if len(rest) > NONCE + TAG + size:
        raise PackageRefused("数据包的末尾多出了内容：文件已被改动或损坏")
    return Sealed(
        header=header,
        header_bytes=header_bytes,
        key_check=rest[: NONCE + TAG],
        body=rest[NONCE + TAG :],
        sha256=hashlib.sha256(data).hexdigest(),
    )


def read_file(path: str | Path) -> Sealed:
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_FILE:
            raise PackageRefused(
                f"文件过大（超过 {MAX_FILE // 1024 // 1024} MB），不是本程序的数据包：{path}"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise PackageRefused(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise PackageRefused(f"这是一个文件夹，不是数据包：{path}") from None
    except OSError as exc:  # the reason in Chinese (the system's words are English)
        from ylt_desktop.store.access import os_error_text

        raise PackageRefused(f"无法读取文件：{path}（{os_error_text(exc)}）") from None
    return read_sealed(data)


def unseal(sealed: Sealed, key: bytes) -> dict[str, Any]:
    """The decrypted content; refuses a wrong passphrase and an altered file, in those words."""
    from cryptography.exceptions import InvalidTag

    aead = _aead(key)
    check = sealed.key_check
    try:
        aead.decrypt(check[:NONCE], check[NONCE:], KEY_CHECK)
    except InvalidTag:
        raise PackageRefused(
            "交换口令不正确：这个数据包不是用本医联体当前的交换口令加密的，无法打开"
            "（请核对口令，或请对方用当前口令重新生成）"
        ) from None
    prefix = MAGIC + bytes([FORMAT]) + struct.pack(">I", len(sealed.header_bytes))
    try:
        plain = aead.decrypt(sealed.body[:NONCE], sealed.body[NONCE:], prefix + sealed.header_bytes)
    except InvalidTag:
        raise PackageRefused(
            "数据包已被改动或已损坏（加密校验不通过），不能使用：请让对方重新生成后再发送"
        ) from None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(plain, MAX_CONTENT)
        if inflater.unconsumed_tail:
            raise PackageRefused("数据包的内容过大，不像本程序生成的数据包")
        content = json.loads(text.decode("utf-8"))
    except (zlib.error, ValueError):
        raise PackageRefused("数据包的内容无法读取（格式不符）") from None
    if not isinstance(content, dict):
        raise PackageRefused("数据包的内容无法读取（格式不符）")
    return content


def part_digest(rows: Any) -> str:
    return hashlib.sha256(canonical(rows)).hexdigest()


def _host() -> str:
    import socket

    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


HOST = _host()
"""This PC, as a partial file's name carries it: a process id says something only on the PC
that wrote it (a shared folder holds other PCs' partials too)."""


def partial_path(path: Path) -> Path:
    """The temporary name ``path`` is written under: ``.~<name>.<pid>-<HOST>.partial`` (the
    process's id on this PC tells a killed writer's leftover from a live one's; before
    2026-11-30 it had no id, earlier that day no ``HOST``)."""
    return path.with_name(f".~{path.name}.{os.getpid()}-{HOST}.partial")


def write_atomically(path: Path, data: bytes) -> Path:
    """Write under a temporary name in the same folder, flush to disk, then rename; whatever
    fails, the temporary file is removed (one a killed process left: ``package.py:
    remove_stale_partials``)."""
    from ylt_desktop.durable import fsync_dir, fsync_file

    path = Path(path)
    temp = partial_path(path)
    try:
        with open(temp, "wb") as f:
            f.write(data)
        fsync_file(temp)
        os.replace(temp, path)
        fsync_dir(path.parent)
    finally:
        if temp.exists():
            temp.unlink()
    return path
