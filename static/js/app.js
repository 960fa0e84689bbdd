// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
  // A form that offers what belongs to a choice (the lawyers of the firm chosen): asked again on change.
  document.querySelectorAll("[data-choose-firm]").forEach((button) => {
    const select = button.form.querySelector("select[name=firm_id]");
    if (!select) return;
    button.hidden = true;
    select.addEventListener("change", () => button.click());
  });
  document.querySelectorAll("[data-print]").forEach((el) => {
    el.addEventListener("click", () => window.print());
  });
});
// Close an open menu when another opens or on a click elsewhere.
document.addEventListener("click", (event) => {
  document.querySelectorAll(".main-nav details[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
