"""Korean first: every message has a Korean translation, and the catalogue is used."""

from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[1] / "src/hyeopchi/locale/ko/LC_MESSAGES/django.po"


def _entries(text: str):
    """Yield (msgid, msgstr, fuzzy) for each entry of a .po file, header excluded."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgid ", "msgstr", "msgid_plural ", "msgctxt ")):
                current, _, rest = line.partition(" ")
                fields[current] = rest.strip()[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            translated = fields.get("msgstr", fields.get("msgstr[0]", ""))
            yield fields["msgid"], translated, fuzzy


def test_every_message_is_translated_to_korean():
    entries = list(_entries(PO.read_text(encoding="utf-8")))
    assert len(entries) > 100
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


def test_korean_is_the_default_and_english_available(settings):
    assert settings.LANGUAGE_CODE == "ko"
    with translation.override("ko"):
        assert translation.gettext("district") == "자치구"
    with translation.override("en"):
        assert translation.gettext("district") == "district"
