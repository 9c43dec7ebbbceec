"""Helpers shared by the benchmarks: wall time and peak memory of a command, the scratch
directory, the machine and its load."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
#: Scratch directory for generated data and run records (never inside the repository);
#: ``run_all.py --workdir DIR`` or ``ECANALYSIS_BENCH_DIR`` choose another.
WORKDIR = Path(os.environ.get("ECANALYSIS_BENCH_DIR") or Path.home() / "bench" / "ecanalysis")

# Runs the command in a fresh wrapper process, so that ru_maxrss of RUSAGE_CHILDREN covers
# only this command's process tree (the largest member, not the sum), and the CPU time
# of the tree (user + system, of every process waited for).
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
if sys.argv[1] == "shell":
    code = subprocess.call(sys.argv[2], shell=True)
else:
    code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps([seconds, usage.ru_maxrss, code, cpu]), file=sys.stderr)
"""


def set_workdir(path: str | os.PathLike) -> Path:
    """Use ``path`` as the scratch directory (refuses one inside the repository)."""
    global WORKDIR
    workdir = Path(path).expanduser().resolve()
    if workdir == ROOT or ROOT in workdir.parents:
        raise SystemExit(f"--workdir {workdir} is inside the repository; choose a scratch dir")
    workdir.mkdir(parents=True, exist_ok=True)
    WORKDIR = workdir
    return workdir


def workdir() -> Path:
    """The scratch directory, created when missing."""
    WORKDIR.mkdir(parents=True, exist_ok=True)
    return WORKDIR


@dataclass
class Measure:
    """Wall time, peak resident memory of the largest process of the tree, exit code, and
    CPU time of the tree (what the command costs, whatever else the machine is doing)."""

    seconds: float
    peak_mib: float
    returncode: int
    cpu_seconds: float


def measure(cmd: list[str] | str, *, env: dict | None = None, check: bool = True) -> Measure:
    """Run ``cmd`` (a list, or a shell string) and measure it.

    Its output is discarded unless it fails; with ``check`` a failure stops the benchmark
    (a figure of a failed command would be meaningless).
    """
    mode = ["shell", cmd] if isinstance(cmd, str) else ["exec", *map(str, cmd)]
    proc = subprocess.run(
        [PYTHON, "-c", _WRAPPER, *mode],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    seconds, peak_kib, code, cpu = json.loads(proc.stderr.strip().splitlines()[-1])
    if code != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        if check:
            shown = cmd if isinstance(cmd, str) else " ".join(map(str, cmd))
            raise SystemExit(f"benchmark command failed with exit {code}: {shown[:500]}")
    return Measure(seconds, peak_kib / 1024, code, cpu)


def median(values) -> float:
    return statistics.median(values)


def load() -> str:
    """The 1-minute load average against the core count, e.g. ``load 1.6/2``."""
    one, _, _ = os.getloadavg()
    return f"load {one:.1f}/{os.cpu_count()}"


def machine() -> str:
    """One line describing this machine."""
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()}"
    )


def commit() -> str:
    """The repository's commit (with ``+dirty`` when files differ from it)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "ecanalysis", "notebooks"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return head + ("+dirty" if dirty else "")
