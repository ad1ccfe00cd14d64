/* retrostride gait pages: upload progress, and the job page refreshed when its analysis ends.
   Both pages work without this script (a plain form; a "Check again" link). */
"use strict";
(function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  var form = document.getElementById("gait-form");
  if (form && window.FormData && window.XMLHttpRequest) {
    form.addEventListener("submit", function (event) {
      var input = document.getElementById("f-file");
      if (!input.files.length) { return; } /* the browser's own check says what is missing */
      event.preventDefault();
      var box = document.getElementById("gait-upload-status");
      var bar = document.getElementById("gait-upload-progress");
      var message = document.getElementById("gait-upload-message");
      box.hidden = false;
      message.textContent = "Uploading " + input.files[0].name + "…";
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.pathname);
      xhr.setRequestHeader("X-CSRF-Token", csrfToken());
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
          message.textContent = "Uploading: " + bar.value + "%";
        }
      });
      xhr.addEventListener("load", function () {
        if (/\/gait\/\d+$/.test(xhr.responseURL)) {
          window.location.assign(xhr.responseURL);
          return;
        }
        /* Refused: show the page the server answered (its error box says why). */
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.querySelector("main");
        if (main) {
          document.querySelector("main").replaceWith(main);
          var summary = document.getElementById("form-errors") || main;
          summary.focus();
        } else {
          message.textContent = "The upload was refused (" + xhr.status + ").";
        }
      });
      xhr.addEventListener("error", function () {
        message.textContent = "The upload failed: no connection to the server.";
      });
      xhr.send(new FormData(form));
    });
  }

  var job = document.getElementById("gait-job");
  if (job && window.fetch) {
    var url = job.getAttribute("data-status-url");
    var status = document.getElementById("gait-job-status");
    var shown = "";
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (state.finished) { window.location.reload(); return; }
          if (state.status !== shown) {  /* a live region: speak changes only */
            shown = state.status;
            status.textContent = state.status === "queued" ? "Waiting for a free worker…" :
              "Analysing the recording…";
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () {
          status.textContent = "Lost contact with the server: use \u201cCheck again\u201d.";
        });
    };
    window.setTimeout(poll, 700);
  }
})();
