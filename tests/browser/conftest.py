"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import pytest


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()
