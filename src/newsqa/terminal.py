"""The terminal face: answers rendered for a terminal, and the `newsqa chat` conversation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from rich.console import Console

from newsqa.records import Answer, Citation
from newsqa.rendering import for_terminal

Ask = Callable[..., Answer]
HELP = """\
[bold]Ask a question[/], then follow it up ("who replaced him?", "how much was the fine?").
  [bold]/sources N[/]     source N: title, outlet, date, link and the sentences cited from it
  [bold]/support[/]       the supporting sentences of the last answer
  [bold]/filters[/]       the filters in force; set them with
                  /filters outlet=NAME since=YYYY-MM-DD until=YYYY-MM-DD  (or /filters clear)
  [bold]/new[/]           a new conversation (the filters stay)
  [bold]/help[/]          this help
  [bold]/quit[/]          leave (or Ctrl-D)"""
_FILTER = re.compile(r"\b(outlet|source|since|until)=(.*?)(?=\s+(?:outlet|source|since|until)=|$)")


def safe(text: str | None) -> str:
    """Untrusted text (an article's sentence, title, outlet or link, a question) on one
    terminal line: escape sequences and control characters removed, rich markup escaped."""
    return for_terminal((text or "").replace("\t", " ").replace("\n", " "))


def source_line(citation: Citation) -> str:
    """`[n] Title — Outlet, date` with the link dimmed (markup-safe)."""
    outlets = ", ".join(citation.outlets) if citation.outlets else citation.source
    date = (citation.published_at or "undated")[:10]
    line = f"[bold][{citation.n}][/] {safe(citation.title)} — {safe(outlets or 'unknown outlet')}"
    line += f", {date}"
    return line + (f"\n    [dim]{safe(citation.url)}[/]" if citation.url else "")


def sentences(citations: Iterable[Citation]) -> str:
    """The cited sentences as one paragraph, each followed by its [n]."""
    return " ".join(f"{safe(c.sentence)} [cyan][{c.n}][/]" for c in citations)


def first_of_each(answer: Answer) -> list[Citation]:
    """Each source's first citation, in source order."""
    first: dict[int, Citation] = {}
    for c in answer.citations:
        first.setdefault(c.n, c)
    return [first[n] for n in sorted(first)]


def print_answer(console: Console, answer: Answer, fold_support: bool = False) -> None:
    """The lead, then the numbered sources, then the support (or, folded, how to show it),
    separated by blank lines and headings."""
    if answer.abstained or not answer.citations:
        console.print(f"[yellow]{safe(answer.text)}[/]")
        return
    if answer.verdict_line:
        console.print(f"[bold]{safe(answer.verdict_line)}[/]")
    if answer.disagreement_line:
        console.print(f"[bold]{safe(answer.disagreement_line)}[/]")
    console.print(sentences(answer.lead_citations))
    console.print()
    console.print("[bold]Sources[/]")
    for c in first_of_each(answer):
        console.print(source_line(c))
    support = answer.supporting_citations
    if not support:
        return
    console.print()
    if fold_support:
        many = "sentence supports" if len(support) == 1 else "sentences support"
        console.print(f"[dim]{len(support)} more {many} this answer: /support shows them[/]")
        return
    console.print("[bold]Support[/]")
    console.print(sentences(support))


@dataclass(frozen=True)
class ChatFilters:
    """The outlet and date filters the chat asks with (as `NewsQA.ask` takes them)."""

    outlets: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    def describe(self) -> str:
        parts = [f"outlet {safe(o)}" for o in self.outlets]
        parts += [f"since {safe(self.since)}"] if self.since else []
        parts += [f"until {safe(self.until)}"] if self.until else []
        return "filters: " + (", ".join(parts) if parts else "none (every outlet and date)")


@dataclass
class Chat:
    """One terminal conversation: each question asked with the earlier answers as history
    (the page's code path: `NewsQA.ask(..., history=...)`), and the slash commands."""

    ask: Ask
    console: Console
    outlets: Sequence[str] = ()  # the index's outlets, to check /filters outlet=
    check_date: Callable[[str], object] | None = None  # raises ValueError for a bad date
    filters: ChatFilters = field(default_factory=ChatFilters)
    history: list[Answer | str] = field(default_factory=list)

    @property
    def last(self) -> Answer | None:
        answers = [t for t in self.history if isinstance(t, Answer)]
        return answers[-1] if answers else None

    def handle(self, line: str) -> bool:
        """Answer one line of input; False when the user leaves."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            self.question(line)
            return True
        command, _, rest = line.partition(" ")
        command = command.lower()
        if command in ("/quit", "/exit", "/q"):
            return False
        handlers: dict[str, Callable[[str], None]] = {
            "/help": lambda _: self.console.print(HELP),
            "/sources": self.sources,
            "/source": self.sources,
            "/support": lambda _: self.support(),
            "/filters": self.set_filters,
            "/new": lambda _: self.new(),
        }
        handler = handlers.get(command)
        if handler is None:
            self.console.print(f"[red]unknown command {safe(command)}[/]: /help lists them")
        else:
            handler(rest.strip())
        return True

    def question(self, text: str) -> None:
        f = self.filters
        try:
            answer = self.ask(
                text,
                history=list(self.history),
                sources=list(f.outlets) or None,
                since=f.since or None,
                until=f.until or None,
            )
        except ValueError as exc:
            self.console.print(f"[red]could not ask:[/] {safe(str(exc))}")
            self.history.append(text)
            return
        self.history.append(answer)
        print_answer(self.console, answer, fold_support=True)

    def sources(self, rest: str) -> None:
        answer = self.last
        if answer is None or not answer.citations:
            self.console.print("[yellow]No answer with sources yet: ask a question first.[/]")
            return
        numbers = sorted({c.n for c in answer.citations})
        if not rest.isdigit() or int(rest) not in numbers:
            self.console.print(f"[red]/sources N[/]: N is one of {', '.join(map(str, numbers))}")
            return
        cited = [c for c in answer.citations if c.n == int(rest)]
        self.console.print(source_line(cited[0]))
        for c in cited:
            self.console.print(f"  • {safe(c.sentence)}")

    def support(self) -> None:
        answer = self.last
        support = answer.supporting_citations if answer is not None else []
        if not support:
            self.console.print("[yellow]The last answer has no supporting sentences.[/]")
            return
        self.console.print("[bold]Support[/]")
        self.console.print(sentences(support))

    def set_filters(self, rest: str) -> None:
        if rest.lower() == "clear":
            self.filters = ChatFilters()
        elif rest:
            try:
                self.filters = self._parsed(rest)
            except ValueError as exc:
                self.console.print(f"[red]/filters:[/] {safe(str(exc))}")
                return
        self.console.print(self.filters.describe())

    def _parsed(self, rest: str) -> ChatFilters:
        pairs = _FILTER.findall(rest)
        if not pairs:
            raise ValueError("use outlet=NAME since=YYYY-MM-DD until=YYYY-MM-DD, or clear")
        filters = self.filters
        outlets = list(filters.outlets)
        for key, value in pairs:
            value = value.strip().strip("\"'")
            if key in ("outlet", "source"):
                outlets.append(self._outlet(value))
            else:
                if value and self.check_date is not None:
                    self.check_date(value)
                filters = replace(filters, **{key: value})
        return replace(filters, outlets=tuple(dict.fromkeys(outlets)))

    def _outlet(self, name: str) -> str:
        if not self.outlets:
            return name
        for outlet in self.outlets:
            if outlet.lower() == name.lower():
                return outlet
        near = [o for o in self.outlets if name.lower() in o.lower()]
        if len(near) == 1:
            return near[0]
        known = ", ".join((near or list(self.outlets))[:8])
        raise ValueError(f"no outlet {name!r} in this index; outlets include {known}")

    def new(self) -> None:
        self.history.clear()
        self.console.print("New conversation. " + self.filters.describe())


def run_chat(chat: Chat, read: Callable[[str], str]) -> None:
    """Read lines until /quit, end of input or Ctrl-C, answering each."""
    chat.console.print("[dim]Ask about the indexed news; /help lists the commands.[/]")
    while True:
        try:
            line = read("ask› ")
        except (EOFError, KeyboardInterrupt):
            chat.console.print()
            return
        if not chat.handle(line):
            return
