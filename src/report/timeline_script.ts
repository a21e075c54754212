/**
 * The inline script of the HTML report: draws the run timeline as SVG from the JSON embedded in
 * the page (`<script type="application/json" id="run-data">`). It only uses `textContent` and
 * `setAttribute`, never `innerHTML`, so WP text cannot inject markup.
 *
 * Each attempt becomes `<rect class="bar" data-wp data-kind data-agent data-result data-attempt>`;
 * the render test counts those in the DOM after the script ran.
 *
 * @module
 */

/** The timeline drawing script (plain browser JavaScript, no dependencies). */
export const TIMELINE_SCRIPT = String.raw`
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("run-data").textContent);
  var host = document.getElementById("timeline");
  var PALETTE = ["#4e79a7", "#59a14f", "#b07aa1", "#f28e2b", "#76b7b2", "#edc948", "#9c755f", "#bab0ac", "#86bcb6", "#d37295"];
  var FAILED = "#c0392b", REJECTED = "#e67e22", APPROVED = "#1e8449";
  var W = 1000, LABEL = 80, RIGHT = 170, ROW = 30, TOP = 30, PLOT = W - LABEL - RIGHT;
  var total = Math.max(data.duration_ms, 1000);
  var start = Date.parse(data.started_at);
  var rows = data.wps;
  var H = TOP + rows.length * ROW + 10;

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, content, attrs) {
    var node = el("text", Object.assign({ x: x, y: y }, attrs || {}), parent);
    node.textContent = content;
    return node;
  }
  function x(ms) { return LABEL + (ms / total) * PLOT; }
  function color(agent) { return PALETTE[Math.max(0, data.agents.indexOf(agent)) % PALETTE.length]; }
  function usd(v) { return "$" + (v || 0).toFixed(2); }
  function dur(ms) {
    var s = Math.round(ms / 1000);
    if (s < 60) return s + "s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + "m" + String(s % 60).padStart(2, "0") + "s";
    return Math.floor(m / 60) + "h" + String(m % 60).padStart(2, "0") + "m";
  }
  function clock(ms, seconds) {
    var iso = new Date(start + ms).toISOString();
    return iso.slice(11, seconds ? 19 : 16);
  }

  var svg = el("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "class": "timeline" }, host);
  var title = el("title", {}, svg);
  title.textContent = "Timeline of run " + data.run_id + ": one row per work package, one bar per agent attempt";
  var defs = el("defs", {}, svg);
  var hatch = el("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
  el("rect", { width: 2, height: 6, fill: "rgba(255,255,255,0.55)" }, hatch);

  // Time axis: at most ~10 ticks at a round step, labelled in UTC wall-clock time.
  var steps = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  var step = steps[steps.length - 1] * 1000;
  for (var i = 0; i < steps.length; i++) if (total / (steps[i] * 1000) <= 10) { step = steps[i] * 1000; break; }
  var axis = el("g", { "class": "axis" }, svg);
  for (var t = 0; t <= total + 1; t += step) {
    el("line", { x1: x(t), x2: x(t), y1: TOP - 6, y2: H - 10, "class": "grid" }, axis);
    text(axis, x(t), TOP - 10, clock(t, step < 60000), { "text-anchor": "middle", "class": "tick" });
  }
  text(axis, W - 6, TOP - 10, "cost \u00b7 duration", { "text-anchor": "end", "class": "tick" });

  rows.forEach(function (wp, r) {
    var y = TOP + r * ROW;
    var g = el("g", { "class": "row", "data-wp": wp.wp_id, "data-outcome": wp.outcome }, svg);
    if (r % 2 === 1) el("rect", { x: 0, y: y, width: W, height: ROW, "class": "stripe" }, g);
    text(g, 6, y + ROW / 2 + 4, wp.wp_id, { "class": "wp-label outcome-" + wp.outcome });
    text(g, W - 6, y + ROW / 2 + 4, wp.outcome + " \u00b7 " + usd(wp.cost_usd) + " \u00b7 " + dur(wp.duration_ms),
      { "text-anchor": "end", "class": "wp-meta outcome-" + wp.outcome });
    wp.bars.forEach(function (b) {
      var end = b.end_ms === null ? total : b.end_ms;
      var bx = x(b.start_ms), bw = Math.max(3, x(end) - bx);
      var review = b.kind === "review";
      var by = y + (review ? 9 : 5), bh = review ? ROW - 18 : ROW - 10;
      var failed = b.result !== "ok" && b.result !== "unfinished";
      var stroke = failed ? FAILED : b.verdict === "changes_requested" ? REJECTED : b.verdict === "approved" ? APPROVED : "none";
      var bar = el("rect", {
        x: bx.toFixed(1), y: by, width: bw.toFixed(1), height: bh, rx: review ? 6 : 2,
        fill: color(b.agent), stroke: stroke, "stroke-width": stroke === "none" ? 0 : 2.5,
        "stroke-dasharray": failed ? "5 3" : b.end_ms === null ? "2 2" : "none",
        "class": "bar", "data-wp": b.wp_id, "data-kind": b.kind, "data-agent": b.agent,
        "data-result": b.result, "data-attempt": b.attempt, "data-verdict": b.verdict || "",
      }, g);
      var tip = el("title", {}, bar);
      tip.textContent = b.wp_id + " attempt " + b.attempt + ": " + b.kind + " by " + b.agent + ", " + b.result +
        (b.verdict ? " (" + b.verdict + ")" : "") + ", " + dur(end - b.start_ms) +
        (b.cost_usd === null ? "" : ", " + usd(b.cost_usd)) + (b.message ? ": " + b.message : "");
      if (b.kind === "rework") el("rect", { x: bx.toFixed(1), y: by, width: bw.toFixed(1), height: bh, fill: "url(#hatch)", "pointer-events": "none" }, g);
      var mark = failed ? "\u2715" : b.verdict === "changes_requested" ? "\u21ba" : b.verdict === "approved" ? "\u2713" : "";
      if (mark) text(g, bx + bw + 2, by + bh / 2 + 4, mark, { style: "fill:" + stroke, "class": "mark" });
      if (bw > 26) text(g, bx + 4, by + bh / 2 + 4, b.kind === "review" ? "R" : b.kind === "rework" ? "W" : "I", { "class": "bar-label" });
    });
  });

  // Legend: agents by colour, kinds by shape, outcomes by outline.
  var legend = document.getElementById("legend");
  function item(label, swatch) {
    var li = document.createElement("li");
    var s = document.createElement("span");
    s.className = "swatch";
    for (var k in swatch) s.style[k] = swatch[k];
    li.appendChild(s);
    li.appendChild(document.createTextNode(label));
    legend.appendChild(li);
  }
  data.agents.forEach(function (a) { item(a, { background: color(a) }); });
  item("I implement", { background: "#888" });
  item("W rework (after changes requested)", { background: "repeating-linear-gradient(45deg,#888 0 3px,#ccc 3px 5px)" });
  item("R review (thinner)", { background: "#888", height: "8px", borderRadius: "4px" });
  item("\u2715 failed attempt", { border: "2px dashed " + FAILED });
  item("\u21ba changes requested", { border: "2px solid " + REJECTED });
  item("\u2713 approved", { border: "2px solid " + APPROVED });
  host.setAttribute("data-rendered", String(document.querySelectorAll("rect.bar").length));
})();
`;
