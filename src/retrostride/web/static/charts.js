/* retrostride charts: hover and keyboard read-out, drag to zoom (our own; no library).
   The server draws every chart (web/charts.py); this only reads its data-chart numbers. */
"use strict";
(function () {
  var NS = "http://www.w3.org/2000/svg";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var charts = [];

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function scaleOf(kind) {
    return kind === "min" ? 1 / 60 : kind === "km" ? 1 / 1000 : kind === "mi" ? 1 / 1609.344 : 1;
  }
  function day(x) { return new Date(Math.round(x) * 864e5); }
  function clock(seconds) {
    var s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    var r = ("0" + s % 60).slice(-2);
    return h ? h + ":" + ("0" + m).slice(-2) + ":" + r : m + ":" + r;
  }
  function xText(c, i) {
    var x = c.d.x[i], k = c.d.k;
    if (k === "min") { return clock(x); }
    if (k === "s") { return x.toFixed(1) + " s"; }
    if (k === "km" || k === "mi") { return (x * scaleOf(k)).toFixed(2) + " " + k; }
    if (k === "date") { var d = day(x); return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear(); }
    if (k === "cat") { return c.d.c[i]; }
    return String(x);
  }
  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) { return [lo]; }
    var raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; })
      .filter(function (s) { return s >= raw; })[0];
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
      out.push(Math.round(v * 1e9) / 1e9);
    }
    return out;
  }
  function dateTicks(x0, x1) {
    var span = x1 - x0, out = [], a = day(x0), b = day(x1), y, m, step;
    if (span > 3 * 365) {
      step = Math.max(1, Math.ceil(span / 365 / 5));
      for (y = a.getUTCFullYear() + 1; y <= b.getUTCFullYear(); y++) {
        if (y % step === 0) { out.push([Date.UTC(y, 0, 1) / 864e5, String(y)]); }
      }
    } else if (span > 75) {
      step = Math.max(1, Math.ceil(span / 30.44 / 5));
      for (y = a.getUTCFullYear(), m = a.getUTCMonth() + 1; ; m++) {
        if (m > 11) { y += 1; m = 0; }
        var t = Date.UTC(y, m, 1) / 864e5;
        if (t > x1) { break; }
        if (m % step === 0) { out.push([t, MONTHS[m] + (m === 0 || span > 300 ? " " + String(y % 100).padStart(2, "0") : "")]); }
      }
    } else {
      step = Math.max(1, Math.ceil(span / 5));
      for (var x = Math.ceil(x0); x <= x1; x += step) {
        var d = day(x); out.push([x, d.getUTCDate() + " " + MONTHS[d.getUTCMonth()]]);
      }
    }
    return out;
  }

  /* The x labels of a zoomed view (the server's labels are kept for the whole view). */
  function relabel(c) {
    var axis = c.fig.querySelector(".rs-xaxis");
    if (!c.original) { c.original = axis.innerHTML; }
    if (c.v0 === c.d.x0 && c.v1 === c.d.x1) { axis.innerHTML = c.original; return; }
    axis.innerHTML = "";
    var k = c.d.k, span = c.v1 - c.v0, ticks;
    if (k === "date") { ticks = dateTicks(c.v0, c.v1); } else {
      var s = scaleOf(k);
      ticks = niceTicks(c.v0 * s, c.v1 * s, 5).map(function (t) { return [t / s, String(t)]; });
    }
    ticks.forEach(function (t) {
      var pct = (t[0] - c.v0) / span * 100;
      if (pct < -0.5 || pct > (k === "date" ? 93 : 88)) { return; }
      el("text", { x: pct.toFixed(2) + "%", y: 16, "text-anchor": "middle" }, axis).textContent = t[1];
    });
    var unit = k === "min" ? "min" : (k === "s" || k === "km" || k === "mi") ? k : "";
    if (unit) { el("text", { "class": "rs-unit", x: "100%", y: 16, "text-anchor": "end" }, axis).textContent = unit; }
  }

  function view(c, v0, v1) {
    var full = c.d.x1 - c.d.x0;
    if (v1 - v0 < full / 200) { var mid = (v0 + v1) / 2; v0 = mid - full / 400; v1 = mid + full / 400; }
    c.v0 = Math.max(c.d.x0, v0); c.v1 = Math.min(c.d.x1, v1);
    var a = (c.v0 - c.d.x0) / full * 1000, w = (c.v1 - c.v0) / full * 1000;
    c.data.setAttribute("viewBox", a.toFixed(2) + " 0 " + w.toFixed(2) + " 1000");
    relabel(c);
    c.reset.hidden = c.v0 === c.d.x0 && c.v1 === c.d.x1;
  }
  function peers(c) {
    return c.d.g ? charts.filter(function (o) { return o.d.g === c.d.g; }) : [c];
  }
  function zoom(c, v0, v1) { peers(c).forEach(function (o) { view(o, v0, v1); }); }

  function nearest(c, x) {
    var xs = c.d.x, lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (xs[mid] < x) { lo = mid; } else { hi = mid; } }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  }
  function readout(c, i) {
    var parts = [xText(c, i)];
    c.d.s.forEach(function (s) {
      var v = s.v[i];
      if (v === null || v === undefined) { parts.push(s.l + " -"); return; }
      var low = s.lo ? s.lo[i] : null;
      var t = s.l + " " + (low === null || low === undefined ? "" : low.toFixed(s.d) + " to ") +
        v.toFixed(s.d) + " " + s.u;
      if (s.p && v > 0.3) { var pace = 3600 / v; t += " (" + clock(pace) + " min/" + s.p + ")"; }
      parts.push(t);
    });
    return parts.join(" \u00b7 ");
  }
  function show(c, x) {
    peers(c).forEach(function (o) {
      var i = nearest(o, x), at = (o.d.x[i] - o.d.x0) / (o.d.x1 - o.d.x0) * 1000;
      o.cursor.setAttribute("x1", at); o.cursor.setAttribute("x2", at);
      o.cursor.setAttribute("visibility", "visible");
      o.out.textContent = readout(o, i);
      o.at = o.d.x[i];
    });
  }
  function hide(c) {
    peers(c).forEach(function (o) { o.cursor.setAttribute("visibility", "hidden"); });
  }

  function setup(fig) {
    var d;
    try { d = JSON.parse(fig.getAttribute("data-chart")); } catch (e) { return; }
    if (!d || !d.x || !d.x.length) { return; }
    var plot = fig.querySelector(".rs-plot"), data = fig.querySelector(".rs-data");
    var c = { fig: fig, d: d, plot: plot, data: data, v0: d.x0, v1: d.x1,
              out: fig.querySelector(".rs-readout") };
    c.cursor = el("line", { "class": "rs-cursor", y1: 0, y2: 1000, visibility: "hidden",
                            "vector-effect": "non-scaling-stroke" }, data);
    c.band = el("rect", { "class": "rs-select", y: 0, height: 1000, width: 0, visibility: "hidden" }, data);
    c.reset = document.createElement("button");
    c.reset.type = "button"; c.reset.className = "button secondary rs-reset"; c.reset.hidden = true;
    c.reset.textContent = "Show all";
    c.reset.addEventListener("click", function () { zoom(c, d.x0, d.x1); plot.focus(); });
    fig.querySelector("figcaption").appendChild(c.reset);
    plot.setAttribute("tabindex", "0");
    plot.setAttribute("aria-describedby", c.out.id = fig.id + "-out");
    charts.push(c);

    function xAt(event) {
      var r = plot.getBoundingClientRect();
      var f = Math.min(1, Math.max(0, (event.clientX - r.left) / r.width));
      return c.v0 + f * (c.v1 - c.v0);
    }
    function vb(x) { return (x - d.x0) / (d.x1 - d.x0) * 1000; }
    var start = null;
    if (d.k !== "cat") {
      plot.addEventListener("pointerdown", function (e) {
        if (e.button !== 0) { return; }
        start = xAt(e); plot.setPointerCapture(e.pointerId);
      });
      plot.addEventListener("pointerup", function (e) {
        if (start === null) { return; }
        var end = xAt(e), a = Math.min(start, end), b = Math.max(start, end);
        start = null; c.band.setAttribute("visibility", "hidden");
        if ((b - a) / (c.v1 - c.v0) > 0.02) { zoom(c, a, b); }
      });
      plot.addEventListener("pointercancel", function () { start = null; c.band.setAttribute("visibility", "hidden"); });
    }
    plot.addEventListener("pointermove", function (e) {
      var x = xAt(e);
      show(c, x);
      if (start !== null) {
        c.band.setAttribute("x", vb(Math.min(start, x)));
        c.band.setAttribute("width", Math.abs(vb(x) - vb(start)));
        c.band.setAttribute("visibility", "visible");
      }
    });
    plot.addEventListener("pointerleave", function () { if (start === null) { hide(c); } });
    plot.addEventListener("keydown", function (e) {
      var step = (c.v1 - c.v0) / (d.k === "cat" ? d.x.length : 50);
      var at = c.at === undefined ? c.v0 : c.at, span = c.v1 - c.v0;
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        at += e.key === "ArrowRight" ? step : -step;
        show(c, Math.min(c.v1, Math.max(c.v0, at)));
      } else if (d.k === "cat") {
        return;
      } else if (e.key === "+" || e.key === "=") {
        zoom(c, at - span / 4, at + span / 4);
      } else if (e.key === "-") {
        zoom(c, at - span, at + span);
      } else if (e.key === "Escape" || e.key === "0") {
        zoom(c, d.x0, d.x1); hide(c);
      } else { return; }
      e.preventDefault();
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("figure.rs-chart[data-chart]"), setup);
}());
