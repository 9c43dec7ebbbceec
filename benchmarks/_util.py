"""Helpers shared by the benchmarks: wall time and peak memory of a command."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

# Runs the command in a fresh wrapper process, so that ru_maxrss of RUSAGE_CHILDREN covers
# only this command's process tree (the largest member, not the sum).
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
if sys.argv[1] == "shell":
    code = subprocess.call(sys.argv[2], shell=True)
else:
    code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps([seconds, peak_kib, code]), file=sys.stderr)
"""


@dataclass
class Measure:
    """Wall time, peak resident memory of the largest process of the tree, and exit code."""

    seconds: float
    peak_mib: float
    returncode: int


def measure(cmd: list[str] | str, *, env: dict | None = None) -> Measure:
    """Run ``cmd`` (a list, or a shell string) and measure it; print its output on failure."""
    mode = ["shell", cmd] if isinstance(cmd, str) else ["exec", *cmd]
    proc = subprocess.run(
        [PYTHON, "-c", _WRAPPER, *mode],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    seconds, peak_kib, code = json.loads(proc.stderr.strip().splitlines()[-1])
    if code != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
    return Measure(seconds=seconds, peak_mib=peak_kib / 1024, returncode=code)


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
