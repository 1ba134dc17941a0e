"""The page itself: layout, events and launch (local assets, system fonts, no analytics)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from newsqa.api import NewsQA, build_sample_index
from newsqa.config import Settings
from newsqa.index.manifest import MANIFEST, IndexUnavailable
from newsqa.ui.bubbles import EMPTY as EMPTY_CONVERSATION
from newsqa.ui.conversation import Conversation, render
from newsqa.ui.filters import OutletFilter
from newsqa.ui.hosts import HostGuard, HostPolicy
from newsqa.ui.source_cards import EMPTY as EMPTY_SOURCES
from newsqa.ui.status import example_questions, status_html
from newsqa.ui.turns import Filters, Turn
from newsqa.ui.uploads import ACCEPTED, MAX_FILE_BYTES, Limits, summary_html, upload_from_page

SYSTEM_FONTS = [
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Helvetica",
    "Arial",
    "sans-serif",
]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
FOCUS_QUESTION = "() => { document.querySelector('#newsqa-question textarea')?.focus(); }"
DATE_HINT = "e.g. 2024-03-01 or 1 Mar 2024"
# "Add to the index" sends the uploaded files' paths and own names as plain data, so that
# Gradio's check of its inputs cannot fail the whole batch over one dot-file; the paths are
# checked by `uploads.received_files` instead.
UPLOADED_FILES = (
    "(files, received, selected) => "
    "[null, (files || []).map((f) => ({path: f.path, name: f.orig_name || ''})), selected]"
)


def ensure_index(settings: Settings) -> None:
    """Build the built-in sample index when the index folder holds none."""
    if not (settings.index_dir / MANIFEST).exists():
        print(f"No index in {settings.index_dir}: building the built-in sample article…")
        build_sample_index(settings, progress=True)


def asset(name: str) -> str:
    return resources.files("newsqa.ui").joinpath("assets", name).read_text(encoding="utf-8")


def create_app(settings: Settings, qa: NewsQA | None = None, limits: Limits | None = None) -> Any:
    """The chat page over `settings.index_dir` (or the given `qa`); launch with `launch_options`."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio as gr

    if qa is None:
        qa = NewsQA.open(settings.index_dir)
        qa.warm_up()  # the first question of a fresh page is then as fast as the rest
    limits = limits or Limits()
    conversation = Conversation(qa)

    def outlet_filter(selected: list[str] | None) -> OutletFilter:
        """The selection checked against the index as it is now (another tab, `newsqa add`
        or `remove` may have changed it since the page loaded)."""
        try:
            return OutletFilter.of(selected, qa.outlets())
        except IndexUnavailable:
            return OutletFilter.of(selected, ())

    def outlets_view(checked: OutletFilter) -> tuple[Any, str]:
        """The dropdown with the index's outlets and the kept selection, and the note."""
        return gr.Dropdown(choices=list(checked.choices), value=list(checked.kept)), (
            checked.note_html()
        )

    def ask(
        question: str, turns: list[Turn], outlets: list[str], since: str, until: str
    ) -> tuple[Any, ...]:
        checked = outlet_filter(outlets) if outlets else OutletFilter((), ())
        if checked.emptied and (question or "").strip():
            filters = Filters(checked.dropped, (since or "").strip(), (until or "").strip())
            turns = conversation.refuse(
                question,
                turns,
                filters,
                "Could not ask: " + checked.note()[0].lower() + checked.note()[1:],
            )
        else:
            turns = conversation.ask(question, turns, checked.kept, since, until)
        chat, sources = render(turns)
        return "", turns, chat, sources, status_html(qa)

    def filter_view(selected: list[str] | None) -> tuple[Any, str]:
        """After a question: the selection less vanished outlets, and the note on them."""
        if not selected:
            return gr.skip(), ""
        return outlets_view(outlet_filter(selected))

    def clear() -> tuple[Any, ...]:
        return "", [], EMPTY_CONVERSATION, EMPTY_SOURCES

    def index_view(selected: list[str] | None = None) -> tuple[Any, ...]:
        try:
            examples = [[q] for q in example_questions(qa)]
        except IndexUnavailable:
            examples = []
        return (
            status_html(qa),
            *outlets_view(outlet_filter(selected)),
            gr.Dataset(samples=examples),
        )

    def upload(
        files: Any,
        received: list[dict[str, str]] | None,
        selected: list[str] | None,
        progress: Any = gr.Progress(),  # noqa: B008 - how Gradio passes its progress bar
    ) -> tuple[Any, ...]:
        if not received:
            return ("<p>Choose one or more files first.</p>", *index_view(selected), None)
        try:
            result = upload_from_page(
                qa, received, upload_folder(), limits, report=lambda f, d: progress(f, desc=d)
            )
        except IndexUnavailable as exc:  # a damaged index refuses writes: say what repairs it
            return (
                f"<p class='newsqa-rejected'>{escape(str(exc))}</p>",
                *index_view(selected),
                None,
            )
        return (summary_html(result), *index_view(selected), None)

    with gr.Blocks(title="newsqa", analytics_enabled=False) as demo:
        gr.Markdown(
            "# newsqa\nAnswers are sentences quoted from your articles, each linked to its source."
        )
        status = gr.HTML(status_html(qa), elem_id="newsqa-status", js_on_load=None)
        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chat = gr.HTML(EMPTY_CONVERSATION, elem_id="newsqa-conversation", js_on_load=None)
                question = gr.Textbox(
                    label="Question",
                    placeholder="Ask about the articles… (Enter asks)",
                    autofocus=True,
                    elem_id="newsqa-question",
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary", elem_id="newsqa-ask")
                    new = gr.Button("New conversation", elem_id="newsqa-clear")
                with gr.Accordion("Filters for the next question", open=True):
                    with gr.Row():
                        outlets = gr.Dropdown(
                            choices=outlet_filter([]).choices,
                            value=[],
                            multiselect=True,
                            # checked by the handlers against the index as it is when asked
                            # (Gradio's own check would fail every later question once an
                            # outlet leaves the index, until a reload)
                            allow_custom_value=True,
                            label="Outlets (none chosen: all)",
                            elem_id="newsqa-outlets",
                        )
                        since = gr.Textbox(
                            label="From", placeholder=DATE_HINT, elem_id="newsqa-since"
                        )
                        until = gr.Textbox(
                            label="Until", placeholder=DATE_HINT, elem_id="newsqa-until"
                        )
                    outlet_note = gr.HTML("", elem_id="newsqa-outlet-note", js_on_load=None)
                examples = gr.Dataset(
                    components=[question],
                    samples=[[q] for q in example_questions(qa)],
                    label="Examples from the newest articles",
                    elem_id="newsqa-examples",
                )
                with gr.Accordion("Add articles", open=False, elem_id="newsqa-add"):
                    files = gr.File(
                        file_count="multiple",
                        file_types=ACCEPTED,
                        label=(
                            f"txt, json, jsonl, csv, tsv, html, rss/atom (also .gz); up to "
                            f"{limits.files} files, {limits.file_bytes // (1024 * 1024)} MB each"
                        ),
                        elem_id="newsqa-files",
                    )
                    received = gr.JSON(None, visible=False, elem_id="newsqa-received")
                    add = gr.Button("Add to the index", elem_id="newsqa-add-button")
                    added = gr.HTML("", elem_id="newsqa-upload-summary", js_on_load=None)
            with gr.Column(scale=2, min_width=320):
                gr.Markdown("### Sources")
                sources = gr.HTML(EMPTY_SOURCES, elem_id="newsqa-sources", js_on_load=None)

        asked = [question, turns, chat, sources, status]
        inputs = [question, turns, outlets, since, until]

        # one named endpoint for clients (`/gradio_api/call/ask`); the button is the same call
        def then_refresh_filter(event: Any) -> None:
            """After a question: the outlet filter checked against the index, focus back."""
            event.then(
                filter_view, outlets, [outlets, outlet_note], queue=False, api_visibility="private"
            ).then(None, js=FOCUS_QUESTION)

        then_refresh_filter(question.submit(ask, inputs, asked, api_name="ask"))
        then_refresh_filter(send.click(ask, inputs, asked, api_visibility="undocumented"))
        new.click(clear, None, [question, turns, chat, sources]).then(None, js=FOCUS_QUESTION)
        examples.click(lambda sample: sample[0], examples, question)
        add.click(
            upload,
            [files, received, outlets],
            [added, status, outlets, outlet_note, examples, files],
            js=UPLOADED_FILES,
        )
        demo.load(index_view, None, [status, outlets, outlet_note, examples])
    return demo


def upload_folder() -> Path:
    """Where Gradio keeps uploaded files until a handler takes them."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder())


def launch_options(host: str = "127.0.0.1", allowed_hosts: Iterable[str] = ()) -> dict[str, Any]:
    """Everything the page needs is served by itself: system fonts, its own script and style;
    requests must name this server (`host`, localhost or `allowed_hosts`) and writes must
    come from its own page (ui/hosts.py)."""
    import gradio as gr
    from starlette.middleware import Middleware

    theme = gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS)
    policy = HostPolicy.for_server(host, allowed_hosts)
    return {
        "theme": theme,
        "css": asset("page.css"),
        "js": asset("page.js"),
        "footer_links": [],
        "share": False,
        "ssr_mode": False,
        "max_file_size": MAX_FILE_BYTES,
        "show_error": True,
        "app_kwargs": {"middleware": [Middleware(HostGuard, policy=policy)]},
    }


def launch(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, qa: NewsQA | None = None
) -> None:
    """Serve the page (building the sample index first when there is none)."""
    ensure_index(settings)
    options = launch_options(host, allowed_host_names(settings.allowed_hosts))
    create_app(settings, qa).launch(server_name=host, server_port=port, **options)


def allowed_host_names(setting: str) -> list[str]:
    """The names in `Settings.allowed_hosts` (comma- or space-separated)."""
    return [name for name in setting.replace(",", " ").split() if name]
