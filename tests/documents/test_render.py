"""The renderer: plain data in, an A4 PDF out, in Chinese, with the fonts embedded."""

import datetime as dt
import io
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from documents.render import (
    ItemDecision,
    cn_date,
    cn_ordinal,
    html,
    render,
    verification_url,
)
from documents.seal import draw_seal

from .conftest import SITE_URL, page_png, partial_data, pdf_text, rendered


@pytest.fixture
def partial():
    return rendered(partial_data())


def test_page_is_a4(partial):
    box = PdfReader(io.BytesIO(partial.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_chinese_text_is_extractable(partial, tmp_path):
    text = "".join(pdf_text(partial.content, tmp_path).split())
    assert "示范县行政审批局文件" in text
    assert "示审批〔2026〕12号" in text
    assert "示范机械制造有限公司（统一社会信用代码：91350100M000100Y43）" in text


def test_every_font_is_embedded(partial, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(partial.content)
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert lines, "the document uses fonts"
    # columns: name type encoding emb sub uni object-id gen
    assert all(line.split()[-5] == "yes" for line in lines), lines


def test_partial_approval_lists_both_parts_and_says_so(partial, tmp_path):
    text = "".join(pdf_text(partial.content, tmp_path).split())
    assert "本件部分准予许可：申请的2项事项中，准予许可1项，不予许可1项。" in text
    assert "一、准予许可的事项" in text
    assert (
        "建设用地规划许可（自然资源局）：准予许可，核发《建设用地规划许可证》，编号：地字第139999202600012号。"
        in text
    )
    assert "许可条件：容积率不大于1.2。" in text
    assert "二、不予许可的事项" in text
    assert (
        "建筑工程施工许可（住房城乡建设局）：不予许可。理由：施工图设计文件未经审查合格。" in text
    )
    assert "行政复议" in text  # a refusal states the remedy


def test_full_approval_has_no_refusal_section(tmp_path):
    data = partial_data(
        decision="approved",
        items=(
            ItemDecision("建设用地规划许可", "自然资源局", True, "建设用地规划许可证", "地字第1号"),
        ),
    )
    text = "".join(pdf_text(render(data).content, tmp_path).split())
    assert "本件准予许可。" in text
    assert "不予许可的事项" not in text
    assert "行政复议" not in text


def test_text_from_the_case_prints_literally(tmp_path):
    data = partial_data(project="<script>alert(1)</script>", party_name="A&B <b>公司</b>")
    markup = html(data)
    assert "<script>alert(1)</script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    text = "".join(pdf_text(render(data).content, tmp_path).split())
    assert "“<script>alert(1)</script>”审批申请" in text
    assert "A&B<b>公司</b>" in text


def test_qr_code_carries_the_public_verification_address(partial, tmp_path):
    png = page_png(partial.content, tmp_path, page=partial.pages, dpi=150)
    codes = zxingcpp.read_barcodes(Image.open(png))
    assert [c.text for c in codes] == [
        f"{SITE_URL}/documents/verify/?number=%E7%A4%BA%E5%AE%A1%E6%89%B9%E3%80%942026%E3%80%9512%E5%8F%B7"
    ]


def test_seal_is_red_and_pressed_over_the_date(partial, tmp_path):
    dpi = 80
    png = Image.open(page_png(partial.content, tmp_path, page=partial.seal.page + 1, dpi=dpi))
    rgb = png.convert("RGB")
    scale = dpi / 72
    x1, y1, x2, y2 = partial.seal.box
    height = rgb.height
    region = rgb.crop(
        (int(x1 * scale), int(height - y2 * scale), int(x2 * scale), int(height - y1 * scale))
    )
    pixels = [region.getpixel((x, y)) for x in range(region.width) for y in range(region.height)]
    red = sum(1 for r, g, b in pixels if r > 180 and g < 110 and b < 110)
    dark = sum(1 for r, g, b in pixels if r < 90 and g < 90 and b < 90)
    assert red > len(pixels) * 0.05, "the seal is red"
    assert dark > 20, "the issuing body and date show through the seal"


def test_seal_draws_the_name_as_text_not_markup():
    svg = draw_seal("<b>局</b>")
    assert "<b>" not in svg
    assert "&lt;" in svg
    assert "<polygon" in svg  # the star


def test_verification_url_encodes_the_number():
    assert verification_url("https://x.gov.cn/", "示审批〔2026〕1号") == (
        "https://x.gov.cn/documents/verify/?number=%E7%A4%BA%E5%AE%A1%E6%89%B9%E3%80%942026%E3%80%951%E5%8F%B7"
    )


def test_dates_and_ordinals_read_as_in_official_documents():
    assert cn_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert [cn_ordinal(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_renders_share_one_font_configuration_instead_of_leaving_one_each_behind():
    # A font configuration holds Pango's font map (with the CJK fonts, about 70 MB) in
    # reference cycles: one a render made a worker sealing a backlog grow by that much a
    # document until the cyclic collector happened to run.
    import gc

    from weasyprint.text.fonts import FontConfiguration

    def alive():
        return sum(isinstance(o, FontConfiguration) for o in gc.get_objects())

    render(partial_data())
    gc.collect()
    gc.disable()
    try:
        before = alive()
        render(partial_data())
        render(partial_data())
        after = alive()
    finally:
        gc.enable()
    assert before == after == 1
