"""`lianban keys init`: a county root and the seal certificate, keys readable by the owner only."""

import datetime as dt
import stat

import pytest
from cryptography import x509
from django.core.management import call_command
from django.core.management.base import CommandError

from documents import keys


def _cert(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def _init(directory, **extra):
    return keys.init_keys(
        directory,
        organisation="示范县行政审批局",
        region_code="139999",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        **extra,
    )


def test_private_keys_are_readable_by_their_owner_only(tmp_path):
    files = _init(tmp_path / "keys")
    assert stat.S_IMODE(files.root_key.stat().st_mode) == 0o600
    assert stat.S_IMODE(files.seal_key.stat().st_mode) == 0o600


def test_root_is_a_ca_and_issues_the_seal_certificate(tmp_path):
    files = _init(tmp_path / "keys")
    root, seal = _cert(files.root_cert), _cert(files.seal_cert)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not seal.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert seal.issuer == root.subject
    seal.verify_directly_issued_by(root)
    usage = seal.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment  # nonRepudiation
    assert not usage.key_cert_sign


def test_existing_keys_are_never_overwritten_without_force(tmp_path):
    files = _init(tmp_path / "keys")
    before = files.seal_cert.read_bytes()
    with pytest.raises(keys.KeysExist):
        _init(tmp_path / "keys")
    assert files.seal_cert.read_bytes() == before
    _init(tmp_path / "keys", force=True)
    assert files.seal_cert.read_bytes() != before


def test_command_creates_keys_under_keys_dir_and_refuses_a_second_time(settings, tmp_path, capsys):
    settings.KEYS_DIR = tmp_path / "var-keys"
    call_command("keys", "init")
    assert (tmp_path / "var-keys" / "seal.pem").exists()
    with pytest.raises(CommandError, match="--force"):
        call_command("keys", "init")
    call_command("keys", "init", "--force")
    assert "印章证书" in capsys.readouterr().out
