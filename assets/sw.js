// Offline support and safe updates. The app's files have stable names (Trunk.toml sets
// filehash = false), so a version is the build itself: the build writes a hash of every other
// file into VERSION (Trunk.toml's post_build hook). Each version has a cache of its own, filled
// in full before it is used, and a page is answered from one version only, so an update never
// mixes the files of two. A new version waits until the page asks for it ("Reload to use it",
// assets/boot.js) or every tab of the old one has closed.
const VERSION = '__BUILD__';
const CACHE = `livemeta-${VERSION}`;
const FILES = ['./', './index.html', './boot.js', './livemeta-web.js', './livemeta-web_bg.wasm', './main.css',
  './manifest.webmanifest', './livemeta-worker_loader.js', './livemeta-worker.js', './livemeta-worker_bg.wasm'];

self.addEventListener('install', (event) => {
  // Straight from the server, past the HTTP cache: every file of this version or none.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((file) => new Request(file, { cache: 'reload' })))));
});

self.addEventListener('message', (event) => {
  if (event.data === 'use-new-version') self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('livemeta-') && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // Links differ only in their query string: the page of this version answers them all.
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(request, { ignoreSearch: true })
      .then((cached) => cached ?? fetch(request)
        .catch(() => (request.mode === 'navigate' ? cache.match('./index.html') : Response.error())))));
});
