// The one open ZooKeeper session: opening it from a profile (asking for a password when the host
// has none for it), its live state from the host's pushes, and closing it.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ConnectionProfile, SessionInfo } from '../../../src-main/api/types';
import { api } from '../api/client';
import { toApiCallError } from '../api/errors';
import type { LinkState } from '../api/transport';
import { useConnections } from './connections';
import { useDialogs } from './dialogs';
import { useNotify } from './notify';

export const useSession = defineStore('session', () => {
  const info = ref<SessionInfo | null>(null);
  const profile = ref<ConnectionProfile | null>(null);
  const openingId = ref<string | null>(null);
  const link = ref<LinkState>('connecting');

  const sessionKey = computed(() => info.value?.sessionKey ?? null);

  api.on('session.state', (data) => {
    if (data.sessionKey === info.value?.sessionKey) info.value = data;
  });
  api.onLink(async (state) => {
    const wasDown = link.value === 'reconnecting';
    link.value = state;
    // Pushes may have been missed while the host was unreachable: ask for the state afresh.
    if (state === 'open' && wasDown && info.value) {
      try {
        info.value = await api.call('session.info', info.value.sessionKey);
      } catch {
        info.value = { ...info.value, state: 'closed' };
      }
    }
  });

  /** Opens a session, asking for the password when the host says the profile needs one. */
  async function openWithPassword(p: ConnectionProfile): Promise<SessionInfo | null> {
    try {
      return await api.call('session.open', { profileId: p.id });
    } catch (err) {
      if (toApiCallError(err).codeName !== 'PASSWORD_REQUIRED') throw err;
    }
    const answer = await useDialogs().askPassword(p);
    if (!answer) return null;
    // Unremembered, the host keeps the password in memory for this run, so it is asked once.
    await useConnections().save({
      id: p.id,
      name: p.name,
      connectString: p.connectString,
      sessionTimeoutMs: p.sessionTimeoutMs,
      authUser: p.authUser,
      password: answer.password,
      rememberPassword: answer.remember,
    });
    return api.call('session.open', { profileId: p.id, password: answer.password });
  }

  async function open(p: ConnectionProfile): Promise<void> {
    const notify = useNotify();
    openingId.value = p.id;
    try {
      const opened = await openWithPassword(p);
      if (!opened) return;
      // The session being replaced stays usable until the new one is open.
      const previous = info.value?.sessionKey;
      info.value = opened;
      profile.value = p;
      notify.success(`Connected to ${opened.server ?? p.connectString}`);
      if (previous) void closeKey(previous);
    } catch (err) {
      notify.error(err, `Could not connect to ${p.name}`);
    } finally {
      openingId.value = null;
    }
  }

  async function closeKey(key: string): Promise<void> {
    try {
      await api.call('session.close', key);
    } catch (err) {
      // A session the host has already dropped (expired, host restarted) is closed all the same.
      if (toApiCallError(err).codeName !== 'NOSESSION') useNotify().error(err, 'Closing the session failed');
    }
  }

  async function close(): Promise<void> {
    const key = info.value?.sessionKey;
    info.value = null;
    profile.value = null;
    if (key) await closeKey(key);
  }

  /** Keeps what is shown in step with an edited profile; a removed profile ends its session. */
  function profileChanged(p: ConnectionProfile | null, id: string): void {
    if (profile.value?.id !== id) return;
    if (p) profile.value = p;
    else void close();
  }

  return { info, profile, openingId, link, sessionKey, open, close, profileChanged };
});
