/**
 * Registers the Workbox service worker (vite-plugin-pwa) that precaches the app, the MediaPipe wasm, the face
 * models and the demo clip, so the app reloads and runs offline after the first visit.
 */
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({
    immediate: true,
    onRegisterError(err: unknown) {
      console.warn('Service worker registration failed; the app works but not offline.', err);
    },
  });
}
