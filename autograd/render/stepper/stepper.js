// The backward stepper's page: moves through the steps written by autograd/render/stepper/steps.py.
// A step's show/text/done last; its focus, edge, flash, caption and panel hold for that step only.
// state at step k = the drawing as laid out, then steps 0..k applied in order (as steps.state_at does).
(function () {
  "use strict";
  const steps = JSON.parse(document.getElementById("ng-steps").textContent);
  const byId = (id) => document.getElementById(id);
  const slider = byId("ng-slider");
  const play = byId("ng-play");
  const shown = new Set();
  const initial = new Map();
  for (const step of steps) {
    (step.s || []).forEach((id) => shown.add(id));
    for (const [id] of step.t || []) {
      const element = byId(id);
      if (element && !initial.has(id)) initial.set(id, element.textContent);
    }
  }
  const classes = ["ng-done", "ng-focus", "ng-current", "ng-flash", "ng-hidden"];
  let current = 0;
  let timer = null;

  function each(ids, action) {
    for (const id of ids || []) {
      const element = byId(id);
      if (element) action(element);
    }
  }

  function lines(list, texts) {
    list.replaceChildren(...texts.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }

  function show(k) {
    k = Math.max(0, Math.min(steps.length - 1, k));
    for (const cls of classes) document.querySelectorAll("." + cls).forEach((e) => e.classList.remove(cls));
    each(shown, (e) => e.classList.add("ng-hidden"));
    initial.forEach((text, id) => { byId(id).textContent = text; });
    for (let j = 0; j <= k; j++) {
      const step = steps[j];
      each(step.s, (e) => e.classList.remove("ng-hidden"));
      for (const [id, text] of step.t || []) each([id], (e) => { e.textContent = text; });
      each(step.d, (e) => e.classList.add("ng-done"));
    }
    const step = steps[k];
    each([step.f], (e) => e.classList.add("ng-focus"));
    each([step.e], (e) => e.classList.add("ng-current"));
    each(step.x, (e) => { e.getBoundingClientRect(); e.classList.add("ng-flash"); });
    byId("ng-caption").textContent = step.c;
    byId("ng-phase").textContent = step.ph;
    byId("ng-phase").className = "ng-phase-" + step.ph;
    byId("ng-counter").textContent = `step ${k + 1} of ${steps.length}`;
    lines(byId("ng-lines"), step.p || []);
    slider.value = String(k);
    current = k;
    const focus = step.f && byId(step.f);
    if (focus && focus.scrollIntoView) focus.scrollIntoView({ block: "nearest", inline: "nearest" });
    document.body.dataset.step = String(k);
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.textContent = "play";
  }

  function toggle() {
    if (timer !== null) return stop();
    if (current >= steps.length - 1) show(0);
    play.textContent = "pause";
    timer = setInterval(() => (current >= steps.length - 1 ? stop() : show(current + 1)), 600);
  }

  const keys = {
    ArrowRight: () => show(current + 1), ArrowDown: () => show(current + 1),
    ArrowLeft: () => show(current - 1), ArrowUp: () => show(current - 1),
    Home: () => show(0), End: () => show(steps.length - 1),
  };
  document.addEventListener("keydown", (event) => {
    const act = keys[event.key];
    if (!act) return;
    event.preventDefault();
    stop();
    act();
  });
  slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
  byId("ng-first").addEventListener("click", () => { stop(); show(0); });
  byId("ng-prev").addEventListener("click", () => { stop(); show(current - 1); });
  byId("ng-next").addEventListener("click", () => { stop(); show(current + 1); });
  byId("ng-last").addEventListener("click", () => { stop(); show(steps.length - 1); });
  play.addEventListener("click", toggle);
  show(0);
})();
