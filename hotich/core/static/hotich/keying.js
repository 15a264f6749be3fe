/* Keyboard-first keying (hotich). Every action of the entry form has a key:
   Enter/Tab next field · PageDown next section · F2 repeat the previous entry's value ·
   F3 cycle the field's mark (illegible → blank in the book → none) · F4 take the accented
   name offered · F7 go to the lookup decision · Ctrl+S save · Ctrl+Enter save and open the
   next entry number · F9 set aside ("hard, later"). */
(function () {
  "use strict";
  const MARKS = ["", "illegible", "blank"];
  const MARK_TEXT = { illegible: "Không đọc được", blank: "Sổ để trống" };

  function fields(form) {
    return Array.from(form.querySelectorAll("input.kf")).filter((el) => el.offsetParent !== null);
  }

  function move(form, from, step) {
    const list = fields(form);
    const next = list[list.indexOf(from) + step];
    if (next) { next.focus(); next.select(); }
  }

  function nextGroup(form, from) {
    // The next section that is open; folded rare sections are opened with their button.
    const list = fields(form);
    const group = from.closest("fieldset.group");
    const next = list.find((el) => el.closest("fieldset.group") !== group && list.indexOf(el) > list.indexOf(from));
    if (next) { next.focus(); next.select(); }
  }

  function changed(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function submit(form, action) {
    form.querySelector("input[name=_action]").value = action;
    form.requestSubmit();
  }

  function repeatPrevious(input) {
    const data = document.getElementById("previous-values");
    const previous = data ? JSON.parse(data.textContent) : {};
    if (previous[input.name] !== undefined) { input.value = previous[input.name]; changed(input); }
  }

  function cycleMark(input) {
    const box = input.closest(".kfield");
    const hidden = box.querySelector("input[type=hidden][name^='mark:']");
    const next = MARKS[(MARKS.indexOf(hidden.value) + 1) % MARKS.length];
    hidden.value = next;
    box.classList.toggle("marked", next !== "");
    input.readOnly = next !== "";
    if (next) input.value = "";
    box.querySelector(".fhint").textContent = next ? MARK_TEXT[next] : "";
    changed(input);
  }

  function takeSuggestion(input) {
    const offer = document.querySelector(`[data-suggest-field="${input.name}"]`);
    if (offer) { input.value = offer.dataset.value; changed(input); }
  }

  function readDate(input) {
    // The server reads digit dates (15081985 → 15/08/1985); show its reading in the field.
    const reading = document.querySelector(`[data-reading-field="${input.name}"]`);
    if (reading && input.dataset.type === "partial_date") input.value = reading.dataset.value;
  }

  document.addEventListener("keydown", (event) => {
    const form = document.getElementById("keying-form");
    if (!form) return;
    const target = event.target;
    const inField = target instanceof HTMLInputElement && target.classList.contains("kf");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault(); submit(form, form.dataset.saveNext || "save_next"); return;
    }
    if (event.key.toLowerCase() === "s" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault(); submit(form, "save"); return;
    }
    if (event.key === "F9") { event.preventDefault(); submit(form, "aside"); return; }
    if (event.key === "F7") {
      const choice = form.querySelector("#check input[type=radio]:checked") || form.querySelector("#check input[type=radio]");
      if (choice) { event.preventDefault(); choice.focus(); }
      return;
    }
    if (!inField) return;
    if (event.key === "Enter") { event.preventDefault(); move(form, target, event.shiftKey ? -1 : 1); }
    else if (event.key === "PageDown") { event.preventDefault(); nextGroup(form, target); }
    else if (event.key === "F2") { event.preventDefault(); repeatPrevious(target); }
    else if (event.key === "F3") { event.preventDefault(); cycleMark(target); }
    else if (event.key === "F4") { event.preventDefault(); takeSuggestion(target); }
  });

  document.addEventListener("focusout", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.classList.contains("kf")) {
      readDate(event.target);
    }
  });

  document.addEventListener("click", (event) => {
    if (event.target.classList && event.target.classList.contains("open-group")) {
      const box = event.target.closest("fieldset").querySelector(".group-fields");
      box.hidden = false;
    }
  });

  // After each check: mark the fields that have problems (the messages are in the panel).
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id !== "check") return;
    document.querySelectorAll(".kfield").forEach((box) => box.classList.remove("has-error", "has-warning"));
    event.target.querySelectorAll("[data-problem-field]").forEach((item) => {
      const box = document.querySelector(`.kfield[data-field="${item.dataset.problemField}"]`);
      if (box) box.classList.add(item.classList.contains("error") ? "has-error" : "has-warning");
    });
    const active = document.activeElement;
    document.querySelectorAll("[data-reading-field]").forEach((item) => {
      const input = document.querySelector(`input.kf[name="${item.dataset.readingField}"]`);
      if (input && input !== active && input.dataset.type === "partial_date") input.value = item.dataset.value;
    });
  });

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("keying-form");
    if (!form) return;
    const list = fields(form);
    const first = list.find((el) => !el.value && !el.readOnly) || list[0];
    if (first) first.focus();
  });
})();
