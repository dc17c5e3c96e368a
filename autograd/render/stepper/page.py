"""The stepper's page: one self-contained HTML file (the drawing, the steps, the script and the styles inline).

It needs no server and no network: open the file in a browser. The script
and the styles live beside this module (`stepper.js`, `page.css`, `drawing.css`) and
are copied into every page.
"""

import html
import json
from importlib import resources


def asset(name):
    """The text of one of the files beside this module (the script and the styles)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def steps_json(steps):
    """The steps as compact JSON, safe inside a <script> element."""
    text = json.dumps([s.as_json() for s in steps], separators=(",", ":"), ensure_ascii=False)
    return text.replace("</", "<\\/")


def page(title, subtitle, svg, steps):
    """The page's HTML: a header with the controls, the drawing (`svg`, tagged) and the ledger panel."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
{asset("page.css")}{asset("drawing.css")}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p class="ng-sub">{html.escape(subtitle)}</p>
<div class="ng-controls">
<button id="ng-first" title="first step (Home)">first</button>
<button id="ng-prev" title="previous step (left arrow)">back</button>
<button id="ng-play" title="play the steps">play</button>
<button id="ng-next" title="next step (right arrow)">next</button>
<button id="ng-last" title="last step (End)">last</button>
<input id="ng-slider" type="range" min="0" max="{max(len(steps) - 1, 0)}" value="0" aria-label="step">
<span id="ng-counter"></span>
<span id="ng-phase"></span>
</div>
<p id="ng-caption" aria-live="polite"></p>
<p class="ng-key">orange: where the step is · green outline: dG/df complete · grey edge: no addend back yet ·
"addends 1/2": arrived / expected · keys: left and right arrows, Home, End</p>
</header>
<main>
<div id="ng-drawing">
{svg}
</div>
<aside><h2>this step</h2><ul id="ng-lines"></ul></aside>
</main>
<script type="application/json" id="ng-steps">{steps_json(steps)}</script>
<script>
{asset("stepper.js")}</script>
</body>
</html>
"""
