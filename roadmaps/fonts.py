"""Fonts for PDFs: DejaVu Sans for Latin scripts, Nanum Gothic for Hangul, WenQuanYi for CJK."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from assessment.core.errors import AcceleratorError

FONT_ROOT = Path("/usr/share/fonts/truetype")

BASE = "DejaVuSans"
BASE_BOLD = "DejaVuSans-Bold"
BASE_ITALIC = "DejaVuSans-Oblique"
HANGUL = "NanumGothic"
HANGUL_BOLD = "NanumGothic-Bold"
CJK = "WenQuanYiMicroHei"


class FontsMissing(AcceleratorError):
    """The base font for PDFs is not installed."""


@dataclass(frozen=True)
class FontFiles:
    """Where each font file is expected (Debian packages fonts-dejavu-core, -nanum, -wqy-microhei)."""

    base: Path = FONT_ROOT / "dejavu" / "DejaVuSans.ttf"
    base_bold: Path = FONT_ROOT / "dejavu" / "DejaVuSans-Bold.ttf"
    base_italic: Path = FONT_ROOT / "dejavu" / "DejaVuSans-Oblique.ttf"
    hangul: Path = FONT_ROOT / "nanum" / "NanumGothic.ttf"
    hangul_bold: Path = FONT_ROOT / "nanum" / "NanumGothicBold.ttf"
    cjk: Path = FONT_ROOT / "wqy" / "wqy-microhei.ttc"


@dataclass(frozen=True)
class FontSet:
    """The registered font names and, per fallback font, the characters it can draw."""

    base: str
    bold: str
    hangul: str | None
    hangul_bold: str | None
    cjk: str | None
    coverage: dict[str, frozenset[int]]
    missing: tuple[str, ...] = ()  # what to install for the scripts whose font is not there

    def font_for(self, char: str) -> str:
        """The font that should draw ``char``: the base font when it has the glyph."""
        code = ord(char)
        if char.isspace() or code in self.coverage[self.base]:
            return self.base
        # Hangul reads best in a Korean design and ideographs in a Chinese one; either font
        # still beats an empty box when the other is missing.
        order = (self.hangul, self.cjk) if _is_hangul(code) else (self.cjk, self.hangul)
        for name in order:
            if name and code in self.coverage[name]:
                return name
        if self.missing:
            # an empty box where a person's name should be is worse than no PDF
            raise FontsMissing(
                f"The PDF cannot draw '{char}' (in a name or note): its font is not installed. "
                f"Install it with: apt-get install {' '.join(self.missing)} (make demo installs it), then build again."
            )
        return self.base


def _is_hangul(code: int) -> bool:
    return 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xA960 <= code <= 0xA97F or 0xAC00 <= code <= 0xD7FF


def _register(name: str, path: Path, **options: int) -> frozenset[int]:
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path), **options))
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def _family(name: str, bold: str, italic: str) -> None:
    # reportlab maps each face back to the last (bold, italic) it was given, so the plain
    # and bold faces go last: a family without an italic must still read as upright.
    addMapping(name, 1, 1, bold)
    addMapping(name, 0, 1, italic)
    addMapping(name, 1, 0, bold)
    addMapping(name, 0, 0, name)


@lru_cache
def register_fonts(files: FontFiles = FontFiles()) -> FontSet:
    """Register the fonts with reportlab once; a script whose font is missing is refused when drawn."""
    if not files.base.exists():
        raise FontsMissing(f"The PDF font {files.base} is missing. Install it with: apt-get install fonts-dejavu-core")
    coverage = {BASE: _register(BASE, files.base)}
    bold = BASE_BOLD if files.base_bold.exists() else BASE
    if files.base_bold.exists():
        coverage[BASE_BOLD] = _register(BASE_BOLD, files.base_bold)
    italic = BASE_ITALIC if files.base_italic.exists() else BASE
    if files.base_italic.exists():
        _register(BASE_ITALIC, files.base_italic)
    _family(BASE, bold, italic)

    missing: list[str] = []
    hangul: str | None = None
    hangul_bold: str | None = None
    if files.hangul.exists():
        hangul = HANGUL
        coverage[HANGUL] = _register(HANGUL, files.hangul)
        hangul_bold = HANGUL
        if files.hangul_bold.exists():
            hangul_bold = HANGUL_BOLD
            _register(HANGUL_BOLD, files.hangul_bold)
        _family(HANGUL, hangul_bold, HANGUL)
    else:
        missing.append("fonts-nanum")

    cjk: str | None = None
    if files.cjk.exists():
        cjk = CJK
        coverage[CJK] = _register(CJK, files.cjk, subfontIndex=0)
        # WenQuanYi has no bold face; bold CJK text stays regular rather than failing.
        _family(CJK, CJK, CJK)
    else:
        missing.append("fonts-wqy-microhei")

    return FontSet(
        base=BASE, bold=bold, hangul=hangul, hangul_bold=hangul_bold, cjk=cjk, coverage=coverage, missing=tuple(missing)
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str, *, bold: bool = False, fonts: FontSet | None = None) -> str:
    """User text as reportlab paragraph markup: escaped, line breaks kept, each script in a font that has it.

    Pass ``bold`` when the text sits in a bold style or inside ``<b>``: a ``<font name>`` tag
    resets reportlab's bold flag, so the bold face of the fallback font is named outright.
    """
    fonts = fonts or register_fonts()
    faces = {fonts.hangul: fonts.hangul_bold} if bold and fonts.hangul else {}
    # Decomposed accents (e + combining marks) would be drawn as separate glyphs; NFC joins them.
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    parts: list[str] = []
    for font, chars in groupby(text, key=fonts.font_for):
        chunk = _escape("".join(chars))
        parts.append(chunk if font == fonts.base else f'<font name="{faces.get(font, font)}">{chunk}</font>')
    return "".join(parts).replace("\n", "<br/>")
