// The load generator's samples and each server's figures over time, per lab, from the host's
// 'lab.load' and 'lab.status' pushes. Only what arrives while the window is open: the host keeps
// no history of them.

import { defineStore } from 'pinia';
import { api } from '../api/client';
import { LoadSeries, ServerSeries } from '../lib/lab-load-series';

export const useLabMetrics = defineStore('labMetrics', () => {
  const load = new Map<string, LoadSeries>();
  const servers = new Map<string, ServerSeries>();
  function seriesOf<T>(map: Map<string, T>, id: string, make: () => T): T {
    let s = map.get(id);
    if (!s) map.set(id, (s = make()));
    return s;
  }

  api.on('lab.load', ({ labId, samples }) => {
    seriesOf(load, labId, () => new LoadSeries()).add(samples);
  });
  api.on('lab.status', (status) => {
    seriesOf(servers, status.labId, () => new ServerSeries()).add(status, Date.now());
  });

  // Charts redraw on their own clock, so the series need no reactivity.
  return {
    loadOf: (id: string) => seriesOf(load, id, () => new LoadSeries()),
    serversOf: (id: string) => seriesOf(servers, id, () => new ServerSeries()),
  };
});
