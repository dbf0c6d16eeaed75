"""The seal, in both of its forms: the red round seal a reader sees, drawn by our own code
(never a bitmap of a real seal), and the PAdES signature by the service centre's seal
certificate that makes the file verifiable. Settings say where the key lives (docs/seal.md)."""

import asyncio
import html
import math
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.stamp import NoOpStampStyle

from . import keys

SEAL_RED = "#e60012"
FIELD_NAME = "Seal"


class SealUnavailable(Exception):
    """The seal key or certificate cannot be loaded; nothing can be issued until it can."""


# ---- the visible seal ------------------------------------------------------------------


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(54))
    points = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = math.radians(-90 + 36 * k)
        points.append(f"{cx + r * math.cos(a):.2f},{cy + r * math.sin(a):.2f}")
    return " ".join(points)


def draw_seal(name: str, *, size_mm: float = 42) -> str:
    """An official round seal as inline SVG: a red ring, the issuing body's name along the
    upper arc read clockwise, a five-pointed star in the middle. 42 mm is the diameter of a
    county body's seal. WeasyPrint has no textPath, so each character is placed and turned
    by hand."""
    chars = [c for c in name if not c.isspace()] or ["印"]
    n = len(chars)
    font = 34 if n <= 8 else max(18, int(272 / n))
    radius = 95 - 8 - font * 0.62  # the characters' centres, inside the ring
    span = min(250.0, 33.0 * (n - 1)) if n > 1 else 0.0
    step = span / (n - 1) if n > 1 else 0.0
    glyphs = []
    for i, char in enumerate(chars):
        angle = -span / 2 + i * step
        a = math.radians(angle)
        x = 100 + radius * math.sin(a)
        y = 100 - radius * math.cos(a)
        glyphs.append(
            f'<text x="0" y="{font * 0.36:.2f}" text-anchor="middle" '
            f'transform="translate({x:.2f} {y:.2f}) rotate({angle:.2f})">{html.escape(char)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="seal" viewBox="0 0 200 200" '
        f'width="{size_mm}mm" height="{size_mm}mm" role="img" aria-label="{html.escape(name)}">'
        f'<circle cx="100" cy="100" r="95" fill="none" stroke="{SEAL_RED}" stroke-width="5"/>'
        f'<polygon points="{_star(100, 104, 30)}" fill="{SEAL_RED}"/>'
        f'<g fill="{SEAL_RED}" font-family="Noto Serif CJK SC" font-weight="bold" '
        f'font-size="{font}">{"".join(glyphs)}</g>'
        "</svg>"
    )


# ---- the digital seal ------------------------------------------------------------------


@dataclass(frozen=True)
class SealPlacement:
    """Where the visible seal sits: page index and a box in PDF points (lower-left origin).
    The signature's widget goes over it, so a PDF reader shows the signature on a click."""

    page: int
    box: tuple[float, float, float, float]


def _configured(name: str, default: str) -> Path:
    value = getattr(settings, name, "")
    return Path(value) if value else Path(settings.KEYS_DIR) / default


def cert_file() -> Path:
    return _configured("SEAL_CERT_FILE", keys.SEAL_CERT)


def key_file() -> Path:
    return _configured("SEAL_KEY_FILE", keys.SEAL_KEY)


def root_file() -> Path:
    return _configured("SEAL_ROOT_CERT_FILE", keys.ROOT_CERT)


def _passphrase() -> bytes | None:
    path = settings.SEAL_KEY_PASSPHRASE_FILE
    if not path:
        return None
    return Path(path).read_bytes().strip()


def _missing(path: Path) -> SealUnavailable:
    return SealUnavailable(
        _("找不到电子印章文件 %(path)s。请先运行 lianban keys init，或在设置中指定印章证书。")
        % {"path": path}
    )


def load_root():
    """The trust root documents are validated against (an asn1crypto certificate)."""
    path = root_file()
    if not path.exists():
        raise _missing(path)
    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as exc:
        raise SealUnavailable(
            _("无法读取根证书 %(path)s：%(error)s") % {"path": path, "error": exc}
        ) from None


@contextmanager
def seal_signer():
    """The signer for the service centre's seal: a PKCS#11 token when SEAL_PKCS11_MODULE is
    set (the key never leaves it), else the key file. The root goes into the signature so a
    reader can build the whole chain."""
    root = load_root()
    if settings.SEAL_PKCS11_MODULE:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        pin = _passphrase()
        session = open_pkcs11_session(
            settings.SEAL_PKCS11_MODULE,
            token_criteria=TokenCriteria(label=settings.SEAL_PKCS11_TOKEN_LABEL or None),
            user_pin=pin.decode() if pin else None,
        )
        try:
            signing_cert = None
            if settings.SEAL_CERT_FILE:
                signing_cert = load_cert_from_pemder(settings.SEAL_CERT_FILE)
            yield PKCS11Signer(
                session,
                key_label=settings.SEAL_PKCS11_KEY_LABEL,
                signing_cert=signing_cert,
                ca_chain=[root],
            )
        finally:
            session.close()
        return
    for path in (cert_file(), key_file()):
        if not path.exists():
            raise _missing(path)
    signer = signers.SimpleSigner.load(
        str(key_file()), str(cert_file()), key_passphrase=_passphrase(), other_certs=[root]
    )
    if signer is None:
        raise SealUnavailable(_("无法读取电子印章的私钥或证书（口令是否正确？）。"))
    yield signer


def outside_event_loop(call, *args, **kwargs):
    """call(*args, **kwargs) where no event loop runs. pyHanko's synchronous functions run
    their coroutines with asyncio.run, which a thread with a running loop refuses: an async
    caller's, or a test's that drives a browser with Playwright's sync API and accepts a
    case directly (the voucher is issued after that commit, in the same thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call, *args, **kwargs).result()


def sign(
    pdf: bytes,
    signer,
    *,
    placement: SealPlacement | None = None,
    reason: str = "",
    location: str = "",
) -> bytes:
    """Sign pdf as a PAdES certification signature that allows no later change. The visible
    seal is already part of the page; the widget carries no appearance of its own."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=reason or None,
        location=location or None,
    )
    spec = fields.SigFieldSpec(
        FIELD_NAME,
        on_page=placement.page if placement else 0,
        box=tuple(round(v) for v in placement.box) if placement else None,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, stamp_style=NoOpStampStyle(), new_field_spec=spec
    )
    return outside_event_loop(pdf_signer.sign_pdf, writer).getvalue()


def describe(cert) -> str:
    """Who a certificate names, as a reader would say it: 示范县行政审批局（电子印章）."""
    subject = cert.subject.native
    name = subject.get("organization_name") or subject.get("common_name") or ""
    unit = subject.get("organizational_unit_name") or ""
    if isinstance(name, list):
        name = name[0]
    if isinstance(unit, list):
        unit = unit[0]
    return f"{name}（{unit}）" if unit else name
