"""Does ``--timezone`` fit the export? Checked from the export's own times.

- Times with a UTC offset (Shopify's ``2025-11-01 10:15:00 -0400``; WooCommerce's when the
  plugin's date format has one): each offset is compared with the offset ``--timezone``
  has at that instant, so daylight saving time is judged exactly. When more than half of
  them disagree, the import is refused before anything is written: every day boundary
  would shift. The message names the offsets seen, an example cell and zones that have
  those offsets then. Fewer disagreements (a store that changed its zone, rows edited by
  hand) are converted to ``--timezone`` as usual and counted in a note of the summary.
- Times without an offset cannot be checked. For a platform whose exports are always in
  one zone (淘宝 and 生意参谋: China time), a ``--timezone`` that is not at that zone's
  offset on the imported dates gets a warning, not a refusal: the times are taken as
  local times of ``--timezone`` as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.importers._parse import ZONED
from ecanalysis.importers._read import Export

#: Zones suggested first when several fit the offsets, most populous and commercial first
#: (their metropolitan areas, roughly): +05:00 suggests Asia/Karachi and Asia/Tashkent,
#: not a research station. Zones not listed follow alphabetically, ``Antarctica/`` last.
MAJOR_ZONES = (
    *("Asia/Shanghai", "Asia/Kolkata", "America/New_York", "America/Chicago"),
    *("America/Los_Angeles", "America/Denver", "America/Phoenix", "Asia/Jakarta"),
    *("America/Sao_Paulo", "Asia/Karachi", "Africa/Lagos", "Asia/Dhaka", "Europe/Moscow"),
    *("America/Mexico_City", "Asia/Tokyo", "Asia/Manila", "Africa/Cairo"),
    *("Asia/Ho_Chi_Minh", "Europe/Istanbul", "Asia/Tehran", "Europe/London", "Europe/Berlin"),
    *("Europe/Paris", "Asia/Bangkok", "Europe/Rome", "Europe/Madrid", "Asia/Seoul"),
    *("Africa/Johannesburg", "Africa/Nairobi", "America/Bogota", "America/Lima"),
    *("America/Argentina/Buenos_Aires", "America/Toronto", "Asia/Riyadh", "Asia/Tashkent"),
    *("Asia/Kuala_Lumpur", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Dubai"),
    *("Australia/Sydney", "Australia/Melbourne", "Africa/Casablanca", "Africa/Algiers"),
    *("Asia/Baghdad", "Europe/Kyiv", "Europe/Kiev", "Europe/Warsaw", "Europe/Amsterdam"),
    *("Asia/Kabul", "Asia/Yangon", "Asia/Kathmandu", "Asia/Colombo", "America/Santiago"),
    *("America/Caracas", "Europe/Bucharest", "Asia/Yekaterinburg", "Asia/Almaty"),
    *("Australia/Brisbane", "Australia/Perth", "Australia/Adelaide", "Pacific/Auckland"),
    *("America/Vancouver", "America/Edmonton", "America/Winnipeg", "America/Halifax"),
    *("America/Anchorage", "Pacific/Honolulu", "Europe/Brussels", "Europe/Stockholm"),
    *("Europe/Vienna", "Europe/Zurich", "Europe/Prague", "Europe/Athens", "Europe/Lisbon"),
    *("Europe/Dublin", "Europe/Helsinki", "Asia/Jerusalem", "Asia/Novosibirsk"),
    *("Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Vladivostok", "Asia/Baku", "Asia/Tbilisi"),
    *("Asia/Yerevan", "Asia/Qatar", "Asia/Kuwait", "Asia/Muscat", "Africa/Accra"),
    *("Africa/Addis_Ababa", "Africa/Kinshasa", "Africa/Dar_es_Salaam", "Africa/Khartoum"),
    *("Africa/Abidjan", "Africa/Tunis", "America/Guatemala", "America/Havana"),
    *("America/Santo_Domingo", "America/Puerto_Rico", "America/Panama"),
    *("America/Montevideo", "America/La_Paz", "America/Asuncion", "America/Guayaquil"),
    *("Asia/Phnom_Penh", "Asia/Ulaanbaatar", "Asia/Bishkek", "Asia/Dushanbe"),
    *("Asia/Ashgabat", "Asia/Omsk", "Europe/Samara", "Indian/Maldives", "Asia/Makassar"),
    *("Asia/Jayapura", "Pacific/Port_Moresby", "Pacific/Fiji", "Atlantic/Reykjavik"),
    *("Atlantic/Azores", "Atlantic/Cape_Verde", "America/Noronha", "Australia/Darwin"),
    *("Asia/Kamchatka", "Asia/Magadan", "Pacific/Tongatapu", "Pacific/Chatham"),
)
#: Areas of the IANA names suggested (not ``Etc/GMT+5``, ``US/Eastern`` or ``EST5EDT``).
_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
_SUGGESTED = 3
#: How the warning names the zone a platform's exports are in.
ZONE_NAMES = {"Asia/Shanghai": "China time"}
_OFFSET = r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$"


def zoned_times(exports: Sequence[Export], columns: Sequence[str]) -> pd.DataFrame:
    """The cells of ``columns`` in ``exports`` that carry a UTC offset and parse.

    One row per cell, in file order: ``file``, ``line``, ``column``, ``text``, ``utc``
    (the instant, tz-aware UTC) and ``offset`` (the cell's offset, minutes east of UTC).
    """
    parts = []
    for position, export in enumerate(exports):
        for column in columns:
            if column not in export.frame.columns:
                continue
            text = export.frame[column].fillna("").str.strip()
            text = text[text.str.contains(ZONED)]
            utc = pd.to_datetime(text, utc=True, format="mixed", errors="coerce")
            text, utc = text[utc.notna()], utc[utc.notna()]
            if text.empty:
                continue
            frame = pd.DataFrame({"text": text, "utc": utc, "offset": _offsets(text)})
            frame.insert(0, "column", column)
            frame.insert(0, "line", export.lines(text.index))
            frame.insert(0, "file", export.path.name)
            parts.append(frame.assign(_file=position, _row=text.index))
    if not parts:
        return pd.DataFrame(columns=["file", "line", "column", "text", "utc", "offset"])
    # the cells of a row together, its columns in the order given
    times = pd.concat(parts, ignore_index=True).sort_values(["_file", "_row"], kind="stable")
    return times.drop(columns=["_file", "_row"]).reset_index(drop=True)


def _offsets(text: pd.Series) -> pd.Series:
    """Minutes east of UTC written at the end of each cell (``Z`` is 0)."""
    parts = text.str.extract(_OFFSET)
    minutes = parts["hours"].astype("float64") * 60 + parts["minutes"].astype("float64")
    minutes = minutes.where(parts["sign"] != "-", -minutes)
    return minutes.fillna(0.0).astype("int64")


def check_offsets(
    exports: Sequence[Export],
    columns: Sequence[str],
    timezone: str,
    *,
    country_columns: Sequence[str] = (),
) -> str | None:
    """Refuse ``timezone`` when most times with an offset contradict it; note a few.

    ``country_columns`` (Shopify's ``Billing Country``): the zones of the export's most
    common country are suggested first.

    Returns
    -------
    str or None
        A note for the import summary when some (at most half) of the times are at an
        offset that ``timezone`` does not have at that instant; None when all agree or no
        time carries an offset.

    Raises
    ------
    ecanalysis.errors.ParameterError
        When more than half of the times with an offset disagree with ``timezone``.
    """
    times = zoned_times(exports, columns)
    if times.empty:
        return None
    local = times["utc"].dt.tz_convert(timezone).dt.tz_localize(None)
    zone_offset = (local - times["utc"].dt.tz_localize(None)) // pd.Timedelta(minutes=1)
    off = times[times["offset"].to_numpy() != zone_offset.to_numpy()]
    if off.empty:
        return None
    first = off.iloc[0]
    example = f"{first['file']} line {first['line']}, {first['column']} {first['text']!r}"
    seen = _describe(off["offset"])
    share = f"{len(off)} of {len(times)} times with a UTC offset"
    if 2 * len(off) <= len(times):
        return (
            f"times: {share} are at {seen} (e.g. {example}), which {timezone} does not "
            f"have then; they were converted to {timezone} time: check them if the store "
            "changed its time zone"
        )
    zone_seen = _describe(zone_offset[off.index])
    fits = zones_with_offsets(off["utc"], off["offset"], first=_countries(exports, country_columns))
    if fits:
        more = " …" if len(fits) > _SUGGESTED else ""
        hint = f"Zones with these offsets then: {', '.join(fits[:_SUGGESTED])}{more}"
    else:
        hint = "No zone has all these offsets then (times from several zones?)"
    raise ParameterError(
        f"the export's times are at {seen} ({share}, e.g. {example}), which {timezone} "
        f"({zone_seen} then) does not have: is --timezone right? {hint}; pass the "
        "store's own zone as --timezone"
    )


def _countries(exports: Sequence[Export], columns: Sequence[str]) -> list[str]:
    """ISO 3166 codes in ``columns`` of the exports, the most common first."""
    values = [
        export.frame[column].str.strip().str.upper()
        for export in exports
        for column in columns
        if column in export.frame.columns
    ]
    if not values:
        return []
    codes = pd.concat(values, ignore_index=True)
    codes = codes[codes.str.fullmatch(r"[A-Z]{2}")]
    return codes.value_counts(sort=True).index.tolist()


def country_zones(code: str) -> list[str]:
    """The IANA zones of country ``code`` (ISO 3166 alpha-2) by the tz database's
    ``zone.tab``; empty when the table cannot be read."""
    return [zone for country, zone in _zone_table() if country == code]


@cache
def _zone_table() -> tuple[tuple[str, str], ...]:
    try:
        from importlib.resources import files

        text = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ImportError, OSError):
        try:
            text = Path("/usr/share/zoneinfo/zone.tab").read_text(encoding="utf-8")
        except OSError:
            return ()
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return tuple((row[0], row[2]) for row in rows if len(row) >= 3)


def zones_with_offsets(
    instants: pd.Series, offsets: pd.Series, *, first: Sequence[str] = ()
) -> list[str]:
    """IANA zones that are at ``offsets`` (minutes) at ``instants``, major ones first;
    the zones of the countries ``first`` (ISO codes) before all others.

    Judged on the first and the last instant of each offset, which keeps it fast and
    suffices to tell zones apart by their daylight saving rules around those dates.
    """
    samples = []
    for offset, group in instants.groupby(offsets.to_numpy(), sort=True):
        for instant in (group.min(), group.max()):
            samples.append((instant.to_pydatetime(), int(offset)))
    ranked = ranked_zones()
    preferred = []
    for code in first:  # each country's zones in the order of ranked_zones
        preferred += sorted((z for z in country_zones(code) if z in ranked), key=ranked.index)
    ordered = list(dict.fromkeys([*preferred, *ranked]))
    return [name for name in ordered if _has_offsets(name, samples)]


def ranked_zones() -> list[str]:
    """Every IANA zone of the areas suggested: :data:`MAJOR_ZONES` in their order, then
    the others alphabetically, ``Antarctica/`` (research stations) last."""
    names = {z for z in available_timezones() if z.startswith(_AREAS)}
    major = [z for z in MAJOR_ZONES if z in names]
    rest = sorted(names - set(major), key=lambda z: (z.startswith("Antarctica/"), z))
    return major + rest


def _has_offsets(name: str, samples: list[tuple[datetime, int]]) -> bool:
    zone = ZoneInfo(name)
    for instant, offset in samples:
        utcoffset = instant.astimezone(zone).utcoffset()
        if utcoffset is None or utcoffset.total_seconds() != offset * 60:
            return False
    return True


def _describe(minutes: pd.Series) -> str:
    """``UTC-04:00/-05:00``: the distinct offsets, east first."""
    values = sorted({int(m) for m in minutes}, reverse=True)
    return "UTC" + "/".join(_offset_text(m) for m in values)


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def local_time_warning(
    platform: str, export_zone: str, timezone: str, days: pd.Series
) -> str | None:
    """Warn when ``timezone`` is not at ``export_zone``'s offset on the imported days.

    ``days`` are the imported rows' local dates (midnight). Noon of each day is compared,
    so a zone that shares the offset (Asia/Singapore for China time) passes.
    """
    dates = pd.DatetimeIndex(days.dropna().unique()).sort_values()
    if dates.empty or timezone == export_zone:
        return None
    noon = dates + pd.Timedelta(hours=12)
    given = _local_offsets(noon, timezone)
    expected = _local_offsets(noon, export_zone)
    if (given == expected).all():
        return None
    span = f"{dates[0].date().isoformat()}..{dates[-1].date().isoformat()}"
    return (
        f"{platform} exports are in {ZONE_NAMES.get(export_zone, export_zone + ' time')} "
        f"({_describe(pd.Series(expected))}) without a "
        f"zone, and their times were taken as {timezone} times, which is at "
        f"{_describe(pd.Series(given))} on the imported dates ({span}): unless this store's "
        f"exports are really in {timezone} time, its days and hours are off; then import "
        f"them again with --timezone {export_zone} into another --out or --store-id"
    )


def _local_offsets(local: pd.DatetimeIndex, timezone: str) -> pd.Index:
    """Minutes east of UTC of ``timezone`` at the naive local times ``local``."""
    aware = local.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
    return pd.Index((local - aware.tz_convert("UTC").tz_localize(None)) // pd.Timedelta(minutes=1))
