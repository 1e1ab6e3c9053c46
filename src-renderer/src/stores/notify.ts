// User-facing messages: a status line that always shows the last thing that happened, and toasts
// for errors only, so routine confirmations never cover the work. Text only; errors are words.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import { errorText } from '../api/errors';

export type ToastKind = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

const toastMs = 8000;

export const useNotify = defineStore('notify', () => {
  const toasts = ref<Toast[]>([]);
  const status = ref<{ kind: ToastKind; text: string; at: number } | null>(null);
  let nextId = 1;

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  function push(kind: ToastKind, text: string): void {
    status.value = { kind, text, at: Date.now() };
    if (kind !== 'error') return;
    const id = nextId++;
    // Keep the stack short: a burst of failures should not bury the screen.
    toasts.value = [...toasts.value.slice(-2), { id, kind, text }];
    setTimeout(() => dismiss(id), toastMs);
  }

  return {
    toasts,
    status,
    dismiss,
    info: (text: string) => push('info', text),
    success: (text: string) => push('success', text),
    error: (err: unknown, context?: string) => push('error', context ? `${context}: ${errorText(err)}` : errorText(err)),
  };
});
