"""Key material for a new installation or the demo: a county root certificate and the
service centre's seal certificate issued by it (`lianban keys init`).

A production installation uses a certificate issued by a real CA instead; settings point
to it (SEAL_CERT_FILE and friends, see docs/seal.md). Keys are ECDSA P-256: pyHanko signs
and validates them, and generating one takes milliseconds."""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT_CERT = "root.pem"
ROOT_KEY = "root-key.pem"
SEAL_CERT = "seal.pem"
SEAL_KEY = "seal-key.pem"
ALL_FILES = (ROOT_CERT, ROOT_KEY, SEAL_CERT, SEAL_KEY)

ROOT_YEARS = 20
SEAL_YEARS = 5


class KeysExist(Exception):
    """Existing keys are never overwritten by accident: documents already signed depend on them."""

    def __init__(self, paths: list[Path]):
        super().__init__(", ".join(str(p) for p in paths))
        self.paths = paths


@dataclass(frozen=True)
class KeyFiles:
    root_cert: Path
    root_key: Path
    seal_cert: Path
    seal_key: Path


def _name(organisation: str, common_name: str, unit: str = "") -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _years(start: dt.datetime, years: int) -> dt.datetime:
    return start + dt.timedelta(days=365 * years + years // 4)


def _key_usage(**on) -> x509.KeyUsage:
    flags = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    flags.update(on)
    return x509.KeyUsage(**flags)


def make_root(
    organisation: str, region_code: str, not_before: dt.datetime, years: int = ROOT_YEARS
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(organisation, f"联办电子印章根证书 {region_code}")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(_years(not_before, years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def make_seal(
    organisation: str,
    root: x509.Certificate,
    root_key: ec.EllipticCurvePrivateKey,
    not_before: dt.datetime,
    years: int = SEAL_YEARS,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(organisation, organisation, unit="电子印章"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(min(_years(not_before, years), root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return cert, key


def _write_private(path: Path, data: bytes) -> None:
    """Mode 0600 from the first byte: the key is never readable by others, not even briefly."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def init_keys(
    keys_dir: Path,
    *,
    organisation: str,
    region_code: str,
    not_before: dt.datetime,
    force: bool = False,
    root_years: int = ROOT_YEARS,
    seal_years: int = SEAL_YEARS,
) -> KeyFiles:
    """Create the root and the seal certificate under keys_dir. Refuses to overwrite any
    existing file unless force: a replaced root makes every issued document unverifiable."""
    keys_dir = Path(keys_dir)
    files = KeyFiles(*(keys_dir / name for name in ALL_FILES))
    existing = [
        p for p in (files.root_cert, files.root_key, files.seal_cert, files.seal_key) if p.exists()
    ]
    if existing and not force:
        raise KeysExist(existing)
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    root, root_key = make_root(organisation, region_code, not_before, root_years)
    seal, seal_key = make_seal(organisation, root, root_key, not_before, seal_years)
    files.root_cert.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    files.seal_cert.write_bytes(seal.public_bytes(serialization.Encoding.PEM))
    _write_private(files.root_key, _key_pem(root_key))
    _write_private(files.seal_key, _key_pem(seal_key))
    return files
