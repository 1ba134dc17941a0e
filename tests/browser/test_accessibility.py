"""axe-core (installed from the npm registry by `make browser` into tests/browser/node_modules)
finds no serious or critical accessibility fault in the page, before and after answers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import REQUIRE
from browser.driving import TIMEOUT_MS, ask

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
SETTLED = """() => ![...document.querySelectorAll('[data-testid="status-tracker"]')]
  .some((tracker) => !tracker.classList.contains("hide"))"""
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""


@pytest.fixture
def axe() -> Path:
    if not AXE.exists():
        message = f"{AXE} not installed (`make browser` runs `npm ci` in tests/browser)"
        if os.environ.get(REQUIRE):
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def blocking_violations(page: Any, axe: Path) -> list[dict[str, Any]]:
    """The page's serious and critical faults once nothing is loading (Gradio fades what is
    being refreshed for a moment)."""
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.add_script_tag(path=str(axe))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


@pytest.mark.parametrize("width", [1400, 400])
def test_axe_finds_no_serious_fault(open_page: Any, axe: Path, width: int) -> None:
    page = open_page(width)
    assert blocking_violations(page, axe) == []
    answer = ask(page, "Who reopened the Riverside bridge and how long will its cables last?")
    answer.locator("details.newsqa-more summary").click()  # the folded quotes, opened
    ask(page, "How do I bake sourdough bread?")  # an abstention and its closest articles
    page.locator("#newsqa-add").click()  # the upload form, opened
    assert blocking_violations(page, axe) == []
