"""The memory of a running process tree, read from /proc: PSS summed over the tree (forked
workers share pages, so their RSS would count those pages once per worker).

    proc = cleanwire_process("crawl", ...)
    watched = watch(proc, limit_s=240)   # samples until it exits (a liveness bound)
    assert watched.peak_pss_mib < 500
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


def descendants(pid: int) -> set[int]:
    """pid and every process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = {pid}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def pss_kib(pid: int) -> int:
    """One process's proportional set size (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kib(pid: int) -> int:
    return sum(pss_kib(p) for p in descendants(pid))


@dataclass(frozen=True)
class Watched:
    """What watch() saw of a process until it exited."""

    returncode: int | None  # None: still running at the limit (then killed)
    stdout: str
    stderr: str
    peak_pss_mib: float
    samples: int


def watch(proc: subprocess.Popen[str], limit_s: float, every_s: float = 0.2) -> Watched:
    """Sample proc's tree until it exits; killed past limit_s (a liveness bound, not a
    timing: the test fails on returncode None). Its pipes are read meanwhile."""
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=name, f=stream: output.update({n: f.read()}),
                                daemon=True)
               for name, stream in (("out", proc.stdout), ("err", proc.stderr)) if stream]
    for reader in readers:
        reader.start()
    peak, samples, deadline = 0, 0, time.monotonic() + limit_s
    while time.monotonic() < deadline:
        peak = max(peak, tree_pss_kib(proc.pid))
        samples += 1
        try:
            proc.wait(timeout=every_s)
            break
        except subprocess.TimeoutExpired:
            continue
    returncode = proc.poll()
    if returncode is None:
        proc.kill()
    proc.wait(timeout=60)
    for reader in readers:
        reader.join(timeout=60)
    return Watched(returncode, output.get("out", ""), output.get("err", ""), peak / 1024,
                   samples)


# `cleanwire ARGS` in this interpreter, then its own peak RSS (VmHWM: the process's own, not
# what a fork carried over, unlike ru_maxrss) as the last line of stderr
_PEAK_RSS = (
    "import re, sys\n"
    "from crawler.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "with open('/proc/self/status') as status:\n"
    "    hwm = re.search(r'VmHWM:\\s+(\\d+) kB', status.read()).group(1)\n"
    "sys.stderr.write(f'peak_rss_kb {hwm}\\n')\n"
    "sys.exit(code)\n"
)


def run_with_peak_rss(*args: str, **run: object) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `cleanwire ARGS` (subprocess.run keywords pass through: cwd, env, stdout...) and
    return the finished process and its peak RSS in kB (stderr keeps the command's own)."""
    import sys

    proc = subprocess.run([sys.executable, "-c", _PEAK_RSS, *args], text=True,
                          **run)  # type: ignore[call-overload]
    output, _, peak = proc.stderr.rpartition("peak_rss_kb ")
    assert peak, f"no peak line: {proc.stderr[-500:]}"
    proc.stderr = output
    return proc, int(peak)

