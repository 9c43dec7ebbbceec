"""Print the alerts of run records, one line each; exit 1 when there is something to tell.

usage: python notify_alerts.py RUNS [--since ISO_TIME] [--level critical|warning|info]

Reads only RUNS/<notebook>/<store_id>/<period>/metrics.json (the standard library is
enough): every alert at --level or above (default warning) of a record that finished at
or after --since. A failed report carries its error as a critical alert. Exit 0: nothing
to tell; 1: lines printed; 2: bad arguments.
"""

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

LEVELS = ("critical", "warning", "info")


def notices(runs, since=None, level="warning"):
    """``(level, line)`` for each alert worth telling, most severe first."""
    wanted = LEVELS[: LEVELS.index(level) + 1]
    found = []
    for path in sorted(Path(runs).glob("*/*/*/metrics.json")):
        if any(part.startswith(".") for part in path.relative_to(runs).parts):
            continue  # a record being written or replaced right now
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            finished = dt.datetime.fromisoformat(record["finished_at"])
            finished = finished if finished.tzinfo else finished.replace(tzinfo=dt.UTC)
        except (OSError, ValueError, KeyError, TypeError):
            found.append(("critical", f"CRITICAL unreadable record {path}"))
            continue
        if since is not None and finished < since:
            continue
        where = "{} {} {}".format(*path.relative_to(runs).parts[:3])
        if record.get("status") != "ok":
            where += " (failed)"
        for alert in record.get("alerts") or []:
            if alert.get("level") in wanted:
                text = " ".join(str(alert.get("message", "")).split())
                text = "".join(ch for ch in text if ch.isprintable())
                found.append((alert["level"], f"{alert['level'].upper()} {where}: {text}"))
    return sorted(found, key=lambda item: LEVELS.index(item[0]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, help="the runs directory (ecanalysis --out)")
    parser.add_argument(
        "--since", type=dt.datetime.fromisoformat, help="e.g. 2025-12-01T06:00+08:00"
    )
    parser.add_argument("--level", choices=LEVELS, default="warning")
    args = parser.parse_args(argv)
    if args.since is not None and args.since.tzinfo is None:
        parser.error("--since needs a UTC offset, e.g. 2025-12-01T06:00:00+00:00")
    if not args.runs.is_dir():  # a mistyped path must not read as "nothing to tell"
        parser.error(f"{args.runs} is not a directory (the runs root, ecanalysis --out)")
    lines = [line for _, line in notices(args.runs, args.since, args.level)]
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
