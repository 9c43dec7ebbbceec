"""The ``ecanalysis`` command line.

Each subcommand imports only the modules it needs (``facts`` loads neither pandas
nor pandera). User mistakes end as one message on stderr and exit code 2; a report
that fails inside a batch gives exit code 1; never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from ecanalysis.config import DEFAULT_CELL_TIMEOUT, ON_BAD_ROWS

DEFAULT_DATA = "data/sample"
DEFAULT_OUT = "runs"
DEFAULT_PARAMS = "params"
TIMEOUT_HELP = (
    f"seconds a notebook cell may run before the report fails (default {DEFAULT_CELL_TIMEOUT:.0f}); "
    "a number above 0. Given, a report runs in a Jupyter kernel (unless --engine inprocess), "
    "killed when the time "
    "is up, even in native code"
)


def _cmd_sample(args: argparse.Namespace) -> int:
    from ecanalysis.sample import write_sample

    summary = write_sample(
        args.dir,
        stores=args.stores,
        start=args.start,
        end=args.end,
        orders_per_day=args.orders_per_day,
        seed=args.seed,
    )
    print(summary)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from ecanalysis.validate import validate_dataset

    report = validate_dataset(args.dir)
    print(report.render())
    return 0 if report.ok else 2


def _cmd_facts(args: argparse.Namespace) -> int:
    from ecanalysis.facts import write_daily_facts

    rows = write_daily_facts(args.dir, args.out, period=args.period)
    print(f"wrote {rows} rows of daily facts to {args.out}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from ecanalysis import importers

    if args.list:
        print(importers.describe_platforms())
        return 0
    missing = [
        name
        for name, value in (
            ("PLATFORM", args.platform),
            ("FILE…", args.files),
            ("--store-id ID", args.store_id),
            ("--timezone TZ", args.timezone),
            ("--out DIR", args.out),
        )
        if not value
    ]
    if missing:
        raise _usage(
            f"import is missing {', '.join(missing)}; it needs PLATFORM FILE… --store-id ID "
            "--timezone TZ --out DIR, e.g. `ecanalysis import shopify orders_export.csv "
            "--store-id shop01 --timezone America/New_York --out data/mine` "
            "(`ecanalysis import --list` names the platforms)"
        )
    result = importers.import_files(
        args.platform,
        args.files,
        store_id=args.store_id,
        timezone=args.timezone,
        currency=args.currency,
        out=args.out,
    )
    print(result.render())
    for warning in result.warnings:
        print(f"ecanalysis import: warning: {warning}", file=sys.stderr)
    return 0 if result.ok else 2


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from ecanalysis.commands import describe_notebooks

    print(describe_notebooks())
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from ecanalysis.commands import run_command

    return run_command(args)


def _cmd_batch(args: argparse.Namespace) -> int:
    from ecanalysis.commands import batch_command

    return batch_command(args)


def _cmd_index(args: argparse.Namespace) -> int:
    from ecanalysis.index import write_index

    path = write_index(args.out)
    print(f"wrote {path}")
    return 0


def _usage(message: str) -> Exception:
    from ecanalysis.errors import EcanalysisError

    return EcanalysisError(message)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``ecanalysis`` command."""
    parser = argparse.ArgumentParser(
        prog="ecanalysis",
        description="E-commerce operations analysis: sample data, validation, reports.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_: str):
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(handler=handler)
        return p

    p = add("sample", _cmd_sample, "write a deterministic multi-store sample dataset")
    p.add_argument("dir", help="output directory (one file per table)")
    p.add_argument("--stores", type=int, default=3, help="number of stores (default 3)")
    p.add_argument("--start", default=None, help="first local date (default 2023-12-01)")
    p.add_argument("--end", default=None, help="last local date (default 2025-11-30)")
    p.add_argument(
        "--orders-per-day", type=float, default=None, help="mean orders per store per day"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    p = add("validate", _cmd_validate, "check every table of a dataset against the data contract")
    p.add_argument("dir", help="dataset directory")

    p = add("facts", _cmd_facts, "write the portfolio's daily facts as Parquet (DuckDB)")
    p.add_argument("dir", help="dataset directory")
    p.add_argument("--out", required=True, help="Parquet file to write (replaced atomically)")
    p.add_argument("--period", default=None, help="restrict to a period (e.g. 2025-11)")

    p = add("import", _cmd_import, "convert a platform's export files into a dataset")
    p.add_argument("platform", nargs="?", help="shopify, woocommerce, taobao, sycm, …")
    p.add_argument("files", nargs="*", help="export files")
    p.add_argument("--list", action="store_true", help="list the platforms and their columns")
    p.add_argument("--store-id", dest="store_id", help="store id to file the rows under")
    p.add_argument("--timezone", help="the store's IANA time zone, e.g. Asia/Shanghai")
    p.add_argument("--currency", help="the store's ISO 4217 currency, e.g. CNY")
    p.add_argument("--out", help="dataset directory to add to")

    add("notebooks", _cmd_notebooks, "list the notebooks and their parameters")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data", default=None, help=f"dataset directory (default: the project's {DEFAULT_DATA})"
    )
    common.add_argument(
        "--out", default=DEFAULT_OUT, help=f"runs root (default: {DEFAULT_OUT}, in this directory)"
    )
    common.add_argument(
        "--params", default=None, help=f"params directory (default: the project's {DEFAULT_PARAMS})"
    )
    common.add_argument("--force", action="store_true", help="rerun reports that are done")
    common.add_argument(
        "--on-bad-rows",
        dest="on_bad_rows",
        choices=ON_BAD_ROWS,
        default=ON_BAD_ROWS[0],
        help="refuse bad rows (default) or set them aside in quarantine/ and go on",
    )
    common.add_argument(
        "--engine",
        choices=["kernel", "inprocess"],
        default=None,
        help="kernel: a Jupyter kernel per report (default for run and dask, and whenever "
        "--timeout is given); inprocess: in the worker's interpreter, no kernel start-up "
        "(default for batch without --timeout)",
    )

    p = sub.add_parser(
        "run",
        parents=[common],
        help="run one report",
        description="Run one report (a notebook for a store and period) into "
        "OUT/NOTEBOOK/STORE/PERIOD/: report.ipynb, report.html, metrics.json, tables/. "
        "In another language than the store's (-p lang en) it is a second record in the same "
        "folder (report.en.html, metrics.en.json, tables.en/ …), never replacing the first. "
        "Exit 0 ok, 1 the report failed (error.txt), 2 unusable arguments or data (an unknown "
        "store id, a --timeout not above 0, an --out inside the dataset or not writable): "
        "nothing runs.",
    )
    p.set_defaults(handler=_cmd_run)
    p.add_argument("notebook", help="notebook name, e.g. daily_report")
    p.add_argument("--store-id", dest="store_id", default=None, help="store id")
    p.add_argument("--period", default=None, help="period, e.g. 2025-11, 2025-W46, latest-day")
    p.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter",
    )
    p.add_argument("--timeout", type=float, default=None, help=TIMEOUT_HELP)

    p = sub.add_parser(
        "batch",
        parents=[common],
        help="run many reports concurrently",
        description="Run many reports concurrently, with a progress bar: every notebook for "
        "--period, or the schedule (params/schedule.yaml by default). A failed report never "
        "stops the others. Exit 0 all ok, 1 some failed, 2 unusable arguments or data.",
    )
    p.set_defaults(handler=_cmd_batch)
    p.add_argument("--notebooks", default=None, help="comma-separated notebook names")
    p.add_argument("--stores", default=None, help="all, or comma-separated store ids")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--period", default=None, help="one period for every report")
    group.add_argument(
        "--schedule", default=None, help="schedule YAML (default params/schedule.yaml)"
    )
    p.add_argument(
        "--executor",
        choices=["process", "dask"],
        default="process",
        help="process: a pool of local processes (default); dask: dask.distributed, on "
        "--scheduler or a LocalCluster of --workers (pip install 'ecanalysis[dask]')",
    )
    p.add_argument("--workers", type=int, default=None, help="worker processes (default 2)")
    p.add_argument("--scheduler", default=None, help="dask scheduler address (tcp://host:8786)")
    p.add_argument("--timeout", type=float, default=None, help=TIMEOUT_HELP)
    p.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=None,
        help="report language of every report (default: each store's own); a report in "
        "another language than the store's is a second record beside the first (report.en.html …)",
    )

    p = add("index", _cmd_index, "rebuild DIR/index.html of all runs")
    p.add_argument("--out", default=DEFAULT_OUT, help=f"runs root (default {DEFAULT_OUT})")
    _add_workspace_commands(add)
    return parser


# --- workspace and delivery: init, notify -------------------------------------------------


def _cmd_init(args: argparse.Namespace) -> int:
    from ecanalysis.workspace import init_workspace, update_report

    if args.update:
        print(update_report(args.dir))
        return 0
    written = init_workspace(args.dir)
    print(f"created the workspace {args.dir} ({len(written)} files); next: cd {args.dir}")
    return 0


def _cmd_notify(args: argparse.Namespace) -> int:
    from ecanalysis.notify.run import notify_command

    return notify_command(args)


def _add_workspace_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("init", _cmd_init, "create a workspace (params/, notebooks/, data/, runs/)")
    p.add_argument("dir", nargs="?", default=".", help="the workspace directory (default .)")
    p.add_argument(
        "--update",
        action="store_true",
        help="show what this version changed in the bundled notebooks and params "
        "against the workspace's copies (nothing is overwritten)",
    )
    p = add(
        "notify",
        _cmd_notify,
        "send the alerts and digests of the records written since the last notification "
        "by the rules of params/notify.yaml (exit 1 when a send failed; it is sent next time)",
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"runs root (default {DEFAULT_OUT})")
    p.add_argument(
        "--params", default=None, help=f"params directory (default: the project's {DEFAULT_PARAMS})"
    )
    p.add_argument("--since", default=None, help="ISO time: the records finished after it")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 a report failed, 2 bad input)."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if args.command == "import":  # FILE… may follow the options
            args.files = [*(args.files or []), *(e for e in unknown if not e.startswith("-"))]
            unknown = [e for e in unknown if e.startswith("-")]
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exc:  # argparse exits 2 on bad arguments, 0 on --help
        return int(exc.code or 0)
    if args.version:
        from ecanalysis import __version__

        print(__version__)
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    from ecanalysis.errors import EcanalysisError

    try:
        return args.handler(args)
    except EcanalysisError as exc:
        print(f"ecanalysis {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output's reader left (`ecanalysis validate … | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
        return 141
    except OSError as exc:  # a missing, unreadable, read-only or full file or directory
        print(f"ecanalysis {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
