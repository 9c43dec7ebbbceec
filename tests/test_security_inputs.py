"""Hostile data, files and inputs (issue 21): formulas in every CSV written, writes that a
symbolic link would send outside the directory named, YAML bombs, an output over the input,
unreadable files, Shopify exports cut or concatenated, IPython history.

Each test fails on the code before the fix of its class.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from corpus.build import base_tables, write_tables

from ecanalysis.cli import main
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.importers import import_files
from ecanalysis.workbook import is_formula_like, neutralise_formulas, write_csv

PACKAGE = Path(__file__).parent.parent / "ecanalysis"
IMPORTS = Path(__file__).parent / "data" / "importers"
HOSTILE = [
    'x\r=HYPERLINK("http://evil","click")',
    "\r@SUM(1+1)*cmd|' /C calc'!A0",
    "  =1+1",
    "\n+1",
    "\t-2",
    "\uff1dHYPERLINK(1)",
    "\u3000\uff20SUM(1)",
    "a\n=2",
    'q"uote\r\n-3',
]
FORMULA_START = re.compile(r"^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]")


def _spreadsheet_cells(data: bytes) -> list[str]:
    """Every cell as a spreadsheet sees it: records split at CR, LF or CRLF outside
    quotes (Excel starts a row at a bare CR too), quotes removed."""
    text = data.decode("utf-8-sig")
    cells, cell, quoted, index = [], [], False, 0
    while index < len(text):
        char = text[index]
        if quoted:
            if char == '"' and text[index + 1 : index + 2] == '"':
                cell.append('"')
                index += 1
            elif char == '"':
                quoted = False
            else:
                cell.append(char)
        elif char == '"':
            quoted = True
        elif char in ",\r\n":
            cells.append("".join(cell))
            cell = []
        else:
            cell.append(char)
        index += 1
    cells.append("".join(cell))
    return cells


def _assert_no_live_formula(data: bytes) -> None:
    live = [c for c in _spreadsheet_cells(data) if FORMULA_START.match(c)]
    assert not live, f"cells a spreadsheet would run: {live}"


# -- 1. formulas ------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_formula_like_or_harmless(text):
    stripped = text.lstrip(" \t\r\n\u3000")
    assert is_formula_like(text) == (stripped[:1] in tuple("=+-@\uff1d\uff0b\uff0d\uff20"))


def test_a_written_csv_has_no_live_formula_even_after_a_bare_carriage_return(tmp_path):
    frame = pd.DataFrame({"text": HOSTILE, "n": range(len(HOSTILE))})
    path = tmp_path / "t.csv"
    write_csv(frame, path)
    data = path.read_bytes()
    _assert_no_live_formula(data)
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(back) == len(HOSTILE) + 1, "one record per row: line breaks stay in cells"
    assert [row[1] for row in back[1:]] == [str(n) for n in range(len(HOSTILE))]


def test_neutralise_formulas_then_default_to_csv_is_safe_too():
    """Writers outside this module (run records' tables) call neutralise_formulas and a
    plain to_csv: a bare CR must not survive unquoted there either."""
    frame = pd.DataFrame({"text": HOSTILE})
    _assert_no_live_formula(neutralise_formulas(frame).to_csv(index=False).encode())


def _csv_writer_calls() -> list[tuple[Path, int, str]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|\.to_excel\(", code):
                calls.append((path.relative_to(PACKAGE), number, code.strip()))
    return calls


def test_every_csv_writer_of_the_package_goes_through_neutralise_formulas():
    calls = _csv_writer_calls()
    assert calls, "the scan finds the writers"
    for path, number, code in calls:
        through = "neutralise_formulas(" in code
        inside_write_csv = path.name == "workbook.py" and _in_function(
            PACKAGE / path, number, "write_csv"
        )
        assert through or inside_write_csv, f"{path}:{number} writes CSV unneutralised: {code}"


def _in_function(path: Path, number: int, name: str) -> bool:
    lines = path.read_text(encoding="utf-8").splitlines()[:number]
    defs = [line for line in lines if re.match(r"^def \w+", line)]
    return bool(defs) and defs[-1].startswith(f"def {name}(")


def _hostile_shopify(tmp_path: Path) -> Path:
    """The Shopify example with formulas in the quarantined order's (#1006) cells."""
    raw = pd.read_csv(IMPORTS / "shopify_orders.csv", dtype="str", keep_default_na=False)
    row = raw.index[raw["Name"] == "#1006"][0]
    raw.loc[row, "Lineitem name"] = HOSTILE[0]
    raw.loc[row, "Billing Name"] = HOSTILE[1]
    raw.loc[row, "Email"] = "=cmd|' /C calc'!A0"
    path = tmp_path / "export.csv"
    raw.to_csv(path, index=False, quoting=csv.QUOTE_ALL)  # a bare CR quoted
    return path


def test_import_quarantine_file_has_no_live_formula(tmp_path):
    result = import_files(
        "shopify",
        [_hostile_shopify(tmp_path)],
        store_id="shop1",
        timezone="America/New_York",
        out=tmp_path / "data",
    )
    assert result.quarantined == 1
    data = result.quarantine_file.read_bytes()
    _assert_no_live_formula(data)
    assert "'=cmd|" in data.decode("utf-8-sig")


# -- 2. writes through links ------------------------------------------------------------


def test_import_refuses_a_quarantine_folder_linked_outside_out(tmp_path):
    out, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "quarantine").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(DataError, match=r"refusing to write quarantine/.* outside"):
        import_files(
            "shopify",
            [_hostile_shopify(tmp_path)],
            store_id="shop1",
            timezone="America/New_York",
            out=out,
        )
    assert list(elsewhere.iterdir()) == []


def test_import_refuses_a_table_file_linked_outside_out(tmp_path):
    first = tmp_path / "first"
    import_files(
        "shopify",
        [IMPORTS / "shopify_orders.csv"],
        store_id="shop1",
        timezone="America/New_York",
        out=first,
    )
    out, victim = tmp_path / "data", tmp_path / "victim.parquet"
    out.mkdir()
    (first / "orders.parquet").rename(victim)
    (first / "stores.parquet").rename(out / "stores.parquet")
    (out / "orders.parquet").symlink_to(victim)
    before = victim.read_bytes()
    with pytest.raises(DataError, match=r"refusing to write orders\.parquet outside"):
        import_files(
            "shopify",
            [IMPORTS / "shopify_orders_later.csv"],
            store_id="shop1",
            timezone="America/New_York",
            out=out,
        )
    assert victim.read_bytes() == before


# -- 4. YAML ----------------------------------------------------------------------------

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


def _params(tmp_path: Path, text: str | bytes) -> Path:
    folder = tmp_path / "params"
    folder.mkdir(exist_ok=True)
    file = folder / "defaults.yaml"
    file.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LAUGHS, "expands to more than 10,000 YAML nodes"),
        ("a: &a [*a]\n", "refers to itself"),
        ("lang: zh\n" + "# padding\n" * 120_000, "more than the 1,048,576"),
        ("lang: 中文\n".encode("gbk"), "not UTF-8 text .*save as UTF-8"),
    ],
    ids=["billion-laughs", "recursive", "too-large", "gbk"],
)
def test_hostile_params_file_is_one_line_error_naming_it(tmp_path, text, message):
    from ecanalysis.params import load_settings

    folder = _params(tmp_path, text)
    with pytest.raises(ParameterError, match=message) as caught:
        load_settings(folder)
    assert str(folder / "defaults.yaml") in str(caught.value)
    assert "\n" not in str(caught.value)


def test_schedule_bomb_is_refused(tmp_path):
    from ecanalysis.params import load_schedule

    path = tmp_path / "schedule.yaml"
    path.write_text(LAUGHS + "reports: [{notebook: daily_kpis}]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="expands to more than"):
        load_schedule(path)


def test_a_few_aliases_are_still_fine(tmp_path):
    from ecanalysis.params import load_schedule

    path = tmp_path / "schedule.yaml"
    path.write_text(
        "common: &c {stores: all}\nreports:\n  - {notebook: daily_kpis, <<: *c}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match="key 'common'"):
        load_schedule(path)  # read (aliases expanded), then refused for its unknown key


# -- 5. facts over the input ------------------------------------------------------------


def test_facts_refuses_an_output_inside_the_dataset(tmp_path, capsys):
    data = write_tables(base_tables(), tmp_path / "data")
    before = (data / "orders.csv").read_bytes()
    for out in (data / "orders.csv", data / "facts" / "daily.parquet"):
        assert main(["facts", str(data), "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert "inside the dataset" in err and "\n" not in err
    assert (data / "orders.csv").read_bytes() == before
    assert not (data / "facts").exists()


def test_facts_refuses_an_output_linked_to_an_input_table(tmp_path, capsys):
    data = write_tables(base_tables(), tmp_path / "data")
    real = tmp_path / "real_orders.csv"
    (data / "orders.csv").rename(real)
    (data / "orders.csv").symlink_to(real)
    assert main(["facts", str(data), "--out", str(real)]) == 2
    assert "inside the dataset" in capsys.readouterr().err


# -- 8. unreadable files ----------------------------------------------------------------


def _gzip(path: Path) -> None:
    path.write_bytes(gzip.compress(path.read_bytes()))


def _zip(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(path.name, path.read_bytes())
    path.write_bytes(buffer.getvalue())


def _long_line(path: Path) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write("o9," + "x" * (1024 * 1024 + 10) + "\n")


def _gbk(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))


def _truncated_parquet(path: Path) -> None:
    frame = pd.read_csv(path, dtype="str")
    path.unlink()
    target = path.with_suffix(".parquet")
    frame.to_parquet(target, index=False)
    target.write_bytes(target.read_bytes()[:-100])


UNREADABLE = {
    "gzip": ("orders", _gzip, "orders.csv is gzip-compressed, not a CSV file"),
    "zip": ("orders", _zip, "orders.csv is a zip archive, not a CSV file"),
    "long-line": ("orders", _long_line, "line 8 is longer than 1 MiB"),
    "gbk": ("stores", _gbk, "stores.csv is not UTF-8 text"),
    "truncated-parquet": ("orders", _truncated_parquet, "truncated or not Parquet"),
}


def _broken(tmp_path: Path, name: str) -> tuple[Path, str]:
    table, damage, message = UNREADABLE[name]
    data = write_tables(base_tables(), tmp_path / name)
    damage(data / f"{table}.csv")
    return data, message


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_unreadable_file_is_one_line_in_validate(tmp_path, capsys, name):
    data, message = _broken(tmp_path, name)
    assert main(["validate", str(data)]) == 2
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if message in line]
    assert lines, out
    assert " Fix: " in lines[0]
    assert "Possible Solution" not in out and "Traceback" not in out


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_unreadable_file_is_one_line_before_a_report_runs(tmp_path, name):
    from ecanalysis.commands import preflight
    from ecanalysis.errors import EcanalysisError

    data, message = _broken(tmp_path, name)
    with pytest.raises(EcanalysisError) as caught:
        preflight(data, "s01", "fail")
    text = str(caught.value)
    assert len([line for line in text.splitlines() if message in line]) == 1, text
    assert not re.search("Possible Solution|SELECT|LINE 1|read_csv|read_parquet", text), text


def test_run_says_an_empty_orders_file_is_empty(tmp_path):
    from ecanalysis.commands import preflight
    from ecanalysis.errors import EcanalysisError

    data = write_tables(base_tables(), tmp_path / "data")
    (data / "orders.csv").write_bytes(b"")
    with pytest.raises(EcanalysisError, match=r"orders.csv is empty \(0 bytes\)") as caught:
        preflight(data, "s01", "fail")
    assert "column0" not in str(caught.value)


def test_validate_has_no_csv_traceback_for_a_huge_field(tmp_path, capsys):
    """A quoted field over the csv module's limit (131,072 characters) in a ragged file."""
    data = write_tables(base_tables(), tmp_path / "data")
    with (data / "traffic.csv").open("a", encoding="utf-8") as file:
        file.write('s01,2025-11-12,"' + "x" * 200_000 + '",1\n')
    code = main(["validate", str(data)])
    out = capsys.readouterr().out
    assert code == 2 and "Traceback" not in out and "_csv.Error" not in out
    assert "traffic.csv cannot be read as CSV" in out


# -- 7. Shopify exports cut in two, or concatenated --------------------------------------


def _split_after(path: Path, tmp_path: Path, line: int) -> list[Path]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "part1.csv", tmp_path / "part2.csv"
    first.write_text("".join(lines[:line]), encoding="utf-8")
    second.write_text(lines[0] + "".join(lines[line:]), encoding="utf-8")
    return [first, second]


def _woocommerce_first_row_only(tmp_path: Path) -> Path:
    """The WooCommerce example in the plugin's default layout: order fields on the first
    row of an order only (#2001's second row keeps its number and item cells)."""
    raw = pd.read_csv(IMPORTS / "woocommerce_orders.csv", dtype="str", keep_default_na=False)
    order_fields = list(raw.columns[1 : list(raw.columns).index("SKU")])
    raw.loc[1, order_fields] = ""
    path = tmp_path / "woo.csv"
    raw.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("platform", "zone"), [("shopify", "America/New_York"), ("woocommerce", "Europe/Berlin")]
)
def test_an_order_cut_across_two_files_of_one_import_keeps_all_its_lines(tmp_path, platform, zone):
    if platform == "shopify":
        source = IMPORTS / "shopify_orders.csv"
    else:
        source = _woocommerce_first_row_only(tmp_path)
    whole = import_files(platform, [source], store_id="s1", timezone=zone, out=tmp_path / "w")
    # line 2 is the first order's first row, line 3 its second: cut between them
    parts = _split_after(source, tmp_path, 2)
    cut = import_files(platform, parts, store_id="s1", timezone=zone, out=tmp_path / "cut")
    assert cut.quarantined == whole.quarantined
    assert whole.tables["order_items"].new == cut.tables["order_items"].new
    for table in ("orders", "order_items"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "cut" / f"{table}.parquet"),
            pd.read_parquet(tmp_path / "w" / f"{table}.parquet"),
        )


def test_concatenated_exports_with_a_repeated_header_are_imported(tmp_path):
    one = (IMPORTS / "shopify_orders.csv").read_text(encoding="utf-8")
    two = (IMPORTS / "shopify_orders_later.csv").read_text(encoding="utf-8")
    joined = tmp_path / "joined.csv"
    joined.write_text(one.rstrip("\n") + "\n" + two, encoding="utf-8")
    separate = import_files(
        "shopify",
        [IMPORTS / "shopify_orders.csv", IMPORTS / "shopify_orders_later.csv"],
        store_id="shop1",
        timezone="America/New_York",
        out=tmp_path / "separate",
    )
    result = import_files(
        "shopify", [joined], store_id="shop1", timezone="America/New_York", out=tmp_path / "one"
    )
    assert any("1 repeated header row(s) dropped" in note for note in result.notes)
    assert result.quarantined == separate.quarantined
    orders = pd.read_parquet(tmp_path / "one" / "orders.parquet")
    assert set(orders["order_id"]) == set(
        pd.read_parquet(tmp_path / "separate" / "orders.parquet")["order_id"]
    )


# -- 3. IPython history -----------------------------------------------------------------


def _run_isolated(code: str, home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("IPYTHONDIR", "JUPYTER_DATA_DIR")}
    env["HOME"] = str(home)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)


def test_the_in_process_engine_keeps_no_history(tmp_path):
    _run_isolated(
        "from ecanalysis.engine import _shell\n"
        "shell = _shell()\n"
        "shell.run_cell('secret = \"/data/path\"', store_history=True)\n"
        "shell.history_manager.end_session()\n",
        tmp_path,
    )
    assert not list(tmp_path.rglob("history.sqlite"))


def test_report_kernel_manager_starts_kernels_without_history():
    from ecanalysis.kernel import KERNEL_ARGUMENTS, ReportKernelManager

    command = ReportKernelManager(kernel_name="python3").format_kernel_cmd()
    assert command[-len(KERNEL_ARGUMENTS) :] == KERNEL_ARGUMENTS


@pytest.mark.xdist_group("kernel")
def test_a_kernel_with_the_report_arguments_keeps_no_history(tmp_path):
    _run_isolated(
        "from jupyter_client.manager import start_new_kernel\n"
        "from ecanalysis.kernel import KERNEL_ARGUMENTS\n"
        "km, kc = start_new_kernel(kernel_name='python3', extra_arguments=KERNEL_ARGUMENTS)\n"
        "kc.execute_interactive('secret = 1', timeout=60)\n"
        "kc.stop_channels(); km.shutdown_kernel(now=False)\n",
        tmp_path,
    )
    assert not list(tmp_path.rglob("history.sqlite"))


# -- 6. hive folders and odd dataset paths -------------------------------------------------

TIMES = ("ordered_at", "paid_at", "refunded_at")


def _hive_orders(data: Path, *, aware: str | None = None, moved: bool = False) -> Path:
    """``orders/store_id=<id>/part.parquet`` per store; ``aware``: that store's times are
    stored in UTC with a zone; ``moved``: s02's rows sit in the s01 folder."""
    orders = base_tables()["orders"]
    (data / "orders.csv").unlink()
    for store_id, rows in orders.groupby("store_id"):
        rows = rows.reset_index(drop=True)
        for column in TIMES:
            rows[column] = pd.to_datetime(rows[column])
            if store_id == aware:
                rows[column] = rows[column].dt.tz_localize("America/New_York").dt.tz_convert("UTC")
        folder = "s01" if moved else store_id
        target = data / "orders" / f"store_id={folder}"
        target.mkdir(parents=True, exist_ok=True)
        rows.to_parquet(target / f"part-{store_id}.parquet", index=False)
    return data


def test_hive_folder_as_written_is_read(tmp_path, capsys):
    data = _hive_orders(write_tables(base_tables(), tmp_path / "data"))
    assert main(["validate", str(data)]) == 0, capsys.readouterr().out


def test_hive_files_naive_beside_zoned_are_refused_naming_them(tmp_path, capsys):
    from ecanalysis.commands import preflight

    data = _hive_orders(write_tables(base_tables(), tmp_path / "data"), aware="s02")
    assert main(["validate", str(data)]) == 2
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "without a time zone" in line)
    assert "orders/store_id=s01/part-s01.parquet" in line
    assert "orders/store_id=s02/part-s02.parquet" in line and " Fix: " in line
    with pytest.raises(DataError, match="holds local times without a time zone"):
        preflight(data, "s01", "fail")


def test_hive_partition_contradicting_the_rows_store_id_is_refused(tmp_path, capsys):
    from ecanalysis.commands import preflight

    data = _hive_orders(write_tables(base_tables(), tmp_path / "data"), moved=True)
    assert main(["validate", str(data)]) == 2
    out = capsys.readouterr().out
    assert "3 row(s) in orders/store_id=s01/part-s02.parquet have a store_id other" in out
    with pytest.raises(DataError, match="3 row"):
        preflight(data, "s02", "fail")


@pytest.mark.parametrize("name", ["shop[1]", "shop*", "shop?"])
def test_a_dataset_path_with_glob_characters_reads_its_own_files(tmp_path, capsys, name):
    from ecanalysis.data import open_dataset

    tables = base_tables()
    decoy = {**tables, "orders": tables["orders"].iloc[:2]}
    write_tables(decoy, tmp_path / "shop1")
    write_tables(decoy, tmp_path / "shopX")
    data = _hive_orders(write_tables(tables, tmp_path / name))
    assert len(open_dataset(data).table("orders")) == len(tables["orders"])
    assert main(["validate", str(data)]) == 0, capsys.readouterr().out
    (data / "stores.csv").rename(data / "stores.moved")
    assert main(["validate", str(data)]) == 2, "the decoy's stores.csv is not read"


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
@pytest.mark.parametrize("engine", ["inprocess", "kernel"])
def test_a_report_run_leaves_no_ipython_history(sample_dir, tmp_path, engine):
    import matplotlib

    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "IPYTHONDIR"}
    env.update(HOME=str(home), MPLCONFIGDIR=matplotlib.get_configdir())
    report = ["daily_report", "--store-id", "shop02", "--period", "latest-day"]
    places = ["--data", str(sample_dir), "--out", str(tmp_path / "runs"), "--engine", engine]
    proc = subprocess.run(
        [sys.executable, "-m", "ecanalysis", "run", *report, *places],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert not list(home.rglob("history.sqlite"))


def test_an_export_with_a_huge_field_is_one_line(tmp_path):
    path = tmp_path / "export.csv"
    header = (IMPORTS / "shopify_orders.csv").read_text(encoding="utf-8").splitlines()[0]
    path.write_text(header + '\n#1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"export.csv cannot be read as CSV: line \d+: field"):
        import_files(
            "shopify", [path], store_id="shop1", timezone="America/New_York", out=tmp_path / "d"
        )


# -- 7. implausible dates never move latest-day -------------------------------------------


def test_an_order_dated_2100_does_not_move_latest_day(tmp_path):
    """Validation refuses the row (tests/corpus: orders-year-2100); with --on-bad-rows
    quarantine it is set aside, and the latest day is the last plausible one, not today."""
    import datetime as dt

    from ecanalysis.data import open_dataset

    tables = base_tables()
    orders = tables["orders"].astype({"ordered_at": object})
    orders.loc[5, "ordered_at"] = "2100-01-01 09:00:00"  # o6 of s02, last dated 11-12
    tables["orders"] = orders
    dataset = open_dataset(write_tables(tables, tmp_path / "data"))
    assert dataset.last_complete_day("s02") == dt.date(2025, 11, 11)
    assert dataset.coverage("s02") == (dt.date(2025, 11, 10), dt.date(2025, 11, 11))


def test_run_with_a_gbk_params_file_is_one_line_exit_2(tmp_path, capsys):
    data = write_tables(base_tables(), tmp_path / "data")
    folder = _params(tmp_path, "lang: 中文\n".encode("gbk"))
    argv = ["run", "daily_report", "--store-id", "s01", "--period", "2025-11"]
    places = ["--data", str(data), "--params", str(folder), "--out", str(tmp_path / "runs")]
    assert main([*argv, *places]) == 2
    err = capsys.readouterr().err.strip()
    assert "save as UTF-8" in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").rglob("*.json"))
