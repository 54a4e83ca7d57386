// Loads the wasm app from this origin. Kept out of index.html so the Content-Security-Policy
// can forbid inline scripts.
import init from './livemeta-web.js';

const started = performance.now();
await init({ module_or_path: './livemeta-web_bg.wasm' });
performance.mark('livemeta-interactive');
document.documentElement.dataset.bootMs = String(performance.now() - started);

/** Says that a new version is ready; it is used only when the user asks (the page reloads). */
function offerUpdate(worker) {
  if (document.querySelector('.update-ready')) return;
  const bar = document.createElement('p');
  bar.className = 'update-ready';
  bar.dataset.testid = 'update-ready';
  bar.setAttribute('role', 'status');
  bar.textContent = 'A new version of livemeta is ready. Your data and this analysis are kept. ';
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.testid = 'update-reload';
  button.textContent = 'Reload to use it';
  button.addEventListener('click', () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload());
    worker.postMessage('use-new-version');
  });
  bar.append(button);
  document.body.prepend(bar);
}

// Works offline after the first visit (assets/sw.js); a browser without service workers, or a
// page opened from a file, simply goes without.
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('./sw.js').then((registration) => {
    const controlled = () => navigator.serviceWorker.controller !== null;
    if (registration.waiting && controlled()) offerUpdate(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && controlled()) offerUpdate(worker);
      });
    });
  }).catch(() => {});
}
