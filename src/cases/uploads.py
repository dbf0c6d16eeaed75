"""Uploaded papers: checked by content, stored under generated names, never trusted by name.

`check_upload` refuses a file before anything is written; `store` writes it and returns what
the CaseMaterial row records. The engine deletes stored files again if its transaction fails
(`discard`); a file left by a process killed before its commit is found by `orphans`
(`lianban audit files`)."""

import datetime as dt
import hashlib
import os
import re
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.utils.translation import gettext as _

from lianban import clock
from lianban.errors import DomainError

# Signatures by content. OFD (GB/T 33190) is a zip package with OFD.xml at its root.
_SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"PK\x03\x04", "application/ofd", ".ofd"),
]
# What can act when a PDF is opened: scripts, launching programs, submitting or importing
# data, embedded files and media, XFA forms, additional actions (/AA), and an /OpenAction
# that is an action dictionary (a plain page destination, [3 0 R /Fit], is harmless). Names
# may be written with #xx escapes (/J#61vaScript) and may hide in compressed object streams.
# What a file picker offers, so that the browser filters before anything is sent.
ACCEPTED_EXTENSIONS = ",".join(sorted({ext for _sig, _type, ext in _SIGNATURES} | {".jpeg"}))
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|SubmitForm|ImportData|EmbeddedFiles?|RichMedia|XFA|AA)"
    rb"(?![A-Za-z0-9])|/OpenAction\s*<<"
)
_PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream\r?\n")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_INFLATE_BUDGET = 64 * 1024 * 1024  # bytes inflated from object streams, in all
_MAX_OFD_EXPANSION = 50


@dataclass
class CheckedUpload:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def clean_name(name: str) -> str:
    """A display name without path parts or control characters; never used as a path."""
    name = PurePosixPath((name or "").replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:150] if name.strip(".") else "file"


def _fail(message: str, field: str) -> DomainError:
    return DomainError(message, code="bad_upload", field=field)


def check_upload(uploaded, *, field: str = "file") -> CheckedUpload:
    name = clean_name(getattr(uploaded, "name", ""))
    if uploaded.size > settings.UPLOAD_MAX_FILE_BYTES:
        raise _fail(
            _("文件“%(name)s”超过 %(mb)d MB 的上限。")
            % {"name": name, "mb": settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024)},
            field,
        )
    content = uploaded.read()
    if not content:
        raise _fail(_("文件“%(name)s”是空的。") % {"name": name}, field)
    match = next(((ct, ext) for magic, ct, ext in _SIGNATURES if content.startswith(magic)), None)
    if match is None:
        raise _fail(
            _("文件“%(name)s”不是 PDF、JPEG、PNG 或 OFD 文件（按文件内容判断）。") % {"name": name},
            field,
        )
    content_type, ext = match
    if content_type == "application/pdf" and pdf_is_active(content):
        raise _fail(
            _("文件“%(name)s”含有脚本或嵌入内容，出于安全原因不予接收。") % {"name": name}, field
        )
    if content_type == "application/ofd":
        _check_ofd(content, name, field)
    return CheckedUpload(name, content, content_type, ext, hashlib.sha256(content).hexdigest())


def pdf_is_active(content: bytes) -> bool:
    """Whether the PDF holds anything that acts when it is opened (see _PDF_ACTIVE). Stream
    data is skipped (image bytes would match by chance), except object streams, which hold
    dictionaries and are inflated within a budget; a stream that will not inflate is
    suspicious enough to refuse."""
    budget = _PDF_INFLATE_BUDGET
    pos = 0
    while True:
        start = _PDF_STREAM.search(content, pos)
        head = content[pos : start.start() if start else len(content)]
        if _PDF_ACTIVE.search(_unescape_names(head)):
            return True
        if start is None:
            return False
        end = content.find(b"endstream", start.end())
        end = len(content) if end < 0 else end
        dictionary = _unescape_names(head[max(head.rfind(b"obj"), len(head) - 4096) :])
        if b"/ObjStm" in dictionary:
            data = content[start.end() : end]
            if b"/FlateDecode" in dictionary:
                try:
                    inflater = zlib.decompressobj()
                    data = inflater.decompress(data, budget)
                except zlib.error:
                    return True
                budget -= len(data)
                if budget <= 0:
                    return True
            if _PDF_ACTIVE.search(_unescape_names(data)):
                return True
        pos = end + len(b"endstream")


def _unescape_names(data: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), data)


def _check_ofd(content: bytes, name: str, field: str) -> None:
    try:
        with zipfile.ZipFile(BytesIO(content)) as package:
            infos = package.infolist()
            names = {i.filename for i in infos}
            expanded = sum(i.file_size for i in infos)
    except zipfile.BadZipFile:
        raise _fail(_("文件“%(name)s”不是有效的 OFD 文件。") % {"name": name}, field) from None
    if "OFD.xml" not in names:
        raise _fail(_("文件“%(name)s”不是有效的 OFD 文件。") % {"name": name}, field)
    if (
        expanded > max(len(content), 1) * _MAX_OFD_EXPANSION
        or expanded > settings.UPLOAD_MAX_FILE_BYTES * 5
    ):
        raise _fail(_("文件“%(name)s”解压后过大，疑似压缩炸弹，不予接收。") % {"name": name}, field)


def check_case_total(uploads: list[CheckedUpload], already: int = 0) -> None:
    total = already + sum(u.size for u in uploads)
    if total > settings.UPLOAD_MAX_CASE_BYTES:
        raise DomainError(
            _("本件材料合计超过 %(mb)d MB 的上限。")
            % {"mb": settings.UPLOAD_MAX_CASE_BYTES // (1024 * 1024)},
            code="bad_upload",
        )


def store(upload: CheckedUpload) -> str:
    """Write under a generated name; returns the storage path."""
    today = clock.today()
    path = f"cases/{today:%Y/%m}/{secrets.token_hex(16)}{upload.extension}"
    return default_storage.save(path, ContentFile(upload.content))


def discard(paths: list[str]) -> None:
    """Delete files stored by a transaction that failed, except those a row names: when
    the COMMIT itself failed (the connection died), the server may have committed all the
    same. If the database cannot say, every file stays for `orphans` to judge later."""
    if not paths:
        return
    from .models import CaseMaterial

    try:
        named = set(CaseMaterial.objects.filter(file__in=paths).values_list("file", flat=True))
    except DatabaseError:
        return
    for path in paths:
        if path in named:
            continue
        try:
            default_storage.delete(path)
        except OSError:
            pass


def orphans(older_than: dt.timedelta) -> list[str]:
    """Stored case papers that no row names, written more than `older_than` ago (younger ones
    may belong to a transaction still running). A process killed between writing a file and
    committing its row leaves one."""
    from .models import CaseMaterial

    root = Path(settings.MEDIA_ROOT)
    if not (root / "cases").is_dir():
        return []
    cutoff = (clock.now() - older_than).timestamp()
    named = set(CaseMaterial.objects.values_list("file", flat=True))
    found = []
    for directory, _dirs, files in os.walk(root / "cases"):
        for name in files:
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            if relative not in named and path.stat().st_mtime <= cutoff:
                found.append(relative)
    return sorted(found)
