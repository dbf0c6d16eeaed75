"""Hostile uploads: each is refused by content before anything is stored, with a message that
names the file; what is accepted is stored under a generated name, whatever it was called."""

import io
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import uploads
from cases.models import Case, CaseMaterial
from lianban.errors import DomainError

from .conftest import TRIED, snapshot

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def ofd(**entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        for name, data in entries.items():
            package.writestr(name, data)
    return buffer.getvalue()


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def object_stream(inner: bytes) -> bytes:
    packed = zlib.compress(inner)
    return (
        b"5 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>\nstream\n"
        % len(packed)
        + packed
        + b"\nendstream\nendobj"
    )


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refused(name, content, message):
    TRIED["upload check (cases/uploads.py)"] += 1
    with pytest.raises(DomainError) as caught:
        uploads.check_upload(upload(name, content))
    assert message in str(caught.value.message)


# ---- by content -------------------------------------------------------------------------

NOT_A_PAPER = [
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PE\x00\x00" + b"\x00" * 200),
    ("page.pdf", b"<!doctype html><script>alert(1)</script>"),
    ("image.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ("anim.jpg", b"GIF89a\x01\x00\x01\x00"),
    ("elf.ofd", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),
    ("shell.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ("late.pdf", b" %PDF-1.4\n"),  # the signature must open the file
]


@pytest.mark.parametrize(("name", "content"), NOT_A_PAPER)
def test_a_file_that_is_not_a_pdf_jpeg_png_or_ofd_is_refused_whatever_its_name(name, content):
    refused(name, content, "不是 PDF、JPEG、PNG 或 OFD 文件")


def test_an_empty_file_is_refused():
    refused("empty.pdf", b"", "是空的")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.jpg", JPEG, "image/jpeg"),
        ("a.png", PNG, "image/png"),
        ("a.ofd", ofd(**{"Doc_0/Document.xml": "<x/>"}), "application/ofd"),
        ("named-wrongly.exe", PDF, "application/pdf"),
    ],
)
def test_papers_are_typed_by_content_not_by_name(name, content, content_type):
    TRIED["upload check (cases/uploads.py)"] += 1
    checked = uploads.check_upload(upload(name, content, "application/x-msdownload"))
    assert checked.content_type == content_type


ACTIVE_PDFS = {
    "/JavaScript action": pdf_with(
        b"1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj"
    ),
    "/JS by reference": pdf_with(
        b"1 0 obj<</Names<</JavaScript 3 0 R>>>>endobj 3 0 obj<</JS 4 0 R>>endobj"
    ),
    "/Launch": pdf_with(b"1 0 obj<</OpenAction<</S/Launch/F(cmd.exe)>>>>endobj"),
    "/OpenAction dictionary": pdf_with(b"1 0 obj<</OpenAction <</S/URI/URI(http://x)>>>>endobj"),
    "/AA on a page": pdf_with(b"3 0 obj<</Type/Page/AA<</O 6 0 R>>>>endobj"),
    "/SubmitForm": pdf_with(b"6 0 obj<</S/SubmitForm/F(http://x)>>endobj"),
    "/EmbeddedFile": pdf_with(
        b"7 0 obj<</Type/EmbeddedFile/Length 3>>stream\nabc\nendstream endobj"
    ),
    "escaped name /J#61vaScript": pdf_with(
        b"1 0 obj<</OpenAction<</S/J#61vaScript/J#53(x)>>>>endobj"
    ),
    "script in a compressed object stream": pdf_with(
        object_stream(b"6 0 <</S/JavaScript/JS(app.alert(1))>>")
    ),
    "object stream that does not inflate": pdf_with(
        b"5 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length 9>>\nstream\n"
        b"not zlib!\nendstream\nendobj"
    ),
}


@pytest.mark.parametrize("label", list(ACTIVE_PDFS))
def test_a_pdf_that_can_act_when_opened_is_refused(label):
    refused("paper.pdf", ACTIVE_PDFS[label], "含有脚本或嵌入内容")


@pytest.mark.parametrize(
    "body",
    [
        b"1 0 obj<</Type/Catalog/OpenAction [3 0 R /Fit]>>endobj",  # a page to open at
        b"4 0 obj<</Length 12>>stream\nxx/JS yy/AA \nendstream endobj",  # bytes of a picture
        object_stream(b"6 0 <</Type/Font/BaseFont/JSong>>"),  # /JSong is not /JS
    ],
)
def test_ordinary_pdfs_are_not_mistaken_for_active_ones(body):
    TRIED["upload check (cases/uploads.py)"] += 1
    assert (
        uploads.check_upload(upload("paper.pdf", pdf_with(body))).content_type == "application/pdf"
    )


# ---- zip bombs and broken OFD packages -----------------------------------------------------


def test_a_small_ofd_that_unpacks_huge_is_refused_without_unpacking_it():
    TRIED["upload check (cases/uploads.py)"] += 1
    bomb = ofd(**{"Doc_0/Res/zeros.bin": b"\x00" * (50 * 1024 * 1024)})
    assert len(bomb) < 200_000
    started = time.perf_counter()
    refused("bomb.ofd", bomb, "压缩炸弹")
    assert time.perf_counter() - started < 0.5


def test_an_ofd_whose_directory_claims_a_huge_size_is_refused():
    package = bytearray(ofd(**{"Doc_0/a.xml": b"<a/>" * 10}))
    # The central directory's "uncompressed size" of the last entry, made 3 GB.
    central = package.rfind(b"PK\x01\x02")
    package[central + 24 : central + 28] = (3 * 1024**3).to_bytes(4, "little")
    refused("liar.ofd", bytes(package), "压缩炸弹")


@pytest.mark.parametrize(
    ("label", "content"),
    [
        ("truncated", ofd(**{"Doc_0/a.xml": "<a/>" * 1000})[:150]),
        ("no OFD.xml", b"PK\x03\x04" + b"\x00" * 100),
        ("a zip that is not an OFD", b"".join([ofd()[:0], _plain_zip := b""]) or None),
    ],
)
def test_a_broken_ofd_is_refused(label, content):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("word/document.xml", "<w/>")
        content = buffer.getvalue()
    refused("broken.ofd", content, "不是有效的 OFD 文件")


# ---- sizes ------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1024
    refused("big.pdf", PDF + b"0" * 2000, "超过 0 MB 的上限")


# ---- through the application form: nothing written, generated names ------------------


@pytest.fixture
def apply_with(client, travel, catalog, applicant):
    travel(2026, 2, 10)
    client.force_login(applicant)

    def post(files: dict):
        return client.post(
            f"/cases/apply/?project={catalog['project'].pk}",
            {"title": "厂房项目", **{f"material_{catalog[k].pk}": f for k, f in files.items()}},
        )

    return post


def papers(**override):
    files = {k: upload(f"{k}.pdf", PDF) for k in ("form", "filing", "drawings")}
    return files | override


@pytest.mark.parametrize(
    ("label", "paper", "message"),
    [
        ("exe named .pdf", upload("x.pdf", NOT_A_PAPER[0][1]), "不是 PDF"),
        ("pdf with JavaScript", upload("x.pdf", ACTIVE_PDFS["/JavaScript action"]), "含有脚本"),
        ("zip bomb", upload("x.ofd", ofd(z=b"\x00" * (20 * 1024 * 1024))), "压缩炸弹"),
        ("empty", upload("x.pdf", b""), "所提交的是空文件"),
    ],
)
def test_one_bad_paper_refuses_the_whole_application_and_writes_nothing(
    apply_with, label, paper, message
):
    TRIED["POST /cases/apply/ (files)"] += 1
    before = snapshot()
    response = apply_with(papers(filing=paper))
    assert response.status_code == 400 and message in response.content.decode()
    assert snapshot() == before


def test_papers_over_the_case_total_are_refused_and_nothing_is_written(apply_with, settings):
    TRIED["POST /cases/apply/ (files)"] += 1
    settings.UPLOAD_MAX_FILE_BYTES = 3 * 1024 * 1024
    settings.UPLOAD_MAX_CASE_BYTES = 5 * 1024 * 1024
    big = PDF + b"0" * (2 * 1024 * 1024)
    before = snapshot()
    response = apply_with({k: upload(f"{k}.pdf", big) for k in ("form", "filing", "drawings")})
    assert response.status_code == 400 and "合计超过 5 MB" in response.content.decode()
    assert snapshot() == before


HOSTILE_NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\x.pdf",
    "/var/lib/lianban/keys/seal.pdf",
    "a/b/../c.pdf",
    "..",
    "nul\x00byte.pdf",
    "\u202efdp.exe",
    "esc\x1b[2Jname.pdf",
    "长" * 300 + ".pdf",
    "<script>alert(1)</script>.pdf",
]


class Named:
    """An upload exactly as named, which Django's test client would have sanitised."""

    def __init__(self, name, content):
        self.name, self._content, self.size = name, content, len(content)

    def read(self):
        return self._content


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_kept_only_as_a_clean_display_name(name):
    TRIED["upload check (cases/uploads.py)"] += 1
    checked = uploads.check_upload(Named(name, PDF))
    assert "/" not in checked.name and "\\" not in checked.name and checked.name != ".."
    assert all(c.isprintable() for c in checked.name) and 0 < len(checked.name) <= 150


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----lianbanhostile"
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for key, (name, content) in files.items():
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"'
            "\r\nContent-Type: application/pdf\r\n\r\n"
        )
        parts.append(header.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if '"' not in n and "\x00" not in n])
def test_a_hostile_file_name_is_stored_under_a_generated_name(
    client, travel, catalog, applicant, name
):
    TRIED["POST /cases/apply/ (file names)"] += 1
    travel(2026, 2, 10)
    client.force_login(applicant)
    files = {f"material_{catalog[k].pk}": (f"{k}.pdf", PDF) for k in ("form", "drawings")}
    files[f"material_{catalog['filing'].pk}"] = (name, PDF)
    data, boundary = multipart({"title": "厂房项目"}, files)
    response = client.generic(
        "POST",
        f"/cases/apply/?project={catalog['project'].pk}",
        data,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    for material in CaseMaterial.objects.filter(case=Case.objects.get()):
        stored = material.file.name
        assert stored.startswith("cases/2026/02/") and stored.endswith(".pdf")
        assert len(stored.rsplit("/", 1)[1]) == 36  # 32 hex digits and .pdf
        assert "/" not in material.original_name and "\\" not in material.original_name
        assert all(c.isprintable() for c in material.original_name)
        assert len(material.original_name) <= 150


def test_papers_are_served_without_sniffing_and_only_to_those_who_see_the_case(
    client, apply_with, charlie
):
    TRIED["GET /cases/materials/<pk>/"] += 1
    apply_with(papers(filing=upload("<b>x</b>.ofd", ofd())))
    paper = CaseMaterial.objects.get(content_type="application/ofd")
    client.force_login(charlie)
    assert client.get(f"/cases/materials/{paper.pk}/").status_code == 404
    client.force_login(paper.case.applicant)
    response = client.get(f"/cases/materials/{paper.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()
