// Legwork's service worker: pages seen before open offline (read-only), static files from the cache.
// Signing out clears every cache (Clear-Site-Data, and phone.js asks this worker too).
// Push: a reminder arrives encrypted as {title, link, tag} (legwork/reminders/push.py); shown as is, opened on a tap.
const PAGES = "legwork-pages-v1";
const STATIC = "legwork-static-v1";
const STATIC_FILES = {{ static_files|safe }};
const ICON = {{ icon|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(STATIC_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== PAGES && key !== STATIC).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "clear") event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))));
});

const OFFLINE_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Offline · Legwork</title><link rel="stylesheet" href="${STATIC_FILES[0]}"><main class="narrow"><h1>You're offline</h1>
<p>This page wasn't opened on this phone before, so there is no copy of it. Pages you opened earlier still work, and what you log on them is sent when you're back online.</p>
<p><a href="/">Your home</a></p></main></html>`;

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(STATIC).then((cache) => cache.put(request, copy)); }
      return response;
    })));
    return;
  }
  if (request.mode !== "navigate") return;
  // One copy per page: the installed app starts at "/?source=installed", which is the home seen in a tab.
  url.searchParams.delete("source");
  const key = url.pathname + url.search;
  // Network first: a page is only as old as the last time it was opened with a connection.
  event.respondWith(fetch(request).then((response) => {
    if (response.ok && response.type === "basic" && !response.redirected) {
      const copy = response.clone();
      caches.open(PAGES).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.match(key, { cacheName: PAGES }).then((hit) => hit
    || new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }))));
});

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch { data = {}; }
  // No badge: Android draws it from the icon's alpha alone, which for a filled square is a white blob.
  const options = { tag: data.tag, data: { link: data.link || "/" }, icon: ICON };
  event.waitUntil(self.registration.showNotification(data.title || "Legwork", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = new URL(event.notification.data?.link || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin); // our pages only
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => client.url === target.href && "focus" in client);
    return open ? open.focus() : self.clients.openWindow(target.href);
  }));
});
