// What the typed client needs from a transport: send a call, receive pushes, and report whether the
// link to the host is up (only the WebSocket can drop; Electron IPC is always up).

export type LinkState = 'connecting' | 'open' | 'reconnecting';

export interface Transport {
  call(method: string, params: unknown[]): Promise<unknown>;
  on(event: string, listener: (data: unknown) => void): () => void;
  onLink(listener: (state: LinkState) => void): () => void;
}

export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }
}
