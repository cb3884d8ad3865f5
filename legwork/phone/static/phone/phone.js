// Legwork on the phone: the service worker, offline logging with a queue that is sent once, the
// "add to home screen" hint, clearing this browser on sign-out, and turning notifications on. No inline script (the CSP).
(() => {
  "use strict";
  const me = document.querySelector("meta[name=legwork-user]")?.content || "";
  // Only for someone signed in: a page seen signed out needs no copy, and after signing out none is made.
  if (me && "serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  // Signed out without the button (from another device, or the sign-in ran out): a page seen signed out
  // leaves no copy of the last person's pages and no worker. The queue stays: each item is its writer's
  // (`user`), shown to no one else, and sent when they sign in again, so nothing written is lost.
  if (!me && "serviceWorker" in navigator) {
    navigator.serviceWorker.getRegistrations().then((list) => Promise.all(list.map((r) => r.unregister()))).catch(() => {});
    if (window.caches) caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))).catch(() => {});
  }

  // --- The queue: IndexedDB, one store keyed by the key made here when the item is written. ---
  const open = () => new Promise((resolve, reject) => {
    const request = indexedDB.open("legwork-offline", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("items", { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const store = async (mode, action) => {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("items", mode);
      const request = action(tx.objectStore("items"));
      tx.oncomplete = () => { db.close(); resolve(request.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    });
  };
  const items = async () => (await store("readonly", (s) => s.getAll()))
    .filter((item) => item.user === me).sort((a, b) => a.written_at.localeCompare(b.written_at));
  const keep = (item) => store("readwrite", (s) => s.put(item));
  const drop = (key) => store("readwrite", (s) => s.delete(key));
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID()
    : [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join(""));

  // The forms that work offline, by where they post.
  const KINDS = [
    [/^\/homework\/(\d+)\/progress\/$/, "progress", "Progress"],
    [/^\/notebook\/new\/$/, "draft", "Journal draft"],
    [/^\/thinking-time\/(\d+)\/mark\/$/, "thinking", "Thinking time"],
  ];
  const kindOf = (path) => {
    for (const [pattern, kind, label] of KINDS) {
      const match = path.match(pattern);
      if (match) return { kind, label, target: match[1] ? Number(match[1]) : 0 };
    }
    return null;
  };
  const formKind = (form) => kindOf(new URL(form.getAttribute("action") || location.href, location.href).pathname);

  const summary = (kind, fields) => {
    const value = (suffix) => (fields.find(([name]) => name.endsWith(suffix)) || [])[1] || "";
    if (kind === "progress") {
      const minutes = value("-minutes") || value("-quick");
      return [minutes && `${minutes} min`, value("-note")].filter(Boolean).join(" · ") || "progress";
    }
    if (kind === "draft") return value("title") || value("body").slice(0, 60) || "untitled";
    return `${value("status")} ${value("note")}`.trim();
  };

  async function queue(form, submitter) {
    const found = formKind(form);
    const data = new FormData(form, submitter || undefined);
    const fields = [...data.entries()].filter(([name]) => name !== "csrfmiddlewaretoken" && name !== "next")
      .map(([name, value]) => [name, String(value)]);
    const item = { key: newKey(), user: me, kind: found.kind, label: found.label, target: found.target, fields,
      written_at: new Date().toISOString(), text: summary(found.kind, fields) };
    await keep(item);
    form.reset();
    say(form, "Saved on this phone. It will be sent when you're back online.");
    render();
  }

  function say(near, text) {
    let status = near.querySelector(".phone-saved");
    if (!status) {
      status = document.createElement("p");
      status.className = "saved phone-saved";
      status.setAttribute("role", "status");
      near.append(status);
    }
    status.textContent = text;
  }

  // Offline: the offline forms go to the queue; every other form waits (the page is read-only).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (navigator.onLine || !(form instanceof HTMLFormElement)) return;
    if (formKind(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      queue(form, event.submitter);
    } else if (!form.matches("[action$='/accounts/logout/']")) {
      event.preventDefault();
      event.stopImmediatePropagation();
      say(form, "You're offline: this can be done once you're back online.");
    }
  }, true);
  // A connection that says it is there but isn't (a tunnel): htmx could not send, so queue it.
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt.closest("form");
    if (form && event.detail.requestConfig.verb === "post" && kindOf(event.detail.requestConfig.path)) queue(form);
  });

  // --- What waits, shown where the page has room for it (the client's home), else above the page. ---
  async function render() {
    if (!me) return; // signed out: nothing is queued, and no database is made
    const waiting = await items();
    let list = document.getElementById("phone-pending");
    if (!list && waiting.length) {
      const section = document.createElement("section");
      section.className = "card";
      section.id = "phone-panel";
      section.innerHTML = '<h2>Waiting to send</h2><ul class="list" id="phone-pending"></ul>';
      document.querySelector("main")?.prepend(section);
      list = document.getElementById("phone-pending");
    }
    if (!list) return;
    document.getElementById("phone-panel").hidden = waiting.length === 0;
    list.replaceChildren(...waiting.map((item) => {
      const li = document.createElement("li");
      li.className = "phone-item";
      const when = new Date(item.written_at).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
      li.textContent = `${item.label}: ${item.text} — written ${when} on this phone`;
      if (item.error) {
        const error = document.createElement("p");
        error.className = "error";
        error.textContent = `Not sent: ${item.error}`;
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "small secondary";
        discard.textContent = "Discard";
        discard.addEventListener("click", () => drop(item.key).then(render));
        li.append(error, discard);
      }
      return li;
    }));
  }

  const csrf = () => {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch { return ""; }
  };

  let syncing = null;
  async function sync() {
    if (!navigator.onLine || !me) return;
    const run = async () => {
      let sent = 0;
      for (const item of await items()) {
        if (item.error) continue;
        let response;
        try {
          response = await fetch("/phone/sync/", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
            body: JSON.stringify({ key: item.key, kind: item.kind, target: item.target, fields: item.fields,
              written_at: item.written_at }),
          });
        } catch { break; } // still no connection: try again when it comes back
        if (response.ok) { await drop(item.key); sent += 1; continue; }
        if (response.status === 400 || response.status === 404) {
          const body = await response.json().catch(() => ({}));
          item.error = Object.values(body.errors || {}).flat().join(" ") || "this can no longer be saved.";
          await keep(item);
          continue;
        }
        break; // signed out, or the server is down: keep everything for later
      }
      await render();
      if (sent) document.getElementById("phone-panel")?.insertAdjacentHTML("beforebegin",
        `<p class="saved phone-sent" role="status">Sent ${sent} item${sent === 1 ? "" : "s"} written offline.</p>`);
    };
    syncing = syncing || (navigator.locks ? navigator.locks.request("legwork-sync", run) : run()).finally(() => { syncing = null; });
    return syncing;
  }

  function offlineBanner() {
    let banner = document.getElementById("offline-banner");
    if (navigator.onLine) { banner?.remove(); return; }
    if (banner) return;
    banner = document.createElement("p");
    banner.id = "offline-banner";
    banner.className = "card highlight";
    banner.setAttribute("role", "status");
    banner.textContent = "You're offline: this page is as you last saw it. Progress, journal drafts and thinking time you log wait on this phone and are sent when you're back.";
    document.querySelector("main")?.prepend(banner);
  }

  window.addEventListener("online", () => { offlineBanner(); sync(); });
  window.addEventListener("offline", offlineBanner);

  // --- Sign-out: send what waits first, then leave nothing behind for the next person. ---
  for (const form of document.querySelectorAll("form[action$='/accounts/logout/']")) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.cleared) return;
      event.preventDefault();
      // Signing out is the server's to do: offline, the sign-in would outlive a wiped phone (signed in
      // again with the next connection, with nothing cleared the next time). So nothing happens yet.
      if (!navigator.onLine) {
        say(form, "You're offline: signing out needs a connection. Sign out again once you're back online.");
        return;
      }
      await sync();
      const left = (await items()).length;
      if (left && !form.dataset.warned) {
        form.dataset.warned = "1";
        say(form, `${left} item${left === 1 ? "" : "s"} written offline not sent yet: sign out again to throw ${left === 1 ? "it" : "them"} away.`);
        return;
      }
      try {
        indexedDB.deleteDatabase("legwork-offline");
        navigator.serviceWorker?.controller?.postMessage("clear");
        // The server turns off this sign-in's notifications too; the browser forgets the subscription here.
        const registration = await navigator.serviceWorker?.getRegistration();
        await (await registration?.pushManager?.getSubscription())?.unsubscribe();
        await Promise.all((await caches.keys()).map((key) => caches.delete(key)));
      } catch { /* Clear-Site-Data on the answer clears it too */ }
      form.dataset.cleared = "1";
      form.submit();
    });
  }

  // --- "Add to home screen", on the client's home, for phones that can. ---
  const hint = document.getElementById("install-hint");
  const standalone = matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  if (hint && !standalone && localStorage.getItem("legwork-install-hint") !== "no") {
    document.getElementById("install-hint-dismiss").addEventListener("click", () => {
      localStorage.setItem("legwork-install-hint", "no");
      hint.hidden = true;
    });
    window.addEventListener("beforeinstallprompt", (event) => {
      event.preventDefault();
      const add = document.getElementById("install-hint-add");
      add.hidden = false;
      hint.hidden = false;
      add.addEventListener("click", () => { event.prompt(); hint.hidden = true; }, { once: true });
    });
    if (/iPhone|iPad/.test(navigator.userAgent)) {
      document.getElementById("install-hint-text").textContent =
        "Add Legwork to your home screen: in Safari, tap Share, then “Add to Home Screen”. It opens like an app, and works on the train.";
      hint.hidden = false;
    }
  }

  // --- Notifications, on the devices page: turn push on for this device; the service worker shows them. ---
  const pushHere = document.getElementById("push-here");
  const pushButton = document.getElementById("push-on");
  if (pushHere && pushButton) {
    const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window && window.isSecureContext;
    if (!supported) {
      document.getElementById("push-unsupported").hidden = false;
    } else {
      const status = document.getElementById("push-status");
      const keyBytes = (key) => {
        const base64 = key.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (key.length % 4)) % 4);
        return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      };
      const listed = (endpoint) => [...document.querySelectorAll("[data-push-endpoint]")].some((li) => li.dataset.pushEndpoint === endpoint);
      pushHere.hidden = false;
      navigator.serviceWorker.getRegistration().then((registration) => registration?.pushManager.getSubscription()).then((subscription) => {
        if (subscription && listed(subscription.endpoint)) {
          pushButton.hidden = true;
          status.textContent = "Notifications are on for this device.";
        }
      }).catch(() => {});
      pushButton.addEventListener("click", async () => {
        pushButton.disabled = true;
        try {
          if (await Notification.requestPermission() !== "granted") {
            status.textContent = "Notifications are blocked for Legwork in this browser's settings.";
            return;
          }
          const registration = await navigator.serviceWorker.ready;
          const subscription = (await registration.pushManager.getSubscription())
            || await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(pushButton.dataset.key) });
          const response = await fetch("/phone/push/", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
            body: JSON.stringify(subscription.toJSON()),
          });
          if (!response.ok) {
            const body = await response.json().catch(() => ({}));
            status.textContent = Object.values(body.errors || {}).flat().join(" ") || "Could not turn notifications on.";
            return;
          }
          location.reload();
        } catch (error) {
          status.textContent = `Could not turn notifications on here: ${error.message || error}`;
        } finally {
          pushButton.disabled = false;
        }
      });
    }
  }

  offlineBanner();
  render().then(sync);
})();
