"""The CJK font of the charts: Noto Sans CJK SC, shipped in the ``mplfonts`` package.

Chinese labels need a font with CJK glyphs; matplotlib's bundled DejaVu Sans has none
and draws empty boxes (with a "Glyph … missing from font(s)" warning). The font file
comes from a package registry with ``mplfonts``; nothing is downloaded at run time.

Importing this module changes nothing. :func:`use_cjk_font` registers the font with
matplotlib's font manager (once per process) and :func:`chart_rc` gives the rcParams
that select it, for ``matplotlib.rc_context`` (see ``ecanalysis.plots.plot_style``)
or for a notebook kernel (``ecanalysis.report.setup_notebook``).
"""

from __future__ import annotations

import functools
import importlib.util
import io
from pathlib import Path
from typing import Any

from ecanalysis.errors import EcanalysisError

#: The font file inside the ``mplfonts`` package.
FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: Fallback for glyphs the CJK font lacks (matplotlib ≥ 3.6 falls back per glyph).
FALLBACK_FAMILY = "DejaVu Sans"


def cjk_font_path() -> Path:
    """Path of Noto Sans CJK SC in the installed ``mplfonts`` package.

    The package is located without importing it.

    Returns
    -------
    pathlib.Path
        ``<site-packages>/mplfonts/fonts/NotoSansCJKsc-Regular.otf``.

    Raises
    ------
    EcanalysisError
        When ``mplfonts`` is not installed or lacks the font file.

    Examples
    --------
    >>> cjk_font_path().name
    'NotoSansCJKsc-Regular.otf'
    """
    spec = importlib.util.find_spec("mplfonts")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    raise EcanalysisError(
        f"the CJK chart font {FONT_FILE} was not found (looked in the mplfonts package: "
        f"{folders or 'not installed'}); install it with `pip install mplfonts` "
        "(a dependency of ecanalysis)"
    )


@functools.cache
def use_cjk_font() -> str:
    """Register Noto Sans CJK SC with matplotlib's font manager; return its family name.

    Idempotent: the font is added once per process. rcParams are not changed; pass
    :func:`chart_rc` to ``matplotlib.rc_context`` to use the font.

    Returns
    -------
    str
        The family name to put in ``font.family``: ``'Noto Sans CJK SC'``.

    Examples
    --------
    >>> use_cjk_font()
    'Noto Sans CJK SC'
    >>> use_cjk_font() is use_cjk_font()
    True
    """
    from matplotlib import font_manager

    path = str(cjk_font_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def chart_rc() -> dict[str, Any]:
    """rcParams that make charts render Chinese: the CJK font first, DejaVu Sans after.

    ``axes.unicode_minus`` is off because CJK fonts draw the ASCII hyphen better than
    U+2212; ``text.parse_math`` is off so that ``$`` in product titles or channel names
    is shown as typed rather than parsed as mathtext (which fails on unbalanced ``$``).

    Returns
    -------
    dict
        ``font.family``, ``axes.unicode_minus`` and ``text.parse_math`` settings.

    Examples
    --------
    >>> chart_rc()["font.family"]
    ['Noto Sans CJK SC', 'DejaVu Sans']
    """
    return {
        "font.family": [use_cjk_font(), FALLBACK_FAMILY],
        "axes.unicode_minus": False,
        "text.parse_math": False,
    }


def subset_font(text: str, *, flavor: str = "woff") -> bytes:
    """Noto Sans CJK SC cut down to the characters of ``text``, as a web font.

    Parameters
    ----------
    text : str
        Every character the page shows (duplicates are fine); characters the font
        lacks are left to the browser's other fonts.
    flavor : {"woff", "woff2"}, default "woff"
        ``woff`` is compressed with zlib (standard library); ``woff2`` needs ``brotli``.

    Returns
    -------
    bytes
        The font file: only the glyphs of ``text`` (and ``.notdef``), no hinting, name
        table kept for the licence notice (SIL OFL 1.1 allows embedding subsets).

    Examples
    --------
    >>> small = subset_font("日报")
    >>> small[:4], len(small) < 5_000
    (b'wOFF', True)
    """
    from fontTools import subset

    options = subset.Options()
    options.flavor = flavor
    options.hinting = False
    options.desubroutinize = True  # smaller after compression for small subsets
    options.layout_features = ["kern", "liga", "vert", "locl"]
    options.name_IDs = [0, 1, 2, 13, 14]  # copyright, family, style, licence, licence URL
    options.notdef_outline = True
    font = subset.load_font(str(cjk_font_path()), options, lazy=True)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(set(text))))
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    return out.getvalue()


#: The code points the web font serves (``unicode-range``): CJK punctuation, kana,
#: ideographs and full-width forms. Latin text keeps the system fonts.
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x30FF),  # CJK punctuation, kana
    (0x3100, 0x312F),  # bopomofo
    (0x31C0, 0x31EF),  # strokes
    (0x3200, 0x33FF),  # enclosed letters, compatibility
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFE30, 0xFE4F),  # compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms (，：（）)
    (0x20000, 0x2FA1F),  # extensions B–F
)


def is_cjk(char: str) -> bool:
    """Whether the web font serves ``char`` (see :data:`CJK_RANGES`).

    Examples
    --------
    >>> is_cjk("报"), is_cjk("，"), is_cjk("a"), is_cjk("·")
    (True, True, False, False)
    """
    code = ord(char)
    return any(start <= code <= end for start, end in CJK_RANGES)


def font_face_css(text: str, family: str) -> str:
    """An ``@font-face`` rule for the CJK characters of ``text``: a ``data:`` URL of
    :func:`subset_font` limited by ``unicode-range`` to :data:`CJK_RANGES`.

    The family can then come first in a ``font-family`` list: Latin text skips it (the
    range excludes it) and keeps the system fonts. Put after them instead, Chromium on
    Linux drew some CJK runs as empty boxes. Empty string when ``text`` has no CJK.

    Examples
    --------
    >>> rule = font_face_css("日报 daily", "X")
    >>> rule.startswith('@font-face{font-family:"X";src:url(data:font/woff;base64,')
    True
    >>> "unicode-range:U+2E80-2FDF," in rule, font_face_css("daily", "X")
    (True, '')
    """
    import base64

    chars = "".join(sorted({c for c in text if is_cjk(c)}))
    if not chars:
        return ""
    data = base64.b64encode(subset_font(chars)).decode("ascii")
    ranges = ",".join(f"U+{start:X}-{end:X}" for start, end in CJK_RANGES)
    return (
        f'@font-face{{font-family:"{family}";src:url(data:font/woff;base64,{data}) '
        f'format("woff");font-weight:400;font-style:normal;font-display:swap;'
        f"unicode-range:{ranges}}}"
    )
