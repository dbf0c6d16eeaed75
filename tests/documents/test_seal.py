"""The digital seal: a PAdES signature pyHanko's own validator accepts against our root."""

import datetime as dt
from io import BytesIO

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents import keys, seal
from documents.verify import check_signature

from .conftest import partial_data, rendered


@pytest.fixture
def partial():
    return rendered(partial_data())


@pytest.fixture
def signed(partial):
    with seal.seal_signer() as signer:
        return seal.sign(
            partial.content, signer, placement=partial.seal, reason="批复文件 示审批〔2026〕12号"
        )


def test_signature_validates_with_pyhanko_against_our_root(signed, seal_keys):
    root = load_cert_from_pemder(str(seal_keys.root_cert))
    embedded = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert len(embedded) == 1
    status = validate_pdf_signature(embedded[0], ValidationContext(trust_roots=[root]))
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["organization_name"] == "示范县行政审批局"
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


def test_signature_widget_lies_over_the_visible_seal(signed, partial):
    reader = PdfFileReader(BytesIO(signed))
    field = reader.embedded_signatures[0].sig_field
    rect = [float(v) for v in field["/Rect"]]
    x1, y1, x2, y2 = partial.seal.box
    assert rect == pytest.approx([x1, y1, x2, y2], abs=1)


def test_one_changed_byte_breaks_the_signature(signed, seal_keys):
    root = load_cert_from_pemder(str(seal_keys.root_cert))
    position = signed.index(b"/Producer")  # inside the signed range, outside any stream
    changed = signed[:position] + b"/Producex" + signed[position + 9 :]
    check = check_signature(changed, root)
    assert check.present
    assert not check.intact
    assert not check.ok


def test_a_signature_under_another_root_is_not_trusted(signed, tmp_path):
    stranger = keys.init_keys(
        tmp_path / "other",
        organisation="他县审批局",
        region_code="139998",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        seal_years=50,
        root_years=50,
    )
    check = check_signature(signed, load_cert_from_pemder(str(stranger.root_cert)))
    assert check.intact and check.valid
    assert not check.trusted
    assert not check.ok


def test_anything_appended_after_signing_is_noticed(signed, seal_keys):
    root = load_cert_from_pemder(str(seal_keys.root_cert))
    check = check_signature(signed + b"\n% appended\n", root)
    assert check.intact and check.trusted
    assert not check.whole_file
    assert not check.ok


def test_missing_seal_key_is_reported_plainly(settings, tmp_path):
    settings.KEYS_DIR = tmp_path / "empty"
    with pytest.raises(seal.SealUnavailable, match="lianban keys init"), seal.seal_signer():
        pass
