// The export page polls its status (JSON) until the file is ready; no inline script (CSP).
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("export-status");
  if (!box) return;
  const label = box.querySelector("[data-export-label]");
  const bar = box.querySelector("[data-export-progress]");
  const error = box.querySelector("[data-export-error]");
  const download = box.querySelector("[data-export-download]");
  const finished = (status) => status === "done" || status === "failed" || status === "expired";

  const poll = () => {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        label.textContent = data.label;
        bar.value = data.progress;
        bar.textContent = `${data.progress}%`;
        if (data.status === "done" && data.download_url) {
          download.href = data.download_url;
          download.classList.remove("d-none");
        }
        if (data.status === "failed") {
          error.textContent = data.error || "";
          error.classList.remove("d-none");
        }
        if (!finished(data.status)) window.setTimeout(poll, 2000);
      })
      .catch(() => window.setTimeout(poll, 5000));
  };
  if (!finished(box.dataset.status)) poll();
});
