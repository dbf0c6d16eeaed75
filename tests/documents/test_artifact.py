"""Pictures of the document for a reviewer's eye, in test-artifacts/ (not committed)."""

import shutil

from django.conf import settings
from PIL import Image

from documents.render import ItemDecision

from .conftest import page_png, partial_data, rendered


def _red_share(image: Image.Image, box) -> float:
    region = image.convert("RGB").crop(box)
    pixels = [
        region.getpixel((x, y))
        for x in range(0, region.width, 2)
        for y in range(0, region.height, 2)
    ]
    return sum(1 for r, g, b in pixels if r > 180 and g < 110 and b < 110) / len(pixels)


def test_page_one_of_a_short_decision_shows_masthead_title_and_seal(tmp_path):
    data = partial_data(
        decision="approved",
        project="农机装备厂房",
        items=(
            ItemDecision(
                "建设用地规划许可",
                "自然资源局",
                True,
                "建设用地规划许可证",
                "地字第139999202600012号",
            ),
        ),
        copy_to=("自然资源局",),
    )
    short = rendered(data)
    assert short.seal.page == 0, "a short decision carries its seal on page one"

    png = page_png(short.content, tmp_path, page=1, dpi=80)
    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copyfile(png, artifacts / "document-page1.png")

    image = Image.open(png)
    width, height = image.size
    assert _red_share(image, (0, 0, width, height // 5)) > 0.02, "red masthead at the top"
    scale = 80 / 72
    x1, y1, x2, y2 = short.seal.box
    seal = (int(x1 * scale), int(height - y2 * scale), int(x2 * scale), int(height - y1 * scale))
    assert seal[1] > height // 2, "the seal sits low on the page, over the date"
    assert _red_share(image, seal) > 0.05


def test_last_page_of_a_partial_decision_is_saved(tmp_path):
    partial = rendered(partial_data())
    png = page_png(partial.content, tmp_path, page=partial.pages, dpi=80)
    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copyfile(png, artifacts / "document-partial-last-page.png")
    assert partial.seal.page == partial.pages - 1
