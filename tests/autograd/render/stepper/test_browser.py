"""The page in a real browser (Debian's chromium, headless): keys step through it, and it shows what the steps say."""

import json

import pytest

from autograd.trace import Send, Sum, Update

#: What the page shows, read in the browser: the caption, the counter, the focus and every marked element.
READ = """() => {
  const hidden = [...document.querySelectorAll('.ng-hidden')].map((e) => e.id);
  const done = [...document.querySelectorAll('.ng-done')].map((e) => e.id);
  const focus = [...document.querySelectorAll('.ng-focus')].map((e) => e.id);
  const current = [...document.querySelectorAll('.ng-current')].map((e) => e.id);
  const flash = [...document.querySelectorAll('.ng-flash')].map((e) => e.id);
  const texts = {};
  for (const id of JSON.parse(document.getElementById('ng-marks').textContent)) {
    texts[id] = document.getElementById(id).textContent;
  }
  return {caption: document.getElementById('ng-caption').textContent,
          counter: document.getElementById('ng-counter').textContent,
          slider: Number(document.getElementById('ng-slider').value),
          panel: [...document.querySelectorAll('#ng-lines li')].map((e) => e.textContent),
          hidden, done, focus, current, flash, texts};
}"""


def open_page(browser, trace, tmp_path, name):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    marks = json.dumps(sorted(trace.marks.texts))  # which elements READ reads
    html = trace.html().replace("</body>", f'<script type="application/json" id="ng-marks">{marks}</script></body>')
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    return page, errors


def expect(shown, trace, k):
    """The page at step k shows what `state_at(k)` says."""
    view, step = trace.state_at(k), trace.steps[k]
    assert shown["caption"] == step.caption and shown["counter"] == f"step {k + 1} of {len(trace.steps)}"
    assert shown["slider"] == k and shown["panel"] == list(step.panel)
    assert set(shown["hidden"]) == view.hidden and set(shown["done"]) == view.done
    assert shown["focus"] == [step.focus] and shown["current"] == ([step.edge] if step.edge else [])
    assert shown["flash"] == list(step.flash)
    assert shown["texts"] == {element: view.texts[element] for element in shown["texts"]}


def test_arrow_keys_step_through_the_quickstart_s_backward_pass(browser, quickstart_trace, tmp_path, dot_program):
    trace = quickstart_trace
    page, errors = open_page(browser, trace, tmp_path, "quickstart")
    expect(page.evaluate(READ), trace, 0)
    sends = [k for k, e in enumerate(trace.events) if isinstance(e, Send)]
    for k in range(1, sends[2] + 1):  # key by key into the backward pass
        page.keyboard.press("ArrowRight")
        expect(page.evaluate(READ), trace, k)
    shown = page.evaluate(READ)
    send = trace.events[sends[2]]
    receiver = trace.scene.item(send.receiver).id
    assert shown["texts"][f"{receiver}-ledger"] == f"addends {send.arrived}/{send.expected}"
    assert f"{shown['current'][0]}-label" not in shown["hidden"]  # the edge shows the norm of what it delivered
    page.keyboard.press("ArrowLeft")
    expect(page.evaluate(READ), trace, sends[2] - 1)
    page.keyboard.press("End")
    last = len(trace.steps) - 1
    expect(page.evaluate(READ), trace, last)
    assert isinstance(trace.events[last], Update) and page.evaluate(READ)["flash"]
    page.keyboard.press("ArrowRight")  # past the end: stays there
    expect(page.evaluate(READ), trace, last)
    page.keyboard.press("Home")
    expect(page.evaluate(READ), trace, 0)
    page.click("#ng-next")
    expect(page.evaluate(READ), trace, 1)
    assert not errors
    page.close()


@pytest.mark.parametrize("name", ["cnn_trace", "vit_trace"])
def test_the_demo_s_models_step_in_the_browser(browser, name, request, tmp_path, dot_program):
    trace = request.getfixturevalue(name)
    page, errors = open_page(browser, trace, tmp_path, name)
    sums = [k for k, e in enumerate(trace.events) if isinstance(e, Sum)]
    middle = sums[len(sums) // 2]
    page.fill("#ng-slider", str(middle))  # the slider jumps
    page.dispatch_event("#ng-slider", "input")
    expect(page.evaluate(READ), trace, middle)
    page.keyboard.press("ArrowRight")
    expect(page.evaluate(READ), trace, middle + 1)
    page.keyboard.press("End")
    shown = page.evaluate(READ)
    expect(shown, trace, len(trace.steps) - 1)
    assert not shown["hidden"]
    assert not errors
    page.close()
