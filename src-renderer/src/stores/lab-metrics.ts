// The load generator's samples and each server's figures over time, per lab: the stored history of
// the lab's current (or last) run, read once when its charts are first shown, then the host's
// 'lab.load' and 'lab.status' pushes.

import { defineStore } from 'pinia';
import type { LoadSample } from '../../../src-main/api/lab-types';
import { api } from '../api/client';
import { LoadSeries, ServerSeries, type ServerFigures } from '../lib/lab-load-series';
import { useNotify } from './notify';

interface Reading {
  samples: LoadSample[];
  figures: Array<{ at: number; servers: ServerFigures[] }>;
}

export const useLabMetrics = defineStore('labMetrics', () => {
  const load = new Map<string, LoadSeries>();
  const servers = new Map<string, ServerSeries>();
  /** Labs whose history is read (or being read); pushes for a lab being read wait here. */
  const history = new Map<string, Reading | 'loaded'>();
  function seriesOf<T>(map: Map<string, T>, id: string, make: () => T): T {
    let s = map.get(id);
    if (!s) map.set(id, (s = make()));
    return s;
  }

  api.on('lab.load', ({ labId, samples }) => {
    const reading = history.get(labId);
    if (reading && reading !== 'loaded') reading.samples.push(...samples);
    else seriesOf(load, labId, () => new LoadSeries()).add(samples);
  });
  api.on('lab.status', (status) => {
    const reading = history.get(status.labId);
    if (reading && reading !== 'loaded') reading.figures.push({ at: Date.now(), servers: status.servers });
    else seriesOf(servers, status.labId, () => new ServerSeries()).add(status, Date.now());
  });

  /** Fills a lab's series from its stored history, once: samples pushed meanwhile follow it. */
  async function loadHistory(labId: string): Promise<void> {
    if (history.has(labId)) return;
    const reading: Reading = { samples: [], figures: [] };
    history.set(labId, reading);
    try {
      const stored = await api.call('lab.metrics', labId, {});
      const series = new LoadSeries();
      series.add(stored.load);
      const lastStored = stored.load.at(-1)?.at ?? -Infinity;
      series.add(reading.samples.filter((s) => s.at > lastStored));
      load.set(labId, series);
      // The stored figures include every status shown so far; those that came in meanwhile follow.
      const figures = new ServerSeries();
      const lastFigures = stored.figures.at(-1)?.at ?? -Infinity;
      for (const f of [...stored.figures, ...reading.figures.filter((f) => f.at > lastFigures)]) figures.add(f, f.at);
      servers.set(labId, figures);
    } catch (err) {
      useNotify().error(err, 'Could not read the lab\'s metrics history');
      seriesOf(load, labId, () => new LoadSeries()).add(reading.samples);
      for (const f of reading.figures) seriesOf(servers, labId, () => new ServerSeries()).add(f, f.at);
    } finally {
      history.set(labId, 'loaded');
    }
  }

  // Charts redraw on their own clock, so the series need no reactivity.
  return {
    loadHistory,
    loadOf: (id: string) => seriesOf(load, id, () => new LoadSeries()),
    serversOf: (id: string) => seriesOf(servers, id, () => new ServerSeries()),
  };
});
