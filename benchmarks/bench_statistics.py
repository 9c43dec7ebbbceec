"""Benchmark 5: statistics an operator can trust (issue 17), measured on known truths.

Backtests on the bundled sample (3 stores, 2 years, with 618 / 双11 / Black Friday) and on
synthetic stores whose every effect is planted, so that a flag is known to be false or
true:

- false alarms per 100 store-days of ``detect_anomalies`` on quiet small stores (0.5–5
  orders a day, orders and paid amount) and on large stores (300–2,000 a day);
- recall of planted drops of 3, 4 and 5 standard deviations of the day's noise;
- campaign-week forecast error (MAPE of weekly sums, daily MASE) of
  ``forecast_with_events`` against the plain ETS of ``forecast_daily``, and the coverage
  of its 80 % intervals;
- Brier score of ``month_to_date_pacing``'s ``target_hit_probability``;
- the CLV calibration/holdout error (``calibration_holdout``).

Everything runs in-process on fixed seeds; it takes a few minutes on two cores.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from _util import ROOT, load, workdir

NAME = "5. statistics"
#: Synthetic stores per setting at scale 1.
STORES = 30
DAYS = 120
#: ``threshold_below`` measured beside the defaults (drops flagged sooner than spikes).
DROP_THRESHOLD = 2.8
WEEKDAY = np.array([1.0, 0.95, 0.95, 1.0, 1.05, 1.2, 1.15])


def run(*, scale: float = 1.0) -> list[dict]:
    started = time.perf_counter()
    before = load()
    stores = max(3, int(STORES * scale))
    rows = []
    for threshold_below in (None, DROP_THRESHOLD):
        rows += _false_alarms(stores, threshold_below)
        rows += _recall(stores, threshold_below)
    rows += _long_synthetic(max(2, stores // 10))
    sample = _sample()
    rows += _campaign_forecasts(sample)
    rows += _coverage(sample)
    rows += _pacing(sample)
    rows += _clv_holdout(sample)
    seconds = time.perf_counter() - started
    rows.append({"benchmark": NAME, "figure": "time", "value": f"{seconds:.0f} s", "load": before})
    return rows


# -- anomalies --------------------------------------------------------------------------------


def _store(rate: float, seed: int, *, days: int = DAYS, dispersion: float = 0.05):
    """Daily orders and paid amount of a quiet store: weekday pattern, gamma-Poisson orders,
    gamma order values (mean 80); returns the frame and the expected orders of each day."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-06", periods=days, freq="D")
    mean = rate * WEEKDAY[dates.day_of_week] / WEEKDAY.mean()
    lam = mean * rng.gamma(1 / dispersion, dispersion, days)
    orders = rng.poisson(lam)
    amount = np.array([rng.gamma(2.0, 40.0, n).sum() for n in orders])
    frame = pd.DataFrame({"date": dates, "orders": orders.astype(float), "paid_amount": amount})
    return frame, mean


def _large_store(rate: float, seed: int, *, days: int = DAYS):
    """A large store: lognormal day noise (6 %) on a weekday pattern and a trend; the mean
    and the standard deviation of each day are known."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-06", periods=days, freq="D")
    mean = rate * WEEKDAY[dates.day_of_week] / WEEKDAY.mean() * np.linspace(1.0, 1.15, days)
    noise = 0.06
    orders = np.round(mean * np.exp(rng.normal(0, noise, days) - noise**2 / 2))
    frame = pd.DataFrame({"date": dates, "orders": orders, "paid_amount": orders * 80.0})
    sd = np.sqrt(mean + (noise * mean) ** 2)
    return frame, mean, sd


def _false_alarms(stores: int, threshold_below: float | None = None) -> list[dict]:
    from ecanalysis.metrics.anomalies import detect_anomalies

    out = []
    for label, rates in (
        ("small (0.5–5/day)", (0.5, 1, 2, 3, 5)),
        ("large (300–2,000/day)", (300, 800, 2000)),
    ):
        flags = days = 0
        for rate in rates:
            for seed in range(stores):
                if rate < 100:
                    frame, _ = _store(rate, seed)
                else:
                    frame, _, _ = _large_store(rate, seed)
                for kpi in ("orders", "paid_amount"):
                    result = detect_anomalies(frame, value_col=kpi, threshold_below=threshold_below)
                    flags += int(result["is_anomaly"].sum())
                    days += len(result)
        per_100 = 100 * flags / days
        setting = f"threshold_below {threshold_below}" if threshold_below else "defaults"
        print(
            f"false alarms, {label}, {setting}: {flags} in {days:,} store-days = {per_100:.2f} per 100"
        )
        out.append(
            {
                "benchmark": NAME,
                "figure": f"false alarms per 100 store-days, {label} stores, orders and paid amount ({setting})",
                "value": f"{per_100:.2f} ({flags} in {days:,})",
                "target": "≤ 1",
                "met": per_100 <= 1,
            }
        )
    return out


def _recall(stores: int, threshold_below: float | None = None) -> list[dict]:
    """Planted one-day drops of k standard deviations of the day's noise, large stores:
    either the day is set to expected − kσ (a drop of exactly kσ), or kσ is taken off the
    day's noisy value (its own noise stays on top)."""
    from ecanalysis.metrics.anomalies import detect_anomalies

    out = []
    for noisy in (False, True):
        for sigmas in (3, 4, 5):
            found = planted = 0
            for seed in range(stores):
                frame, mean, sd = _large_store(800, 1000 + seed)
                rng = np.random.default_rng(seed)
                days = rng.choice(np.arange(20, DAYS - 5), size=3, replace=False)
                for day in days:
                    base = frame.loc[day, "orders"] if noisy else mean[day]
                    frame.loc[day, "orders"] = np.round(base - sigmas * sd[day])
                result = detect_anomalies(
                    frame, value_col="orders", threshold_below=threshold_below
                )
                below = result.loc[days, "is_anomaly"] & (result.loc[days, "direction"] == "below")
                found += int(below.sum())
                planted += len(days)
            recall = found / planted
            how = "kσ off the noisy day" if noisy else "day set to expected − kσ"
            how += f", threshold_below {threshold_below}" if threshold_below else ", defaults"
            print(f"recall of {sigmas}-sigma drops ({how}): {found}/{planted} = {recall:.0%}")
            out.append(
                {
                    "benchmark": NAME,
                    "figure": f"recall of planted {sigmas}σ one-day drops, {how} (large stores)",
                    "value": f"{recall:.0%} ({found}/{planted})",
                    "target": "≥ 90 %" if sigmas == 3 else "",
                    "met": recall >= 0.9 if sigmas == 3 else None,
                }
            )
    return out


def _festival_history(seed: int):
    """Three years of daily sales with planted festival effects (peak × 4, sale days × 2,
    pre-window × 0.9, post-window × 0.8), weekday pattern, 10 % growth a year, 8 % noise."""
    from ecanalysis.metrics.calendar import event_regressors, festival_calendar

    days = pd.date_range("2023-01-01", "2025-12-31", freq="D")
    rng = np.random.default_rng(seed)
    events = event_regressors(days, festival_calendar(days[0], days[-1], region="cn"))
    growth = np.exp(0.1 * np.arange(len(days)) / 365.25)
    effect = (
        np.where(events["event_peak"] == 1, 4.0, 1.0)
        * np.where(events["event_window"] == 1, 2.0, 1.0)
        * np.where(events["pre_event"] == 1, 0.9, 1.0)
        * np.where(events["post_event"] == 1, 0.8, 1.0)
    )
    level = 5000 * WEEKDAY[days.day_of_week] * growth * effect
    values = level * np.exp(rng.normal(0, 0.08, len(days)))
    return pd.DataFrame({"date": days, "paid_amount": values}), events


def _long_synthetic(stores: int) -> list[dict]:
    """Campaign-week MAPE and event-aware false alarms on three planted years."""
    from ecanalysis.metrics.anomalies import detect_anomalies
    from ecanalysis.metrics.forecast import forecast_daily, forecast_with_events

    errors = {"events": [], "ets": []}
    flags = {"blind": 0, "aware": 0}
    days = 0
    for seed in range(stores):
        frame, events = _festival_history(seed)
        series = frame.set_index("date")["paid_amount"]
        for start, end in (("2025-06-01", "2025-06-18"), ("2025-11-01", "2025-11-11")):
            origin = pd.Timestamp(start) - pd.Timedelta(days=7)
            history = frame[frame["date"] < origin]
            horizon = int((pd.Timestamp(end) - origin).days + 1)
            actual = series.reindex(pd.date_range(start, end)).to_numpy()
            weeks = np.arange(len(actual)) // 7
            for model, ahead in (
                (
                    "events",
                    forecast_with_events(
                        history, value_col="paid_amount", horizon=horizon, region="cn"
                    ),
                ),
                ("ets", forecast_daily(history, value_col="paid_amount", horizon=horizon)),
            ):
                predicted = ahead["forecast"].to_numpy()[7:]
                act, pred = np.bincount(weeks, actual), np.bincount(weeks, predicted)
                errors[model].extend(np.abs(act - pred) / act)
        last_year = frame[frame["date"] >= "2025-01-01"].reset_index(drop=True)
        known = events[events["date"] >= "2025-01-01"].reset_index(drop=True)
        flags["blind"] += int(
            detect_anomalies(last_year, value_col="paid_amount")["is_anomaly"].sum()
        )
        aware = detect_anomalies(last_year, value_col="paid_amount", events=known)
        flags["aware"] += int(aware["is_anomaly"].sum())
        days += len(last_year)
    mape = {model: float(np.mean(values)) for model, values in errors.items()}
    cut = 1 - mape["events"] / mape["ets"]
    per_100 = {kind: 100 * count / days for kind, count in flags.items()}
    print(
        f"synthetic festivals: campaign-week MAPE {mape['events']:.1%} vs ETS {mape['ets']:.1%} "
        f"({cut:.0%} lower); flags per 100 store-days {per_100['aware']:.2f} with the calendar, "
        f"{per_100['blind']:.2f} without"
    )
    return [
        {
            "benchmark": NAME,
            "figure": f"campaign-week MAPE, synthetic 3-year stores with planted festivals ({stores} stores)",
            "value": f"{mape['events']:.1%} vs ETS {mape['ets']:.1%} ({cut:.0%} lower)",
            "target": "≥ 30 % lower",
            "met": cut >= 0.3,
        },
        {
            "benchmark": NAME,
            "figure": "false alarms per 100 store-days on festival days and around, synthetic 2025 (with the calendar / without)",
            "value": f"{per_100['aware']:.2f} / {per_100['blind']:.2f}",
            "target": "≤ 1",
            "met": per_100["aware"] <= 1,
        },
    ]


# -- the sample -------------------------------------------------------------------------------


def _sample() -> dict:
    """Daily facts, campaigns and orders of the bundled sample (generated if missing)."""
    import subprocess

    from ecanalysis.data import open_dataset

    path = ROOT / "data" / "sample"
    if not (path / "orders.parquet").exists():
        path = workdir() / "sample-statistics"
        if not (path / "orders.parquet").exists():
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "ecanalysis"), "sample", str(path)], check=True
            )
    dataset = open_dataset(path)
    facts = dataset.daily_facts()
    facts["date"] = pd.to_datetime(facts["date"])
    return {"dataset": dataset, "facts": facts, "campaigns": dataset.table("campaigns")}


def _campaign_forecasts(sample: dict) -> list[dict]:
    """Forecasts made a week before each 2025 campaign of the sample, through its end."""
    from ecanalysis.metrics.forecast import forecast_daily, forecast_with_events

    weekly = {"events": [], "ets": []}
    mase = {"events": [], "ets": []}
    inside = total = 0
    for store_id, daily in sample["facts"].groupby("store_id"):
        daily = daily[["date", "paid_amount"]].reset_index(drop=True)
        campaigns = sample["campaigns"][sample["campaigns"]["store_id"] == store_id]
        series = daily.set_index("date")["paid_amount"]
        for _, campaign in campaigns.iterrows():
            start, end = pd.Timestamp(campaign["start"]), pd.Timestamp(campaign["end"])
            if start.year != 2025 or end > series.index[-1]:
                continue
            origin = start - pd.Timedelta(days=7)
            history = daily[daily["date"] < origin]
            horizon = int((end - origin).days + 1)
            actual = series.reindex(pd.date_range(origin, end)).to_numpy()
            last_year = history["paid_amount"].to_numpy()[-365:]
            scale = float(np.mean(np.abs(last_year[7:] - last_year[:-7])))
            forecasts = {
                "events": forecast_with_events(
                    history, value_col="paid_amount", horizon=horizon, campaigns=campaigns
                ),
                "ets": forecast_daily(history, value_col="paid_amount", horizon=horizon),
            }
            for model, ahead in forecasts.items():
                predicted = ahead["forecast"].to_numpy()
                days = slice(7, None)  # the campaign's own days
                weeks = np.arange(len(actual[days])) // 7
                act = np.bincount(weeks, actual[days])
                pred = np.bincount(weeks, predicted[days])
                weekly[model].extend(np.abs(act - pred) / act)
                mase[model].append(float(np.mean(np.abs(actual[days] - predicted[days])) / scale))
            band = forecasts["events"]
            inside += int(((actual >= band["lower"]) & (actual <= band["upper"])).sum())
            total += len(actual)
    mape = {model: float(np.mean(values)) for model, values in weekly.items()}
    scaled = {model: float(np.mean(values)) for model, values in mase.items()}
    cut = 1 - mape["events"] / mape["ets"]
    coverage = inside / total
    print(
        f"campaign weeks: MAPE {mape['events']:.1%} (events) vs {mape['ets']:.1%} (ETS), "
        f"{cut:.0%} lower; MASE {scaled['events']:.2f} vs {scaled['ets']:.2f}; "
        f"80% interval coverage {coverage:.0%}"
    )
    return [
        {
            "benchmark": NAME,
            "figure": f"campaign-week MAPE (weekly sums), sample 2025 campaigns: events vs plain ETS ({len(weekly['ets'])} weeks)",
            "value": f"{mape['events']:.1%} vs {mape['ets']:.1%} ({cut:.0%} lower)",
            "target": "≥ 30 % lower",
            "met": cut >= 0.3,
        },
        {
            "benchmark": NAME,
            "figure": "campaign-day MASE (daily, scale: last year's weekly naive), events vs ETS",
            "value": f"{scaled['events']:.2f} vs {scaled['ets']:.2f}",
        },
        {
            "benchmark": NAME,
            "figure": f"80 % interval coverage, event forecast, campaign runs ({total} days)",
            "value": f"{coverage:.0%}",
            "target": "75–85 %",
            "met": 0.75 <= coverage <= 0.85,
        },
    ]


def _coverage(sample: dict) -> list[dict]:
    """80 % intervals of 28-day forecasts from the 1st of each month of 2025 (Jan–Oct)."""
    from ecanalysis.metrics.forecast import forecast_daily, forecast_with_events

    counts = {"events": [0, 0], "ets": [0, 0]}
    for store_id, daily in sample["facts"].groupby("store_id"):
        daily = daily[["date", "paid_amount"]].reset_index(drop=True)
        series = daily.set_index("date")["paid_amount"]
        campaigns = sample["campaigns"][sample["campaigns"]["store_id"] == store_id]
        for origin in pd.date_range("2025-01-01", "2025-10-01", freq="MS"):
            history = daily[daily["date"] < origin]
            actual = series.reindex(pd.date_range(origin, periods=28)).to_numpy()
            forecasts = {
                "events": forecast_with_events(
                    history, value_col="paid_amount", horizon=28, campaigns=campaigns
                ),
                "ets": forecast_daily(history, value_col="paid_amount", horizon=28),
            }
            for model, ahead in forecasts.items():
                counts[model][0] += int(
                    ((actual >= ahead["lower"]) & (actual <= ahead["upper"])).sum()
                )
                counts[model][1] += len(actual)
    share = {model: inside / total for model, (inside, total) in counts.items()}
    print(
        f"80% interval coverage, monthly origins: events {share['events']:.0%}, ETS {share['ets']:.0%}"
    )
    return [
        {
            "benchmark": NAME,
            "figure": f"80 % interval coverage, 28-day forecasts from each month of 2025, sample ({counts['events'][1]} days; plain ETS {share['ets']:.0%})",
            "value": f"{share['events']:.0%}",
            "target": "75–85 %",
            "met": 0.75 <= share["events"] <= 0.85,
        }
    ]


def _pacing(sample: dict) -> list[dict]:
    """Brier score of target_hit_probability on the sample: each 2025 month, as of the
    10th and the 20th, with targets at 90, 100 and 110 % of last year's month × 1.15."""
    from ecanalysis.metrics.targets import month_to_date_pacing

    probabilities, outcomes = [], []
    for _, daily in sample["facts"].groupby("store_id"):
        daily = daily[["date", "paid_amount"]].reset_index(drop=True)
        series = daily.set_index("date")["paid_amount"]
        for month in pd.date_range("2025-01-01", "2025-10-01", freq="MS"):
            total = float(series[month : month + pd.offsets.MonthEnd(0)].sum())
            last_year = float(
                series[
                    month - pd.DateOffset(years=1) : month
                    - pd.DateOffset(years=1)
                    + pd.offsets.MonthEnd(0)
                ].sum()
            )
            for day in (10, 20):
                as_of = month + pd.Timedelta(days=day - 1)
                known = daily[daily["date"] <= as_of]
                targets = {"paid_amount": last_year * 1.15}
                for factor in (0.9, 1.0, 1.1):
                    targets = {"paid_amount": last_year * 1.15 * factor}
                    pace = month_to_date_pacing(known, month=month, as_of=as_of, targets=targets)
                    probabilities.append(float(pace["target_hit_probability"].iloc[0]))
                    outcomes.append(float(total >= targets["paid_amount"]))
    p, y = np.array(probabilities), np.array(outcomes)
    brier = float(np.mean((p - y) ** 2))
    climatology = float(np.mean((y.mean() - y) ** 2))
    print(f"pacing: Brier {brier:.3f} (base rate alone {climatology:.3f}) over {len(p)} forecasts")
    return [
        {
            "benchmark": NAME,
            "figure": f"Brier score of target_hit_probability, sample 2025 months ({len(p)} forecasts; base rate alone {climatology:.3f})",
            "value": f"{brier:.3f}",
            "target": f"< {climatology:.3f}",
            "met": brier < climatology,
        }
    ]


def _clv_holdout(sample: dict) -> list[dict]:
    from ecanalysis.metrics.clv import calibration_holdout

    out = []
    for store_id in sorted(sample["facts"]["store_id"].unique()):
        orders = sample["dataset"].table("orders", store_id=store_id)
        table = calibration_holdout(
            orders, calibration_end="2025-05-31", observation_end="2025-11-30"
        )
        row = table[table["frequency_cal"] == "all"].iloc[0]
        error = row["error"] / row["actual"]
        print(
            f"CLV holdout {store_id}: predicted {row['predicted']:.3f} vs actual {row['actual']:.3f} purchases a customer ({error:+.1%})"
        )
        out.append(
            {
                "benchmark": NAME,
                "figure": f"CLV holdout {store_id}: predicted vs actual purchases a customer, Jun–Nov 2025 ({int(row['customers']):,} customers)",
                "value": f"{row['predicted']:.3f} vs {row['actual']:.3f} ({error:+.1%}); MAE {table.attrs['mean_absolute_error']:.2f}",
            }
        )
    return out


if __name__ == "__main__":
    for row in run():
        print(row)
