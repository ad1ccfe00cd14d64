/* retrostride: our own small progressive enhancements (no library, no other site). */
"use strict";
(function () {
  document.documentElement.classList.add("js");

  /* Tell the server this browser's time zone: proposed until the account chooses one. */
  if (!/(^|; )retrostride_zone=/.test(document.cookie) && window.Intl) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) {
        document.cookie = "retrostride_zone=" + encodeURIComponent(zone) +
          "; path=/; max-age=31536000; samesite=lax";
      }
    } catch (ignore) { /* no zone: the server keeps its default */ }
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function text(el, value) { if (el) { el.textContent = value; } }

  /* Ask before destructive actions. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  /* Move focus to the error summary of a refused form. */
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }

  /* Upload: XHR so that the upload's progress shows, then the import's, file by file. */
  var form = document.getElementById("upload-form");
  if (form) {
    var status = document.getElementById("upload-status");
    var bar = document.getElementById("upload-progress");
    var message = document.getElementById("upload-message");
    var results = document.getElementById("upload-results");
    var api = form.getAttribute("data-api");
    var sessions = form.getAttribute("data-sessions");
    var remedies = JSON.parse(form.getAttribute("data-remedies") || "{}");

    var showJob = function (job) {
      results.innerHTML = "";
      job.results.forEach(function (r) {
        var li = document.createElement("li");
        li.className = r.outcome;
        var label = r.name + ": " + r.outcome.replace(/_/g, " ");
        /* The service's reason; what to do about it in this page's words (the server's
           REMEDY_WORDS, by the import's remedy). */
        var message = r.message || "";
        var remedy = r.remedy || (r.salvageable ? "salvage" : null);
        if (remedy && remedies[remedy]) { message += "; " + remedies[remedy]; }
        if (message) { label += " (" + message + ")"; }
        li.appendChild(document.createTextNode(label));
        r.session_ids.forEach(function (id) {
          var a = document.createElement("a");
          a.href = sessions + "/sessions/" + id;
          a.textContent = "session " + id;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(a);
        });
        r.warnings.forEach(function (w) {
          var note = document.createElement("div");
          note.className = "muted small";
          note.textContent = w;
          li.appendChild(note);
        });
        results.appendChild(li);
      });
    };

    var poll = function (url) {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          var total = job.files_total || 1;
          bar.value = 50 + 50 * job.files_done / total;
          text(message, "Importing: " + job.files_done + " of " + job.files_total + " files done.");
          showJob(job);
          if (job.status === "done" || job.status === "failed") {
            bar.value = 100;
            var ok = job.results.filter(function (r) {
              return r.outcome === "imported" || r.outcome === "salvaged";
            }).length;
            text(message, "Done: " + ok + " of " + job.files_total + " files imported.");
          } else {
            window.setTimeout(function () { poll(url); }, 500);
          }
        })
        .catch(function () { text(message, "Lost contact with the server; reload to see the result."); });
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("f-files");
      if (!input.files.length) {
        text(message, "Choose at least one file.");
        status.hidden = false;
        input.focus();
        return;
      }
      var data = new FormData();
      Array.prototype.forEach.call(input.files, function (f) { data.append("files", f, f.name); });
      var params = new URLSearchParams();
      var direction = document.getElementById("f-direction").value;
      if (direction) { params.set("direction", direction); }
      if (document.getElementById("f-salvage").checked) { params.set("salvage", "true"); }
      if (document.getElementById("f-dup").checked) { params.set("allow_duplicate", "true"); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", api + (params.toString() ? "?" + params.toString() : ""));
      xhr.setRequestHeader("X-CSRF-Token", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      status.hidden = false;
      bar.value = 0;
      results.innerHTML = "";
      text(message, "Uploading " + input.files.length + " file(s)...");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = 50 * e.loaded / e.total;
          text(message, "Uploading: " + Math.round(100 * e.loaded / e.total) + "%");
        }
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 202 || xhr.status === 200) {
          bar.value = 50;
          poll(api + "/" + body.id);
        } else {
          text(message, "The upload was refused: " + (body && body.detail ? body.detail : xhr.status));
        }
      });
      xhr.addEventListener("error", function () { text(message, "The upload failed: no connection."); });
      xhr.send(data);
    });
  }

  /* Energy calculator: ask the API for both directions as the inputs change. */
  var energy = document.getElementById("energy-form");
  if (energy && energy.getAttribute("data-live") !== "off") {  /* visitors: the form is answered by the server */
    var timer = null;
    var value = function (id) { return document.getElementById(id).value.trim(); };
    var out = function (key) { return document.querySelector('[data-out="' + key + '"]'); };
    var ask = function (direction) {
      var gait = value("f-gait");
      var body = {
        speed: value("f-speed") + " " + value("f-speed_unit"),
        grade: (value("f-grade") || "0") + "%",
        mass: value("f-mass") + " " + value("f-mass_unit"),
        duration: (value("f-duration") || "0") + " min",
        direction: direction,
        setting: value("f-setting")
      };
      if (gait !== "auto") { body.gait = gait; }
      return fetch("/api/energy", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify(body)
      }).then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, body: j }; });
      });
    };
    var update = function () {
      Promise.all([ask("backward"), ask("forward")]).then(function (both) {
        var bad = both.filter(function (x) { return !x.ok; })[0];
        if (bad) {
          text(out("ratio"), "Not computed: " + (bad.body.detail || "check the values"));
          return;
        }
        var minutes = value("f-duration") || "0";
        [["backward", both[0].body], ["forward", both[1].body]].forEach(function (pair) {
          var d = pair[0], r = pair[1];
          text(out(d + "-met"), r.met.toFixed(1) + " MET");
          text(out(d + "-kcal-min"), r.kcal_per_min.toFixed(1) + " kcal/min");
          text(out(d + "-kcal"), r.gross_kcal === null ? "" : Math.round(r.gross_kcal) + " kcal in " + minutes + " min");
          text(out(d + "-certainty"), "certainty: " + r.certainty);
        });
        var ratio = both[0].body.met / both[1].body.met;
        var ratioEl = out("ratio");
        if (ratioEl) {
          ratioEl.innerHTML = "";
          ratioEl.appendChild(document.createTextNode("Backward costs "));
          var strong = document.createElement("strong");
          strong.textContent = ratio.toFixed(2) + "\u00d7";
          ratioEl.appendChild(strong);
          ratioEl.appendChild(document.createTextNode(" forward at " + value("f-speed") + " " + value("f-speed_unit") + "."));
        }
        var warnings = out("warnings");
        if (warnings) {
          warnings.innerHTML = "";
          both[0].body.warnings.concat(both[1].body.warnings).forEach(function (w) {
            var li = document.createElement("li");
            li.textContent = w;
            warnings.appendChild(li);
          });
        }
      }).catch(function () { text(out("ratio"), "Lost contact with the server."); });
    };
    energy.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    });
    energy.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 50);
    });
  }
  /* Session form: the energy estimate follows the fields (the button works without this). */
  var entry = document.getElementById("session-form");
  if (entry) {
    var entryTimer = null;
    var entryOut = document.getElementById("estimate-text");
    var askEstimate = function () {
      var body = new URLSearchParams(new FormData(entry));
      fetch(entry.getAttribute("data-estimate"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRF-Token": csrfToken()}
      }).then(function (r) { return r.json(); }).then(function (data) {
        text(entryOut, data.text || "fill in a duration and a speed or distance.");
      }).catch(function () { text(entryOut, "Lost contact with the server."); });
    };
    entry.addEventListener("input", function () {
      window.clearTimeout(entryTimer);
      entryTimer = window.setTimeout(askEstimate, 400);
    });
    entry.addEventListener("change", function () {
      window.clearTimeout(entryTimer);
      entryTimer = window.setTimeout(askEstimate, 50);
    });
  }
  /* Import page: send the bundle with the login's CSRF token, show what was imported. */
  var importForm = document.getElementById("import-form");
  if (importForm) {
    importForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = document.getElementById("f-bundle").files[0];
      var out = document.getElementById("import-result");
      if (!file) { text(out, "Choose a file first."); return; }
      text(out, "Importing\u2026");
      var url = importForm.getAttribute("data-url") +
        (document.getElementById("f-merge").checked ? "?merge=true" : "");
      fetch(url, {method: "POST", body: file, credentials: "same-origin",
                  headers: {"X-CSRF-Token": csrfToken(), "Content-Type": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          out.innerHTML = "";
          var p = document.createElement("p");
          p.textContent = data.message;
          out.appendChild(p);
          (data.skipped || []).forEach(function (note) {
            var s = document.createElement("p");
            s.className = "muted small";
            s.textContent = "Skipped: " + note;
            out.appendChild(s);
          });
        }).catch(function () { text(out, "Lost contact with the server."); });
    });
  }
}());
