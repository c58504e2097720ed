"""Fonts for PDFs: user text escaped, each script drawn by a font that has it, missing fonts named."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmaps.fonts import FontFiles, FontsMissing, markup, register_fonts
from tests.roadmap.views import CHINESE, KOREAN, SCRIPT_TITLE, VIETNAMESE


def test_markup_escapes_text_and_gives_each_script_a_font() -> None:
    text = markup(f"{SCRIPT_TITLE} {VIETNAMESE} {KOREAN} {CHINESE}\nnext")
    assert text.startswith("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co Nguyễn Thị Hồng ")
    assert f'<font name="NanumGothic">{KOREAN}</font>' in text
    assert f'<font name="WenQuanYiMicroHei">{CHINESE}</font>' in text
    assert text.endswith("<br/>next")
    assert f'<font name="NanumGothic-Bold">{KOREAN}</font>' in markup(KOREAN, bold=True)


def test_a_name_whose_font_is_missing_is_one_clear_refusal_not_empty_boxes(
    tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    files = FontFiles(hangul=tmp_path / "NanumGothic.ttf", cjk=tmp_path / "wqy-microhei.ttc")
    fonts = register_fonts(files)
    assert (fonts.hangul, fonts.cjk) == (None, None)
    assert len(recwarn) == 0  # no Python warning on the way
    assert markup("Nguyễn Thị Hồng", fonts=fonts) == "Nguyễn Thị Hồng"  # what DejaVu draws is drawn
    with pytest.raises(FontsMissing) as refused:
        markup(KOREAN, fonts=fonts)
    message = str(refused.value)
    assert "\n" not in message and "apt-get install fonts-nanum fonts-wqy-microhei" in message


def test_missing_base_font_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing, match="fonts-dejavu-core"):
        register_fonts(FontFiles(base=tmp_path / "DejaVuSans.ttf"))
