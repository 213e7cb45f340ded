/** Catches render errors anywhere below it and shows them with a reload button instead of a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('render error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="problem" role="alert" data-testid="render-error">
        <h2>The app hit an error</h2>
        <p>
          {this.state.error.name}: {this.state.error.message}
        </p>
        <button type="button" onClick={() => location.reload()}>
          Reload the app
        </button>
      </div>
    );
  }
}
