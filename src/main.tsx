import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { controller, sourceActions, startApp } from './app/app';
import { installDebugHooks } from './app/debug-hooks';
import { registerServiceWorker } from './app/register-sw';
import './ui/app.css';

installDebugHooks(controller, () => document.querySelector<HTMLCanvasElement>('[data-testid="video-canvas"]'));
registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App actions={sourceActions} />
    </ErrorBoundary>
  </StrictMode>,
);

void startApp(location.search);
