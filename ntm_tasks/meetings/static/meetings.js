// Meetings pages; no inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // Choosing another unit on the new-meeting form reloads it with that unit's bodies.
  document.querySelectorAll("select[data-reload-param]").forEach((select) => {
    select.addEventListener("change", () => {
      const url = new URL(window.location.href);
      url.searchParams.set(select.dataset.reloadParam, select.value);
      window.location.assign(url.toString());
    });
  });
  // The conclusions preview: the bodies chosen in a long list are repeated above it.
  document.querySelectorAll("select[multiple][data-chosen]").forEach((select) => {
    const chosen = document.getElementById(select.dataset.chosen);
    select.addEventListener("change", () => {
      chosen.replaceChildren(...Array.from(select.selectedOptions).map((option) => {
        const badge = document.createElement("span");
        badge.className = "badge text-bg-light border me-1";
        badge.textContent = option.textContent.trim();
        return badge;
      }));
    });
  });
});
