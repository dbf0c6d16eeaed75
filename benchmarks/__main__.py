"""`make bench`: every benchmark in turn, each printing its table and the command to rerun it.

The detailed results, with the machine and the commands, are in BENCHMARKS.md and the
benchmarks/RESULTS-*.md files it links."""

import subprocess
import sys

BENCHMARKS = [
    ["benchmarks.planner_bench"],
    ["benchmarks.documents_bench"],
    ["benchmarks.engine_bench", "--db", "sqlite", "--db", "postgres"],
    ["benchmarks.growth_bench", "--db", "sqlite", "--db", "postgres"],
    # 10k and 100k cases (about 10 minutes); `--cases 1000000` adds the million (about an hour)
    ["benchmarks.web_bench", "--cases", "100000"],
]


def main() -> int:
    failed = 0
    for args in BENCHMARKS:
        print(f"== python -m {' '.join(args)}", flush=True)
        failed += subprocess.call([sys.executable, "-m", *args]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
