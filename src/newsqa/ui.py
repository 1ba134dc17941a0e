"""The Gradio chat page: ask, read the cited answer, see each source sentence highlighted."""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

from newsqa.api import NewsQA, build_sample_index
from newsqa.config import Settings
from newsqa.index.store import MANIFEST
from newsqa.records import Answer
from newsqa.rendering import answer_markdown, escape_markdown, sources_html

EXAMPLES = ["Who attended the Victory Day parade in Moscow?", "What did Xi and Putin pledge?"]
CONTEXT_CHARS = 300
REMEMBERED_ANSWERS = 256


def ensure_index(settings: Settings) -> None:
    """Build the built-in sample index when the index folder holds none."""
    if not (settings.index_dir / MANIFEST).exists():
        print(f"No index in {settings.index_dir}: building the built-in sample article…")
        build_sample_index(settings, progress=True)


def citation_context(qa: NewsQA, answer: Any) -> dict[str, str]:
    """Text around each cited sentence, from the stored article body."""
    context: dict[str, str] = {}
    for c in answer.citations:
        article = qa.store.article(c.article_id)
        if article is None:
            continue
        start = max(0, c.start - CONTEXT_CHARS)
        end = min(len(article.body), c.end + CONTEXT_CHARS)
        context[f"{c.article_id}:{c.start}"] = article.body[start:end]
    return context


Chat = list[dict[str, str]]


def make_responder(qa: NewsQA) -> Any:
    """The chat handler: (message, chat) -> (cleared textbox, chat, sources HTML)."""

    answers: OrderedDict[str, Answer] = OrderedDict()  # shown reply -> its Answer, bounded

    def turns(chat: Chat) -> list[str | Answer]:
        """Earlier turns: the Answer behind each reply we gave, else the user's question."""
        out: list[str | Answer] = []
        for i, turn in enumerate(chat):
            if turn.get("role") != "user":
                continue
            reply = chat[i + 1].get("content", "") if i + 1 < len(chat) else ""
            known = answers.get(reply) if isinstance(reply, str) else None
            out.append(known if known is not None else turn["content"])
        return out

    def respond(message: str, chat: Chat) -> tuple[str, Chat, str]:
        chat = list(chat or [])
        if not (message or "").strip():
            return "", chat, ""
        history = turns(chat)
        try:
            answer = qa.ask(message, history=history)
        except Exception as exc:  # shown to the reader instead of a stack trace
            reply = f"Error: {escape_markdown(str(exc))}"
            return (
                "",
                [
                    *chat,
                    {"role": "user", "content": message},
                    {"role": "assistant", "content": reply},
                ],
                "",
            )
        reply = answer_markdown(answer)
        answers[reply] = answer
        while len(answers) > REMEMBERED_ANSWERS:
            answers.popitem(last=False)
        chat += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        return "", chat, sources_html(answer, citation_context(qa, answer))

    return respond


def create_app(settings: Settings) -> Any:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    qa = NewsQA.open(settings.index_dir)
    qa.warm_up()  # the first question of a fresh page is then as fast as the rest
    respond = make_responder(qa)

    with gr.Blocks(title="newsqa", analytics_enabled=False) as demo:
        gr.Markdown(
            "# newsqa\nAnswers are verbatim sentences from your articles, each with its source."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=520, sanitize_html=True)
                question = gr.Textbox(
                    label="Question", placeholder="Ask about the articles…", autofocus=True
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary")
                    clear = gr.Button("New conversation")
                gr.Examples(EXAMPLES, inputs=question)
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML("<p><em>Cited articles appear here.</em></p>")
        question.submit(respond, [question, chat], [question, chat, sources])
        send.click(respond, [question, chat], [question, chat, sources])
        clear.click(lambda: ([], "", ""), None, [chat, question, sources])
    return demo


def launch(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    ensure_index(settings)
    create_app(settings).launch(server_name=host, server_port=port, show_error=True)
