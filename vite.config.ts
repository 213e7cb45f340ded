/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { modelAssetsPlugin } from './src/cli/vite-plugin-assets.ts';

// Everything the app needs at run time (wasm, face models, MOL weights) is served from this origin
// and precached, so the app works offline after the first visit. Workbox's default 2 MiB limit would
// silently drop the wasm and weights, hence the raised limit.
const PRECACHE_LIMIT_BYTES = 64 * 1024 * 1024;

export default defineConfig({
  base: './',
  plugins: [
    react(),
    modelAssetsPlugin(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: null,
      includeAssets: ['icons/*.png', 'icons/*.svg'],
      manifest: {
        name: 'MOL Micro-Expression Analyzer',
        short_name: 'ME Analyzer',
        description: 'Real-time micro-expression analysis that runs entirely in your browser. No frame leaves the machine.',
        theme_color: '#111827',
        background_color: '#0b0f19',
        display: 'standalone',
        start_url: './',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,wasm,json,bin,tflite,task,png,svg,webm,y4m,webmanifest}'],
        maximumFileSizeToCacheInBytes: PRECACHE_LIMIT_BYTES,
        navigateFallback: 'index.html',
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'e2e/**/*.unit.test.ts'],
    environment: 'node',
  },
});
