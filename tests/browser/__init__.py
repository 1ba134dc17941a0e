"""Browser tests of the chat page (Playwright driving Debian's chromium)."""
