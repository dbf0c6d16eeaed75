"""Write src/lianban/demo_data/示范县事项清单.xlsx from src/lianban/demo_data/catalog_data.py.

    uv run python scripts/build_demo_catalog.py [OUTPUT]

Run it after editing the data; tests/lianban/test_demo_catalog.py fails while the shipped
workbook and the data disagree."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from lianban.demo_data.workbook import WORKBOOK_PATH, write_workbook


def main(argv: list[str]) -> int:
    path = write_workbook(argv[1] if len(argv) > 1 else WORKBOOK_PATH)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
