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
from newsqa.ui.examples import ExampleShelf
from newsqa.ui.filters import OutletFilter
from newsqa.ui.hosts import HostGuard, HostPolicy
from newsqa.ui.source_cards import EMPTY as EMPTY_SOURCES
from newsqa.ui.status import status_html
from newsqa.ui.turns import Filters, Turn
from newsqa.ui.upload_details import UploadDetails
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
DATE_PLACEHOLDER = "2024-03-01"
DATE_HINT = "Dates in any common style: 2024-03-01, 1 Mar 2024, March 2024."
# questions answered at once (answering only reads the index, and each page session keeps its
# own turns); Gradio's default is one at a time. 8 clients against 4: a question also waited in
# Gradio's queue for a free slot; against 8: 8-client p50 124-159 ms, not 147-192 ms, on 2
# cores (docs/performance.md)
ASK_CONCURRENCY = 8
ANALYTICS_EVERY = 1000  # events between Gradio's summaries of its event statistics
# "Add to the index" sends the uploaded files' paths and own names as plain data, so that
# Gradio's check of its inputs cannot fail the whole batch over one dot-file; the paths are
# checked by `uploads.received_files` instead.
UPLOADED_FILES = (
    "(files, received, selected, outlet, published, link) => "
    "[null, (files || []).map((f) => ({path: f.path, name: f.orig_name || ''})), "
    "selected, outlet, published, link]"
)


def ensure_index(settings: Settings) -> None:
    """Build the built-in sample index when the index folder holds none."""
    if not (settings.index_dir / MANIFEST).exists():
        print(
            f"No index in the folder '{settings.index_dir}' yet: building the built-in sample "
            "article (`newsqa build PATH... --index "
            f"{settings.index_dir}` indexes your own)…"
        )
        build_sample_index(settings, progress=True)


def asset(name: str) -> str:
    return resources.files("newsqa.ui").joinpath("assets", name).read_text(encoding="utf-8")


def create_app(settings: Settings, qa: NewsQA | None = None, limits: Limits | None = None) -> Any:
    """The chat page over `settings.index_dir` (or the given `qa`); launch with `launch_options`."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    # Gradio summarises every event it has kept (up to 10,000, in a pandas frame) after each
    # event, for a monitoring view this page does not serve: 3-15 ms of each question's time,
    # held under the GIL; summarised every ANALYTICS_EVERY events instead
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(ANALYTICS_EVERY))
    import gradio as gr

    if qa is None:
        qa = NewsQA.open(settings.index_dir)
        qa.warm_up()  # the first question of a fresh page is then as fast as the rest
    limits = limits or Limits()
    conversation = Conversation(qa)
    shelf = ExampleShelf(qa)

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

    def ask_example(
        sample: list[str], turns: list[Turn], outlets: list[str], since: str, until: str
    ) -> tuple[Any, ...]:
        return ask(sample[0] if sample else "", turns, outlets, since, until)

    def clear() -> tuple[Any, ...]:
        return "", [], EMPTY_CONVERSATION, EMPTY_SOURCES

    def index_view(selected: list[str] | None = None) -> tuple[Any, ...]:
        try:
            examples = [[q] for q in shelf.questions()]
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
        outlet: str,
        published: str,
        link: str,
        progress: Any = gr.Progress(),  # noqa: B008 - how Gradio passes its progress bar
    ) -> tuple[Any, ...]:
        if not received:
            return ("<p>Choose one or more files first.</p>", *index_view(selected), None)
        try:
            details = UploadDetails.read(outlet or "", published or "", link or "")
        except ValueError as exc:
            return (
                f"<p class='newsqa-rejected'>Nothing was added: {escape(str(exc))}.</p>",
                *index_view(selected),
                gr.skip(),
            )
        try:
            result = upload_from_page(
                qa,
                received,
                upload_folder(),
                limits,
                report=lambda f, d: progress(f, desc=d),
                details=details,
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
                            label="From", placeholder=DATE_PLACEHOLDER, elem_id="newsqa-since"
                        )
                        until = gr.Textbox(
                            label="Until", placeholder=DATE_PLACEHOLDER, elem_id="newsqa-until"
                        )
                    gr.Markdown(DATE_HINT, elem_id="newsqa-date-hint")
                    outlet_note = gr.HTML("", elem_id="newsqa-outlet-note", js_on_load=None)
                examples = gr.Dataset(
                    components=[question],
                    samples=[[q] for q in shelf.questions()],
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
                    gr.Markdown(
                        "For articles that do not name them (a plain .txt names none):",
                        elem_id="newsqa-upload-hint",
                    )
                    with gr.Row():
                        upload_outlet = gr.Textbox(label="Outlet", elem_id="newsqa-upload-outlet")
                        upload_date = gr.Textbox(
                            label="Date", placeholder=DATE_PLACEHOLDER, elem_id="newsqa-upload-date"
                        )
                        upload_link = gr.Textbox(
                            label="Link",
                            placeholder="https://…",
                            elem_id="newsqa-upload-link",
                        )
                    add = gr.Button("Add to the index", elem_id="newsqa-add-button")
                    added = gr.HTML("", elem_id="newsqa-upload-summary", js_on_load=None)
            with gr.Column(scale=2, min_width=320):
                gr.Markdown("## Sources", elem_id="newsqa-sources-heading")
                sources = gr.HTML(EMPTY_SOURCES, elem_id="newsqa-sources", js_on_load=None)

        asked = [question, turns, chat, sources, status]
        inputs = [question, turns, outlets, since, until]

        # one named endpoint for clients (`/gradio_api/call/ask`); the button and the examples
        # are the same call, and share its limit of questions answered at once
        together = {"concurrency_limit": ASK_CONCURRENCY, "concurrency_id": "ask"}

        def then_refresh_filter(event: Any) -> None:
            """After a question: focus back in the question box at once, and the outlet filter
            checked against the index (a server round trip that must not hold the focus)."""
            event.then(None, js=FOCUS_QUESTION)
            event.then(
                filter_view, outlets, [outlets, outlet_note], queue=False, api_visibility="private"
            )

        then_refresh_filter(question.submit(ask, inputs, asked, api_name="ask", **together))
        then_refresh_filter(
            send.click(ask, inputs, asked, api_visibility="undocumented", **together)
        )
        then_refresh_filter(
            examples.click(
                ask_example,
                [examples, *inputs[1:]],
                asked,
                api_visibility="undocumented",
                **together,
            )
        )
        new.click(clear, None, [question, turns, chat, sources]).then(None, js=FOCUS_QUESTION)
        add.click(
            upload,
            [files, received, outlets, upload_outlet, upload_date, upload_link],
            [added, status, outlets, outlet_note, examples, files],
            js=UPLOADED_FILES,
        )
        demo.load(
            index_view, None, [status, outlets, outlet_note, examples], show_progress="hidden"
        )
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

    # subdued text (hints, the status labels, folded sections) dark enough to read (WCAG AA)
    # and white on the Ask button's orange at 4.5:1 or more (WCAG AA)
    theme = gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS).set(
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_400",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
    )
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
    demo = create_app(settings, qa)
    # quiet: Gradio's own lines (among them a hint to make a public share link) are not shown
    demo.launch(
        server_name=host,
        server_port=port,
        quiet=True,
        prevent_thread_lock=True,
        **launch_options(host, allowed_host_names(settings.allowed_hosts)),
    )
    print(f"newsqa: the chat page is at {demo.local_url} (Ctrl+C stops it)", flush=True)
    demo.block_thread()


def allowed_host_names(setting: str) -> list[str]:
    """The names in `Settings.allowed_hosts` (comma- or space-separated)."""
    return [name for name in setting.replace(",", " ").split() if name]
