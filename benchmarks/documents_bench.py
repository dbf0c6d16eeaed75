"""Time to render and seal one approval document (and each intake voucher), and documents
per minute on two cores.

    uv run python -m benchmarks.documents_bench [--runs 50] [--workers 2] [--per-worker 20]

No database: plain DocumentData in, signed PDF bytes out (documents.render + documents.seal,
then the seal's self-check), with throw-away keys made for the run. Issuing in the application adds a few milliseconds of
database work, under the number sequence's row lock (documents/issuing.py)."""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def _setup(keys_dir: str) -> None:
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianban.settings")
    os.environ.setdefault("LIANBAN_INSECURE_DEV_KEY", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.KEYS_DIR = Path(keys_dir)


def _party(n: int) -> dict:
    """Who applied for what, the same in the approval document and the vouchers."""
    return {
        "issuing_body": "示范县行政审批局",
        "party_name": "示范机械制造有限公司",
        "party_uscc": "91350100M000100Y43",
        "project": "年产一万台农机装备项目",
        "case_number": f"139999-20261102-{n:04d}",
        "submitted_on": dt.date(2026, 11, 2),
        "lead_department": "行政审批局",
    }


def _data(n: int):
    from documents.render import DocumentData, ItemDecision, verification_url

    number = f"示审批〔2026〕{n}号"
    return DocumentData(
        number=number,
        **_party(n),
        decision="partial",
        items=(
            ItemDecision(
                "建设用地规划许可",
                "自然资源局",
                True,
                "建设用地规划许可证",
                "地字第139999202600012号",
                "容积率不大于1.2。",
            ),
            ItemDecision("建设工程规划许可", "自然资源局", True, "建设工程规划许可证", "建字第1号"),
            ItemDecision(
                "建筑工程施工许可", "住房城乡建设局", False, reason="施工图设计文件未经审查合格。"
            ),
        ),
        issued_on=dt.date(2026, 11, 20),
        verify_url=verification_url("https://lianban.example.gov.cn", number),
        copy_to=("自然资源局", "住房城乡建设局"),
    )


def _voucher(n: int, kind: str):
    from documents.render import AcceptedItem, VoucherData, verification_url

    number = f"示审批{'受' if kind == 'acceptance' else '不受'}字〔2026〕{n}号"
    return VoucherData(
        kind=kind,
        number=number,
        **_party(n),
        items=(
            AcceptedItem("建设用地规划许可", "自然资源局", "10个工作日"),
            AcceptedItem("建设工程规划许可", "自然资源局", "10个工作日"),
            AcceptedItem("施工图审查", "住房城乡建设局", "15个工作日"),
            AcceptedItem("建筑工程施工许可", "住房城乡建设局", "5个工作日"),
        ),
        issued_on=dt.date(2026, 11, 3),
        verify_url=verification_url("https://lianban.example.gov.cn", number),
        accepted_on=dt.date(2026, 11, 3) if kind == "acceptance" else None,
        due_on=dt.date(2026, 11, 24) if kind == "acceptance" else None,
        refusal_reason="" if kind == "acceptance" else "申请事项不属于本机关职权范围。",
    )


def one_document(n: int, kind: str = "approval") -> int:
    """Render and seal document n (an approval document, or an intake voucher of `kind`),
    and check the seal as issuing does before it registers the file
    (documents.issuing.seal_and_store); returns the size of the signed PDF."""
    from documents import seal, verify
    from documents.render import render, render_voucher

    with seal.seal_signer() as signer:
        rendered = render(_data(n)) if kind == "approval" else render_voucher(_voucher(n, kind))
        signed = seal.sign(rendered.content, signer, placement=rendered.seal, reason=f"{kind} {n}")
    if not verify.check_signature(signed, seal.load_root()).ok:
        raise RuntimeError(f"{kind} {n}: the seal does not verify")
    return len(signed)


def _worker(keys_dir: str, start: int, count: int) -> int:
    """The first document of each process also loads the fonts: counted, as a real worker
    pays for it once too."""
    _setup(keys_dir)
    for n in range(start, start + count):
        one_document(n)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-worker", type=int, default=20)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as keys_dir:
        _setup(keys_dir)
        from documents import keys

        keys.init_keys(
            keys_dir,
            organisation="示范县行政审批局",
            region_code="139999",
            not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        )
        size = one_document(0)  # warm-up: fonts, templates
        kinds = ("approval", "acceptance", "refusal")
        sizes = {kind: one_document(0, kind) for kind in kinds}
        timings, cpu = {k: [] for k in kinds}, {k: [] for k in kinds}
        for n in range(1, args.runs + 1):
            for kind in kinds:  # in turns: whatever else the machine does weighs on all alike
                started, started_cpu = time.perf_counter(), time.process_time()
                one_document(n, kind)
                timings[kind].append(time.perf_counter() - started)
                cpu[kind].append(time.process_time() - started_cpu)
        median = statistics.median(timings["approval"])

        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            futures = [
                pool.submit(_worker, keys_dir, 1000 * (w + 1), args.per_worker)
                for w in range(args.workers)
            ]
            total = sum(f.result() for f in futures)
        wall = time.perf_counter() - started

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"signed PDF: {size / 1024:.0f} KiB")
    print(
        f"render + seal + self-check, one process: median {median * 1000:.0f} ms over {args.runs} runs "
        f"(min {min(timings['approval']) * 1000:.0f} ms, max {max(timings['approval']) * 1000:.0f} ms)"
    )
    print(
        "CPU time per document (unaffected by other load): median "
        f"{statistics.median(cpu['approval']) * 1000:.0f} ms"
    )
    for kind in ("acceptance", "refusal"):
        print(
            f"intake voucher, {kind}, in the same runs: median "
            f"{statistics.median(timings[kind]) * 1000:.0f} ms, CPU "
            f"{statistics.median(cpu[kind]) * 1000:.0f} ms, {sizes[kind] / 1024:.0f} KiB"
        )
    print(f"load average (1 min) before the run: {load_before:.2f}")
    print(
        f"{args.workers} processes: {total} documents in {wall:.1f} s "
        f"= {total / wall * 60:.0f} documents per minute (process start-up included)"
    )


if __name__ == "__main__":
    main()
