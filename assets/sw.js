// Offline support: the app is a handful of static files with stable names (Trunk.toml sets
// filehash = false). Each request goes to the network first, so an update is picked up as soon as
// it is online, and the copy kept here answers when the network does not (hospital wifi).
const CACHE = 'livemeta-v2';
const FILES = ['./', './index.html', './boot.js', './livemeta-web.js', './livemeta-web_bg.wasm', './main.css',
  './manifest.webmanifest', './livemeta-worker_loader.js', './livemeta-worker.js', './livemeta-worker_bg.wasm'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(fetch(request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    })
    // Links differ only in their query string: any cached copy of the page will do.
    .catch(() => caches.match(request, { ignoreSearch: true })
      .then((cached) => cached ?? (request.mode === 'navigate' ? caches.match('./index.html') : Response.error()))));
});
