// Alerts from the monitor: the log per ensemble (read from the host, then grown by 'monitor.alert'
// pushes), a short stack of toasts for new ones, and a desktop notification in Electron. The store
// is created at start-up so alerts raised by polling that outlives a closed Monitor view still show.

import { defineStore } from 'pinia';
import { ref, shallowRef, triggerRef } from 'vue';
import type { AlertEvent } from '../../../src-main/api/monitor-types';
import { api } from '../api/client';
import { sentence } from '../lib/monitor-format';
import { useMonitor } from './monitor';

const logLimit = 200;
// Short: the alert log keeps every alert, and a toast sits over the top of the window.
const toastMs: Record<AlertEvent['severity'], number> = { info: 6000, warn: 10_000, critical: 15_000 };
const maxToasts = 3;

/** Desktop notifications only in the Electron app; a browser tab would ask the user for permission. */
function notifyDesktop(title: string, body: string): void {
  if (!window.zoolab || typeof Notification === 'undefined' || Notification.permission === 'denied') return;
  new Notification(title, { body });
}

export const useMonitorAlerts = defineStore('monitor-alerts', () => {
  /** Alert logs by ensemble id, newest first; only ensembles whose log was read. */
  const logs = shallowRef(new Map<string, AlertEvent[]>());
  const toasts = ref<AlertEvent[]>([]);

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  async function loadLog(ensembleId: string): Promise<void> {
    const log = await api.call('monitor.alerts', ensembleId, logLimit);
    logs.value.set(ensembleId, [...log].sort((a, b) => b.ts - a.ts));
    triggerRef(logs);
  }

  api.on('monitor.alert', (alert) => {
    const log = logs.value.get(alert.ensembleId);
    if (log && !log.some((a) => a.id === alert.id)) {
      logs.value.set(alert.ensembleId, [alert, ...log].slice(0, logLimit));
      triggerRef(logs);
    }
    toasts.value = [...toasts.value.slice(1 - maxToasts), alert];
    setTimeout(() => dismiss(alert.id), toastMs[alert.severity]);
    notifyDesktop(`ZooLab: ${useMonitor().nameOf(alert.ensembleId)}`, sentence(alert.message));
  });

  function logOf(ensembleId: string): AlertEvent[] {
    return logs.value.get(ensembleId) ?? [];
  }

  return { toasts, dismiss, loadLog, logOf };
});
