/* Keyboard-first keying (hotich). Every action of the entry form has a key (the `?` help
   overlay lists them, docs/keying.md too): Enter next field to key (values carried from
   the book are skipped; Tab visits every field) · a digit in a code field takes the code
   and moves on · digit dates get their separators (12032005 → 12/03/2005) · PageDown next
   section · F2 repeat the previous entry's value · F3 cycle the field's mark (illegible →
   blank in the book → none) · F4 take what is offered for the field (the accented name, the
   registry's value for a blank field) · F7 go to the lookup decision · F8 open the folded
   fields · Ctrl+S save · Ctrl+Enter save and open the next entry number · F9 set aside
   ("hard, later") · ? (outside a field) or F1 this help · Esc leave the field.

   Nothing typed is lost: every change is kept in this browser (localStorage, under the
   officer, the book and the entry, so that no other officer of this computer sees it) until
   the server has the same draft; autosaves and saves that meet a network drop wait and are
   sent again when it comes back, and the status line says so. */
(function () {
  "use strict";
  const MARKS = ["", "illegible", "blank"];
  const MARK_TEXT = { illegible: "Không đọc được", blank: "Sổ để trống" };
  const STORE = "hotich.keying.draft:";
  const RETRY_MS = 3000;
  const NOT_KEPT = new Set(["csrfmiddlewaretoken", "_action"]);

  // The state of the form on this page (set up again when a saved page replaces it).
  let state = null;
  // Set once a save went through and the page is on its way to the next one: an autosave
  // still waiting out its pause must not bring back the draft the save has just deleted.
  let leaving = false;

  function fields(form) {
    return Array.from(form.querySelectorAll("input.kf")).filter((el) => el.offsetParent !== null);
  }

  function skippable(el) {
    // A value carried from the book's habit, still as carried: Enter passes it by.
    return el.dataset.carry === "carried" && el.value === el.dataset.carriedValue;
  }

  function move(form, from, step) {
    // Forward: the next field to key (carried values passed by); back: every field, so
    // that a carried value just passed is one Shift+Enter away.
    const list = fields(form);
    let i = list.indexOf(from) + step;
    while (step > 0 && list[i] && skippable(list[i])) i += step;
    const next = list[i];
    if (next) { next.focus(); next.select(); }
  }

  function showCarried(form) {
    // A carried or proposed value is marked while the field holds it; the form tells the
    // server which of a person's values are carried (saved only with that person typed).
    const carried = [];
    form.querySelectorAll("input.kf[data-carry]").forEach((el) => {
      const still = el.value === el.dataset.carriedValue;
      const box = el.closest(".kfield");
      box.classList.toggle("is-carried", still && el.dataset.carry === "carried");
      box.classList.toggle("is-proposed", still && el.dataset.carry === "proposed");
      const note = box.querySelector(".carry-note");
      if (note) note.hidden = !still;
      if (still && el.dataset.carry === "carried") carried.push(el.name);
    });
    const hidden = form.querySelector("input[name=_carried]");
    if (hidden) hidden.value = carried.sort().join(",");
  }

  function codeLabel(input, code) {
    // The code list's labels are in the placeholder: "1 Nam · 2 Nữ · 3 Không xác định".
    for (const part of (input.placeholder || "").split(" · ")) {
      if (part.split(" ")[0] === code) return part.slice(code.length + 1);
    }
    return "";
  }

  function takeCode(form, input, key) {
    // One keystroke: a digit of the field's code list, typed into the field when it is
    // empty or wholly selected, is the value; the cursor moves on.
    const codes = (input.dataset.codes || "").split(",");
    const whole = input.value === "" || (input.selectionStart === 0 && input.selectionEnd === input.value.length);
    if (!codes.includes(key) || !whole || input.readOnly) return false;
    input.value = key;
    const hint = input.closest(".kfield").querySelector(".fhint");
    if (hint) hint.textContent = codeLabel(input, key);
    changed(input);
    move(form, input, 1);
    return true;
  }

  function daysIn(month, year) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  }

  function withSeparators(input) {
    // The reading the server makes of a digit date (hotich.lib.dates.parse_partial_date),
    // shown at once: 12032005 → 12/03/2005, 032005 → 03/2005. A date that does not exist
    // is left as typed (the server keeps it so and says why).
    if (input.dataset.type !== "partial_date") return;
    const v = input.value.trim();
    let out = null;
    if (/^\d{8}$/.test(v)) {
      const d = +v.slice(0, 2), m = +v.slice(2, 4), y = +v.slice(4);
      if (m >= 1 && m <= 12 && d >= 1 && d <= daysIn(m, y)) out = `${v.slice(0, 2)}/${v.slice(2, 4)}/${v.slice(4)}`;
    } else if (/^\d{6}$/.test(v)) {
      const m = +v.slice(0, 2);
      if (m >= 1 && m <= 12) out = `${v.slice(0, 2)}/${v.slice(2)}`;
    }
    if (out && out !== input.value) { input.value = out; changed(input); }
  }

  function openMore(form, from) {
    // F8: the folded fields of this section, else the next folded section.
    const group = from && from.closest("fieldset.group");
    const more = group && group.querySelector(".more-fields[hidden]");
    let box = more;
    if (!box) {
      const all = Array.from(form.querySelectorAll("fieldset.group"));
      const after = all.slice(group ? all.indexOf(group) + 1 : 0);
      const folded = after.find((g) => g.querySelector(".group-fields[hidden]"));
      box = folded && folded.querySelector(".group-fields[hidden]");
    }
    if (!box) return;
    unfold(box);
    const first = box.querySelector("input.kf");
    if (first) { first.focus(); first.select(); }
  }

  function unfold(box) {
    box.hidden = false;
    const group = box.closest("fieldset.group");
    if (box.classList.contains("more-fields")) {
      const button = group.querySelector(".open-more");
      if (button) button.hidden = true;
    } else {
      const opener = group.querySelector(".open-group");
      if (opener) opener.hidden = true;
      const button = group.querySelector(".open-more");
      if (button) button.hidden = false;
    }
  }

  let helpReturn = null;

  function openHelp() {
    const dialog = document.getElementById("keys-help");
    if (!dialog || dialog.open) return;
    helpReturn = document.activeElement;
    dialog.showModal();
  }

  document.addEventListener("close", (event) => {
    if (event.target.id === "keys-help" && helpReturn && helpReturn.focus) helpReturn.focus();
  }, true);

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

  function showMark(input, mark) {
    const box = input.closest(".kfield");
    box.querySelector("input[type=hidden][name^='mark:']").value = mark;
    box.classList.toggle("marked", mark !== "");
    input.readOnly = mark !== "";
    if (mark) input.value = "";
    box.querySelector(".fhint").textContent = mark ? MARK_TEXT[mark] : "";
  }

  function cycleMark(input) {
    const hidden = input.closest(".kfield").querySelector("input[type=hidden][name^='mark:']");
    showMark(input, MARKS[(MARKS.indexOf(hidden.value) + 1) % MARKS.length]);
    changed(input);
  }

  function takeSuggestion(input) {
    // The accented name offered for a name typed without accents; else, for a field still
    // empty, the registry's value of the person found (never over what was typed).
    const offer = document.querySelector(`[data-suggest-field="${input.name}"]`);
    if (offer) { input.value = offer.dataset.value; changed(input); return; }
    const registry = document.querySelector(`[data-offer-field="${input.name}"]`);
    if (registry && input.value === "" && !input.readOnly) { input.value = registry.dataset.value; changed(input); }
  }

  function showReading(input, item) {
    // The server reads digit dates (15081985 → 15/08/1985); its reading is shown in the
    // field only while the field still holds the text it was read from: a reading of
    // an earlier keystroke must never overwrite what was typed since.
    if (input.dataset.type !== "partial_date" || !item) return;
    if (input.value.trim() !== (item.dataset.raw || "").trim()) return;
    if (input.value === item.dataset.value) return;
    input.value = item.dataset.value;
    // The server's draft holds the same date as typed: the reading is no change to send.
    if (state) {
      for (const known of [state.acked, state.sent]) {
        if (known && known[input.name] === item.dataset.raw) known[input.name] = item.dataset.value;
      }
    }
    remember();
  }

  // --- the draft kept in this browser ----------------------------------------------------

  function snapshot(form) {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (!NOT_KEPT.has(name) && typeof value === "string") data[name] = value;
    }
    return data;
  }

  function differences(a, b) {
    // Changes that count for the officer: fields, marks and lookup choices.
    let n = 0;
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      // The engine's proposal and the signed lookup are the server's, not the officer's.
      if (name.startsWith("_engine:") || name.startsWith("_lookup:") || name === "_version" || name === "_entry" || name === "_token") continue;
      if ((a[name] || "") !== (b[name] || "")) n += 1;
    }
    return n;
  }

  function storeRead(key) {
    try { return JSON.parse(localStorage.getItem(STORE + key) || "null"); } catch (e) { return null; }
  }

  function storeWrite(key, record) {
    try { localStorage.setItem(STORE + key, JSON.stringify(record)); } catch (e) { /* full */ }
  }

  function storeDrop(key) {
    try { localStorage.removeItem(STORE + key); } catch (e) { /* unavailable */ }
  }

  function remember() {
    // After every change: keep the form in this browser, marked as not yet on the server.
    if (!state) return;
    if (!navigator.onLine) state.offline = true;
    const data = snapshot(state.form);
    const pending = differences(data, state.acked) > 0 || state.queued !== null;
    if (pending) storeWrite(state.key, { data, pending: true, queued: state.queued, at: Date.now() });
    else storeDrop(state.key);
    showStatus();
  }

  function restoreLocal(form, record) {
    const data = record.data || {};
    for (const [name, value] of Object.entries(data)) {
      if (name.startsWith("mark:")) continue;
      const input = form.querySelector(`input.kf[name="${CSS.escape(name)}"]`);
      if (input) { input.value = value; }
      const hidden = form.querySelector(`input[type=hidden][name="${CSS.escape(name)}"]`);
      // The new-entry form's token too: sent again, a form saved already (its answer lost)
      // creates no second entry.
      if (hidden && (name === "_version" || name === "_token")) hidden.value = value;
    }
    form.querySelectorAll("input[type=hidden][name^='mark:']").forEach((hidden) => {
      const input = form.querySelector(`input.kf[name="${CSS.escape(hidden.name.slice(5))}"]`);
      const mark = data[hidden.name] || "";
      if (input && hidden.value !== mark) showMark(input, mark);
    });
    form.querySelectorAll(".group-fields[hidden]").forEach((box) => {
      if (Array.from(box.querySelectorAll("input.kf")).some((el) => el.value || el.readOnly)) unfold(box);
    });
    showCarried(form);
    // The lookup choices come back with the first check (the panel is the server's).
    state.choices = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith("_choice:") || k.startsWith("_engine:")));
    const template = document.getElementById("draft-restored-template");
    if (template && !document.querySelector("[data-testid=draft-restored]")) {
      const notice = template.content.firstElementChild.cloneNode(true);
      notice.dataset.testid = "draft-restored";
      form.before(notice);
    }
  }

  function adoptPanel() {
    // The lookup choices shown are the server's (the engine's proposal, or the officer's
    // kept): they are not changes waiting to be sent.
    const now = snapshot(state.form);
    for (const name of Object.keys(state.acked)) {
      if (name.startsWith("_choice:") || name.startsWith("_engine:") || name.startsWith("_lookup:")) delete state.acked[name];
    }
    for (const [name, value] of Object.entries(now)) {
      if (name.startsWith("_choice:") || name.startsWith("_engine:") || name.startsWith("_lookup:")) state.acked[name] = value;
    }
  }

  // --- the status line -------------------------------------------------------------------

  function showStatus() {
    const line = document.getElementById("sync-status");
    if (!state || !line) return;
    const waiting = differences(snapshot(state.form), state.acked);
    const changes = `${waiting} thay đổi`;
    let text;
    let mode;
    if (state.offline) {
      mode = "offline";
      text = waiting ? `Mất kết nối — ${changes} đang chờ gửi, đã giữ trên máy này` : "Mất kết nối";
      if (state.queued) text += " · sẽ lưu khi có mạng lại";
    } else if (state.sending || state.checking) {
      mode = "saving";
      text = state.sending ? "Đang lưu…" : "Đang lưu nháp…";
    } else if (waiting && !state.autosave) {
      // The blind second keying has no draft on the server: the typing is on this computer
      // until it is saved.
      mode = "pending";
      text = `Trực tuyến — ${changes} giữ trên máy này, chưa lưu`;
    } else if (waiting) {
      mode = "pending";
      text = `Trực tuyến — ${changes} chờ lưu nháp`;
    } else if (state.savedAt) {
      mode = "saved";
      text = `Đã lưu nháp lúc ${state.savedAt.toLocaleTimeString("vi-VN")} (trực tuyến)`;
    } else {
      mode = "online";
      text = "Trực tuyến";
    }
    line.dataset.state = mode;
    line.textContent = text;
  }

  function goneOffline() {
    state.offline = true;
    showStatus();
    if (!state.timer) state.timer = setTimeout(retry, RETRY_MS);
  }

  function retry() {
    if (!state) return;
    state.timer = null;
    if (state.queued) { send(state.queued); return; }
    if (!state.autosave) { state.offline = !navigator.onLine; showStatus(); return; }
    if (differences(snapshot(state.form), state.acked) > 0 || state.offline) {
      htmx.trigger(state.form.querySelector(".fields"), "keying:retry");
    }
  }

  // --- saving: sent by the page itself, so that a network drop loses nothing -------------

  function waitForCheck() {
    return new Promise((resolve) => {
      const poll = () => (state && state.checking ? setTimeout(poll, 50) : resolve());
      poll();
    });
  }

  async function send(request) {
    // REQUEST: {url, action}; the form is sent as it is now (typing after a queued save
    // is saved with it).
    if (!state || state.sending) return;
    state.queued = request;
    state.sending = true;
    remember();
    await waitForCheck();
    const body = request.own ? new FormData(request.own) : new FormData(state.form);
    if (!request.own) body.set("_action", request.action);
    let response;
    try {
      response = await fetch(request.url, { method: "POST", body, headers: { "HX-Request": "true" }, credentials: "same-origin" });
    } catch (error) {
      state.sending = false;
      goneOffline();
      return;
    }
    state.offline = false;
    const key = state.key;
    const target = response.headers.get("HX-Redirect");
    if (target) {
      storeDrop(key);
      state = null;
      leaving = true;
      window.location.assign(target);
      return;
    }
    // A page to show instead (edit conflict, values to confirm, refusal): the draft stays
    // in this browser until the server has it.
    const html = await response.text();
    state.sending = false;
    state.queued = null;
    remember();
    showPage(html, state.key, state.acked);
  }

  function showPage(html, key, acked) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    if (doc.title) document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    window.scrollTo(0, 0);
    if (window.htmx) htmx.process(document.body);
    setUp(false);
    if (state && state.key === key) {
      // The server's draft is still the last one it acknowledged: send what it lacks.
      state.acked = acked;
      remember();
      if (differences(snapshot(state.form), acked) > 0) retry();
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const keying = document.getElementById("keying-form");
    if (!state || !keying || (form !== keying && !form.hasAttribute("data-keying-send"))) return;
    event.preventDefault();
    if (form === keying) {
      const action = (event.submitter && event.submitter.name === "_action" && event.submitter.value) || keying.querySelector("input[name=_action]").value;
      send({ url: keying.action, action });
    } else {
      send({ url: form.action, action: "discard", own: form });
    }
  });

  // --- autosave (the htmx check) ---------------------------------------------------------

  function isCheck(event) {
    return state && event.detail.elt === state.form.querySelector(".fields");
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (leaving && event.detail.elt.classList && event.detail.elt.classList.contains("fields")) {
      event.preventDefault();
      return;
    }
    if (!isCheck(event)) return;
    if (state.sending) { event.preventDefault(); return; }
    state.checking = true;
    showStatus();
  });

  document.addEventListener("htmx:configRequest", (event) => {
    if (!isCheck(event)) return;
    if (state.choices) {
      for (const [name, value] of Object.entries(state.choices)) {
        if (!event.detail.parameters[name]) event.detail.parameters[name] = value;
      }
    }
    state.sent = snapshot(state.form);
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (!isCheck(event)) return;
    state.checking = false;
    if (event.detail.successful) {
      state.offline = false;
      state.acked = state.sent || state.acked;
      if (!state.choices) adoptPanel();
      state.savedAt = new Date();
      remember();
    } else if (!event.detail.xhr || !event.detail.xhr.status) {
      goneOffline();
    } else {
      showStatus();
    }
  });

  document.addEventListener("htmx:sendError", (event) => {
    if (!isCheck(event)) return;
    state.checking = false;
    goneOffline();
  });

  window.addEventListener("online", () => { if (state && state.offline) retry(); });
  window.addEventListener("offline", () => { if (state) { state.offline = true; showStatus(); } });

  document.addEventListener("input", (event) => {
    const form = document.getElementById("keying-form");
    if (form && form.contains(event.target)) showCarried(form);
    if (state && state.form.contains(event.target)) remember();
  });
  document.addEventListener("change", (event) => {
    const pick = event.target;
    if (pick instanceof HTMLInputElement && pick.name.startsWith("_pick:") && state) {
      // The conflict screen: take this field from one version or the other.
      const input = state.form.querySelector(`input.kf[name="${CSS.escape(pick.name.slice(6))}"]`);
      if (input) {
        showMark(input, pick.dataset.mark || "");
        if (!pick.dataset.mark) input.value = pick.dataset.value;
        changed(input);
      }
      return;
    }
    if (state && state.form.contains(event.target)) remember();
  });

  // --- keys ------------------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    const form = document.getElementById("keying-form");
    if (!form) return;
    const dialog = document.getElementById("keys-help");
    if (dialog && dialog.open) return; // Esc closes it (the browser's own)
    const target = event.target;
    const inField = target instanceof HTMLInputElement && target.classList.contains("kf");
    const typing = target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit"].includes(target.type));
    if (event.key === "F1" || (event.key === "?" && !typing)) {
      // "?" is a character a field may hold: it opens the help only outside the fields.
      event.preventDefault(); openHelp(); return;
    }
    if (event.key === "F8") { event.preventDefault(); openMore(form, inField ? target : null); return; }
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
    if (event.key === "Escape") { target.blur(); return; }
    if (/^[0-9]$/.test(event.key) && target.dataset.codes && !event.ctrlKey && !event.altKey && !event.metaKey) {
      if (takeCode(form, target, event.key)) event.preventDefault();
      return;
    }
    if (event.key === "Enter") { event.preventDefault(); withSeparators(target); move(form, target, event.shiftKey ? -1 : 1); }
    else if (event.key === "PageDown") { event.preventDefault(); nextGroup(form, target); }
    else if (event.key === "F2") { event.preventDefault(); repeatPrevious(target); }
    else if (event.key === "F3") { event.preventDefault(); cycleMark(target); }
    else if (event.key === "F4") { event.preventDefault(); takeSuggestion(target); }
  });

  document.addEventListener("focusout", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains("kf")) {
      withSeparators(input);
      showReading(input, document.querySelector(`[data-reading-field="${input.name}"]`));
    }
  });

  document.addEventListener("click", (event) => {
    const form = document.getElementById("keying-form");
    if (form && event.target.closest && event.target.closest("[data-keying-save]")) {
      submit(form, "save");
      return;
    }
    if (event.target.classList && event.target.classList.contains("open-group")) {
      unfold(event.target.closest("fieldset").querySelector(".group-fields"));
    }
    if (event.target.classList && event.target.classList.contains("open-more")) {
      openMore(form, event.target);
    }
    if (event.target.classList && event.target.classList.contains("keys-open")) openHelp();
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
      if (input && input !== active) showReading(input, item);
    });
    if (state && state.choices) {
      for (const [name, value] of Object.entries(state.choices)) {
        const radio = event.target.querySelector(`input[type=radio][name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`);
        if (radio) radio.checked = true;
      }
      state.choices = null;
    } else if (state) {
      adoptPanel();
    }
    if (state) remember();
  });

  function setUp(opened) {
    const form = document.getElementById("keying-form");
    if (!form || !form.dataset.draftKey) { state = null; return; }
    state = {
      form,
      key: form.dataset.draftKey,
      // Autosaved to the server as typed (the first keying), or kept only here until saved.
      autosave: form.querySelector(".fields[hx-post]") !== null,
      acked: snapshot(form), // what the server has: the page as it sent it
      queued: null,
      sending: false,
      checking: false,
      offline: !navigator.onLine,
      savedAt: null,
      timer: null,
      choices: null,
      sent: null,
    };
    showCarried(form);
    const local = storeRead(state.key);
    if (opened && local && local.pending && form.hasAttribute("data-local-restore")) {
      // Typed here but never received by the server (network drop, closed tab): put back.
      restoreLocal(form, local);
      remember();
      retry();
    } else if (opened && local && !local.pending) {
      storeDrop(state.key);
    }
    form.querySelectorAll("[data-reading-field]").forEach((item) => {
      const input = form.querySelector(`input.kf[name="${CSS.escape(item.dataset.readingField)}"]`);
      if (input) showReading(input, item);
    });
    showStatus();
    if (opened) {
      const list = fields(form);
      const start = form.dataset.start && form.querySelector(`input.kf[name="${CSS.escape(form.dataset.start)}"]`);
      const first = (start && start.offsetParent !== null && start) || list.find((el) => !el.value && !el.readOnly) || list[0];
      // Selected: a proposed value (the page, the date) is accepted with Enter or typed over.
      if (first) { first.focus(); first.select(); }
    }
  }

  document.addEventListener("DOMContentLoaded", () => setUp(true));
})();
