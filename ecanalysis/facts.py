"""Daily facts of a portfolio: one row per store and local day, computed in DuckDB.

The one definition of daily facts (DESIGN §5) lives here as SQL: ``Dataset.daily_facts``
runs it into a DataFrame and ``ecanalysis facts DIR --out FILE`` copies it straight to
Parquet. This module imports neither pandas nor pandera, so the command stays light on a
portfolio of millions of orders.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ecanalysis._catalog import Catalog, literal
from ecanalysis.errors import ParameterError
from ecanalysis.paths import atomic_write

#: Output columns and their DuckDB types, in order.
FACTS_COLUMNS = {
    "store_id": "VARCHAR",
    "date": "DATE",
    "orders": "BIGINT",
    "buyers": "BIGINT",
    "paid_amount": "DOUBLE",
    "refund_amount": "DOUBLE",
    "net_sales": "DOUBLE",
    "cost_amount": "DOUBLE",
    "gross_profit": "DOUBLE",
}

#: The orders columns the facts read; the last four are optional.
FACTS_READS = (
    "store_id",
    "customer_id",
    "status",
    "ordered_at",
    "paid_amount",
    "paid_at",
    "refund_amount",
    "refunded_at",
    "cost_amount",
)

#: Statuses never paid (DESIGN §5); without a ``paid_at`` column ``placed`` is unpaid too.
_UNPAID = "('cancelled')"
_UNPAID_WITHOUT_PAID_AT = "('cancelled', 'placed')"


def daily_facts_sql(
    catalog: Catalog, *, first_day: dt.date | None = None, last_day: dt.date | None = None
) -> tuple[str, dict[str, Any]]:
    """The SQL of daily facts and its parameters, for local dates ``first_day..last_day``.

    Parameters
    ----------
    catalog : Catalog
        The dataset (its ``orders`` and ``stores`` tables).
    first_day, last_day : datetime.date, optional
        Inclusive local dates to keep; default: all.

    Returns
    -------
    tuple of (str, dict)
        A ``SELECT`` with the columns of :data:`FACTS_COLUMNS`, sorted by ``store_id`` and
        ``date``, and the values of its ``$`` parameters.

    Notes
    -----
    One row per (``store_id``, ``date``) with a paid order or a refund; ``date`` is the
    store's local date.

    - ``orders`` (支付订单数): paid orders, dated by ``paid_at``. Paid = a ``paid_at`` and a
      status other than ``cancelled`` (a ``placed`` order with a ``paid_at`` is paid);
      refunded orders stay paid. Without a ``paid_at`` column, the status alone decides
      (neither ``placed`` nor ``cancelled``) and ``ordered_at`` dates them.
    - ``buyers`` (支付买家数): distinct ``customer_id`` with a paid order that day.
    - ``paid_amount`` (支付金额): sum of ``paid_amount`` of the paid orders.
    - ``refund_amount`` (退款金额): refunds of paid orders, dated by ``refunded_at``, else
      ``paid_at``; NULL when the orders have no ``refund_amount`` column.
    - ``net_sales`` (净销售额) = paid_amount − refund_amount, each on its own date.
    - ``cost_amount`` (成本): cost of the day's paid orders that have one (0 on a day with
      refunds only; NULL when no paid order of the day has a cost, or without the column).
    - ``gross_profit`` (毛利) = net_sales − cost_amount.

    The same figures as ``metrics.orders.sales_summary(orders, freq="D")`` for the days
    with payments or refunds.
    """
    present = catalog.file_types("orders")
    catalog.check_columns("orders", FACTS_READS[:5])
    orders = catalog.typed_sql("orders", list(FACTS_READS))
    has_paid_at = "paid_at" in present
    if has_paid_at:
        paid_rule = f"coalesce(lower(status), '') NOT IN {_UNPAID} AND paid_at IS NOT NULL"
    else:
        paid_rule = f"coalesce(lower(status), '') NOT IN {_UNPAID_WITHOUT_PAID_AT}"
    refund = "coalesce(r.refund_amount, 0.0)" if "refund_amount" in present else "NULL"
    cost = (
        "CASE WHEN coalesce(p.orders, 0) = 0 THEN 0.0 ELSE p.cost_amount END"
        if "cost_amount" in present
        else "NULL"
    )
    window, params = _date_window(first_day, last_day)
    sql = f"""
WITH paid_orders AS (
    SELECT store_id, customer_id, paid_amount, refund_amount, cost_amount,
           coalesce(paid_at, ordered_at) AS paid_time, refunded_at
    FROM ({orders}) AS o
    WHERE {paid_rule}
),
paid AS (
    SELECT store_id, CAST(paid_time AS DATE) AS day, count(*) AS orders,
           count(DISTINCT customer_id) AS buyers, sum(paid_amount) AS paid_amount,
           sum(cost_amount) AS cost_amount
    FROM paid_orders
    WHERE {window.format(day="CAST(paid_time AS DATE)")}
    GROUP BY 1, 2
),
refunds AS (
    SELECT store_id, CAST(coalesce(refunded_at, paid_time) AS DATE) AS day,
           sum(refund_amount) AS refund_amount
    FROM paid_orders
    WHERE refund_amount IS NOT NULL AND refund_amount <> 0
      AND {window.format(day="CAST(coalesce(refunded_at, paid_time) AS DATE)")}
    GROUP BY 1, 2
),
days AS (
    SELECT store_id, day,
           coalesce(p.orders, 0) AS orders,
           coalesce(p.buyers, 0) AS buyers,
           coalesce(p.paid_amount, 0.0) AS paid_amount,
           CAST({refund} AS DOUBLE) AS refund_amount,
           CAST({cost} AS DOUBLE) AS cost_amount
    FROM paid AS p FULL OUTER JOIN refunds AS r USING (store_id, day)
)
SELECT CAST(store_id AS VARCHAR) AS store_id, day AS date,
       CAST(orders AS BIGINT) AS orders, CAST(buyers AS BIGINT) AS buyers,
       CAST(paid_amount AS DOUBLE) AS paid_amount, refund_amount,
       paid_amount - refund_amount AS net_sales, cost_amount,
       paid_amount - refund_amount - cost_amount AS gross_profit
FROM days
ORDER BY store_id, date
"""
    return sql, params


def _date_window(first_day, last_day) -> tuple[str, dict[str, Any]]:
    """A ``WHERE`` template on ``{day}`` for the inclusive local dates, and its parameters."""
    clauses, params = [], {}
    if first_day is not None:
        clauses.append("{day} >= $first_day")
        params["first_day"] = first_day
    if last_day is not None:
        clauses.append("{day} <= $last_day")
        params["last_day"] = last_day
    return (" AND ".join(clauses) or "TRUE"), params


def resolve_facts_period(catalog: Catalog, period) -> tuple[dt.date | None, dt.date | None]:
    """The inclusive local dates a ``facts`` period covers (``None``: all the data).

    ``period`` is a :class:`~ecanalysis.periods.Period`, or text: a calendar form (day,
    week, month, quarter, year, range), read as local dates of each store, or
    ``latest-day``/``latest-week``/``latest-month`` relative to the portfolio's last day
    of orders. ``yesterday``, ``last-week`` and ``last-month`` are refused: a portfolio
    spans time zones, so "today" is not one date.
    """
    if period is None or period == "":
        return None, None
    if not isinstance(period, str):
        return period.first_day, period.last_day
    from ecanalysis.periods import parse_period

    text = period.strip().lower()
    if text in ("yesterday", "last-week", "last-month"):
        raise ParameterError(
            f"facts --period {period!r} depends on each store's today; the portfolio spans "
            "time zones, so give a calendar period (e.g. 2025-11) or latest-day, "
            "latest-week, latest-month"
        )
    data_end = last_order_day(catalog) if text.startswith("latest") else None
    if text.startswith("latest") and data_end is None:
        raise ParameterError(f"facts --period {period!r}: the dataset has no orders")
    resolved = parse_period(period, "UTC", data_end=data_end)
    return resolved.first_day, resolved.last_day


def last_order_day(catalog: Catalog) -> dt.date | None:
    """The latest local date of ``ordered_at`` over the portfolio (None without orders)."""
    sql, params = catalog.order_days_sql()
    days = [row[2] for row in catalog.execute(sql, params, tables=("orders", "stores")).fetchall()]
    days = [day for day in days if day is not None]
    return max(days) if days else None


def check_outside_dataset(catalog: Catalog, target: Path) -> None:
    """Refuse an output file inside the dataset directory or on one of its table files
    (through a symbolic link too): writing it would replace or add a table of the input.

    Raises
    ------
    ecanalysis.errors.ParameterError
        Naming the file and the dataset.
    """
    resolved = target.resolve()
    root = catalog.path.resolve()
    inputs = [s.path.resolve() for s in catalog.sources.values()]
    if (
        root == resolved
        or root in resolved.parents
        or any(resolved == p or p in resolved.parents for p in inputs)
    ):
        raise ParameterError(
            f"--out {target} is inside the dataset {catalog.path} (it would replace or add "
            "an input table); write the facts outside the dataset directory, e.g. "
            "--out facts/daily.parquet"
        )


def write_daily_facts(
    data_dir: str | os.PathLike, out_file: str | os.PathLike, *, period=None
) -> int:
    """Write the portfolio's daily facts to a Parquet file, replacing it atomically.

    Parameters
    ----------
    data_dir : path
        Dataset directory (DESIGN §2).
    out_file : path
        Parquet file to write; its folder is created when missing. The file is first
        written beside it under a temporary name, then renamed over ``out_file``, so
        readers see the old file or the new one, never a partial one.
    period : str or Period, optional
        Keep only these local dates (see :func:`resolve_facts_period`).

    Returns
    -------
    int
        Number of rows written (columns of :data:`FACTS_COLUMNS`; see
        :func:`daily_facts_sql` for their definitions).
    """
    catalog = Catalog.open(data_dir)
    target = Path(out_file)
    try:
        check_outside_dataset(catalog, target)
        catalog.source("stores")
        first_day, last_day = resolve_facts_period(catalog, period)
        sql, params = daily_facts_sql(catalog, first_day=first_day, last_day=last_day)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(target) as temp:
            copy = f"COPY ({sql}) TO {literal(temp)} (FORMAT parquet)"
            rows = catalog.execute(copy, params, tables=("orders", "stores")).fetchone()[0]
    finally:
        catalog.close()
    return int(rows)
