// Loads the wasm app from this origin. Kept out of index.html so the Content-Security-Policy
// can forbid inline scripts.
import init from './livemeta-web.js';

const started = performance.now();
await init({ module_or_path: './livemeta-web_bg.wasm' });
performance.mark('livemeta-interactive');
document.documentElement.dataset.bootMs = String(performance.now() - started);

// Works offline after the first visit (assets/sw.js); a browser without service workers, or a
// page opened from a file, simply goes without.
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}
