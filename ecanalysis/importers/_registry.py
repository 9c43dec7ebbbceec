"""The platforms the importer knows, by name, and their description for ``--list``."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from ecanalysis.errors import ParameterError, closest

if TYPE_CHECKING:
    from ecanalysis.importers._platform import Platform

#: Platform names: orders and lines, traffic, ad spend, reviews (products and refunds come
#: with their platform's orders: ``shopify``, ``taobao``).
PLATFORMS = (
    "shopify",
    "woocommerce",
    "taobao",
    "sycm",
    "jd",
    "pinduoduo",
    "douyin",
    "meta_ads",
    "google_ads",
    "zhitongche",
    "wanxiangtai",
    "yinlimofang",
    "judgeme",
    "yotpo",
    "loox",
)
#: Platforms defined in a module of another name (as its ``PLATFORMS[name]``).
MODULES = {
    "meta_ads": "ads",
    "google_ads": "ads",
    "zhitongche": "ads",
    "wanxiangtai": "ads",
    "yinlimofang": "ads",
    "judgeme": "reviews",
    "yotpo": "reviews",
    "loox": "reviews",
    "jd": "cn_orders",
    "pinduoduo": "cn_orders",
    "douyin": "cn_orders",
}


def get_platform(name: str) -> Platform:
    """The :class:`~ecanalysis.importers._platform.Platform` called ``name``."""
    key = str(name).strip().lower()
    if key not in PLATFORMS:
        guess = closest(key, PLATFORMS)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        raise ParameterError(
            f"unknown platform {name!r}{hint}; platforms: {', '.join(PLATFORMS)} "
            "(`ecanalysis import --list` shows the columns each reads)"
        )
    if key in MODULES:
        return import_module(f"ecanalysis.importers.{MODULES[key]}").PLATFORMS[key]
    return import_module(f"ecanalysis.importers.{key}").PLATFORM


def describe_platforms() -> str:
    """The platforms and the columns each reads, as text for ``ecanalysis import --list``."""
    blocks = []
    for name in PLATFORMS:
        spec = get_platform(name)
        lines = [f"{spec.name}: {spec.title}"]
        for layout in spec.layouts:
            lines.append(f"  {layout.kind} file → {layout.title}")
            lines.append(f"    needs: {', '.join(layout.required)}")
            if layout.optional:
                lines.append(f"    reads when present: {', '.join(layout.optional)}")
        currency = spec.default_currency or "--currency or the file's currency column"
        lines.append(f"  currency: {currency}")
        if spec.notes:
            lines.append(f"  note: {spec.notes}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
