// Roster console: the upload page's drag and drop, checks, downloads and import progress.
// Every state-changing fetch carries the session's CSRF token in X-CSRF-Token.
"use strict";

const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRF-Token": csrfToken(), "X-Requested-With": "fetch" },
  });
  if (!response.ok) {
    let detail = `The server answered ${response.status}.`;
    try {
      detail = (await response.json()).detail || detail;
    } catch (_) {
      /* not JSON: keep the status */
    }
    throw new Error(detail);
  }
  return response;
}

// The file name of a Content-Disposition header: filename*=UTF-8''… first, then filename=.
function downloadName(disposition) {
  const encoded = disposition.match(/filename\*=UTF-8''([^;]+)/i);
  if (encoded) return decodeURIComponent(encoded[1]);
  const plain = disposition.match(/filename="?([^";]+)"?/i);
  return plain ? plain[1] : "roster";
}

function showError(message) {
  const box = document.getElementById("upload-error");
  box.textContent = message;
  box.hidden = !message;
}

function setUpUpload(form) {
  const input = form.querySelector("input[type=file]");
  const result = document.getElementById("result");
  let file = null;

  const withFile = (extra) => {
    const data = new FormData(extra || undefined);
    data.append("file", file, file.name);
    return data;
  };

  async function check(chosen) {
    file = chosen;
    document.getElementById("chosen").textContent = `Checking ${file.name}…`;
    document.getElementById("progress-section").hidden = true;
    showError("");
    try {
      const response = await post(form.dataset.check, withFile());
      result.innerHTML = await response.text();
      document.getElementById("chosen").textContent = `Checked ${file.name}.`;
      wireResult();
    } catch (error) {
      result.innerHTML = "";
      document.getElementById("chosen").textContent = "";
      showError(error.message);
    }
  }

  async function download(url) {
    showError("");
    try {
      const response = await post(url, withFile());
      const name = downloadName(response.headers.get("Content-Disposition") || "");
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = name;
      document.body.appendChild(link);
      link.click();
      setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    } catch (error) {
      showError(error.message);
    }
  }

  async function startImport(importForm) {
    showError("");
    const button = importForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await post(form.dataset.import, withFile(importForm));
      const started = await response.json();
      follow(started.progress_url, started.result_url);
    } catch (error) {
      button.disabled = false;
      showError(error.message);
    }
  }

  function follow(progressUrl, resultUrl) {
    const section = document.getElementById("progress-section");
    const bar = document.getElementById("import-progress");
    const label = document.getElementById("progress-label");
    section.hidden = false;
    const poll = async () => {
      try {
        const response = await fetch(progressUrl, { headers: { "X-Requested-With": "fetch" } });
        const run = (await response.json()).import;
        bar.max = Math.max(run.total, 1);
        bar.value = run.processed;
        label.textContent = `${run.processed} of ${run.total} rows (${run.status})`;
        if (run.status === "succeeded" || run.status === "failed") {
          window.location.assign(resultUrl);
          return;
        }
      } catch (error) {
        label.textContent = "Waiting for the server…";
      }
      setTimeout(poll, 250);
    };
    poll();
  }

  function wireResult() {
    const fixed = document.getElementById("download-fixed");
    if (fixed) fixed.addEventListener("click", () => download(form.dataset.fixed));
    const annotated = document.getElementById("download-annotated");
    if (annotated) annotated.addEventListener("click", () => download(form.dataset.annotated));
    const importForm = document.getElementById("import-form");
    importForm.addEventListener("submit", (event) => {
      event.preventDefault();
      startImport(importForm);
    });
  }

  input.addEventListener("change", () => input.files[0] && check(input.files[0]));
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const name of ["dragenter", "dragover"]) {
    form.addEventListener(name, (event) => {
      event.preventDefault();
      form.classList.add("dragging");
    });
  }
  form.addEventListener("dragleave", () => form.classList.remove("dragging"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("dragging");
    if (event.dataTransfer.files[0]) check(event.dataTransfer.files[0]);
  });
}

function setUpCopyButtons() {
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent.trim();
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch (_) {
        window.getSelection().selectAllChildren(document.getElementById(button.dataset.copy));
        button.textContent = "Selected: press Ctrl+C";
      }
    });
  }
}

// Sign in with Google calls this with the button's ID token; we open a session with it.
async function rosterGoogleSignIn(response) {
  const holder = document.getElementById("g_id_onload");
  const body = new FormData();
  body.append("credential", response.credential);
  body.append("next", holder.dataset.next);
  try {
    const answer = await post(window.location.pathname, new URLSearchParams(body));
    window.location.assign((await answer.json()).next);
  } catch (error) {
    const box = document.getElementById("signin-error");
    box.textContent = error.message;
    box.hidden = false;
  }
}
window.rosterGoogleSignIn = rosterGoogleSignIn;

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (form) setUpUpload(form);
  setUpCopyButtons();
});
