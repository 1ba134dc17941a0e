// newsqa chat page: [n] links bring their source card into view, answers select their
// sources panel, "Copy as Markdown" copies an answer with its numbered sources, and the
// conversation pane scrolls to the newest question and answer each time it is redrawn.
(() => {
  if (window.newsqaPage) return;
  window.newsqaPage = true;

  const selectTurn = (turn) => {
    document.querySelectorAll(".newsqa-turn-sources").forEach((panel) => {
      panel.hidden = panel.dataset.turn !== turn;
    });
    document.querySelectorAll(".newsqa-answer").forEach((bubble) => {
      bubble.classList.toggle("newsqa-selected", bubble.dataset.turn === turn);
    });
  };

  const showCard = (turn, n, start) => {
    selectTurn(turn);
    document.querySelectorAll(".newsqa-highlight").forEach((el) => el.classList.remove("newsqa-highlight"));
    const card = document.getElementById(`newsqa-src-${turn}-${n}`);
    if (!card) return;
    card.classList.add("newsqa-highlight");
    const marks = [...card.querySelectorAll("mark.newsqa-cited")];
    const exact = marks.filter((mark) => mark.dataset.start === start);
    (exact.length ? exact : marks).forEach((mark) => mark.classList.add("newsqa-highlight"));
    card.scrollIntoView({ behavior: "smooth", block: "nearest" });
    card.setAttribute("tabindex", "-1");
    card.focus({ preventScroll: true });
  };

  const copyText = async (text, button) => {
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy as Markdown"; }, 2000);
  };

  // Each answer redraws the pane: show the newest question at its top (or the end of the
  // conversation when that is shorter than the pane), once per drawn pane.
  const showNewest = () => {
    document.querySelectorAll(".newsqa-log:not([data-scrolled])").forEach((log) => {
      log.dataset.scrolled = "1";
      const questions = log.querySelectorAll(".newsqa-question");
      const newest = questions[questions.length - 1];
      log.scrollTop = newest ? newest.offsetTop - 8 : 0;
    });
  };
  // Gradio names its drop zone "Click to upload or drop files" while it shows "Drop File Here
  // - or - Click to Upload": screen-reader users hear what sighted users read (WCAG 2.5.3).
  const nameDropZones = () => {
    document.querySelectorAll(".upload-container[aria-label]").forEach((zone) => {
      const shown = zone.innerText.replace(/\s+/g, " ").trim();
      if (shown && zone.getAttribute("aria-label") !== shown) zone.setAttribute("aria-label", shown);
    });
  };
  const redrawn = () => { showNewest(); nameDropZones(); };
  new MutationObserver(redrawn).observe(document.body, { childList: true, subtree: true });
  redrawn();

  const showSources = (turn) => {
    selectTurn(turn);
    const panel = document.querySelector(`.newsqa-turn-sources[data-turn="${turn}"]`);
    if (panel) panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
  };

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const cite = target.closest("a.newsqa-cite");
    if (cite) {
      event.preventDefault();
      showCard(cite.dataset.turn, cite.dataset.n, cite.dataset.start);
      return;
    }
    const copy = target.closest("button.newsqa-copy");
    if (copy) {
      const bubble = copy.closest(".newsqa-answer");
      const source = bubble && bubble.querySelector("textarea.newsqa-markdown");
      if (source) copyText(source.value, copy);
      return;
    }
    const show = target.closest("button.newsqa-show");
    if (show) {
      showSources(show.dataset.turn);
      return;
    }
    const bubble = target.closest(".newsqa-answer");
    if (bubble && !target.closest("summary, a")) selectTurn(bubble.dataset.turn);
  });
})();
