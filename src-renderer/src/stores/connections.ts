// Saved connection profiles, as the host stores them.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ConnectionProfile, SaveConnectionInput } from '../../../src-main/api/types';
import { api } from '../api/client';

export const useConnections = defineStore('connections', () => {
  const profiles = ref<ConnectionProfile[]>([]);
  const loaded = ref(false);

  async function load(): Promise<void> {
    profiles.value = await api.call('connections.list');
    loaded.value = true;
  }

  async function save(input: SaveConnectionInput): Promise<ConnectionProfile> {
    const saved = await api.call('connections.save', input);
    const i = profiles.value.findIndex((p) => p.id === saved.id);
    if (i >= 0) profiles.value.splice(i, 1, saved);
    else profiles.value.push(saved);
    return saved;
  }

  async function remove(id: string): Promise<void> {
    await api.call('connections.remove', id);
    profiles.value = profiles.value.filter((p) => p.id !== id);
  }

  return { profiles, loaded, load, save, remove };
});
