// Modal questions asked from anywhere (stores included) and answered by one dialog host component:
// callers await a promise instead of threading dialog state through props.

import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { ConnectionProfile } from '../../../src-main/api/types';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  danger: boolean;
  resolve: (ok: boolean) => void;
}

export interface PasswordAnswer {
  password: string;
  remember: boolean;
}

export interface PasswordRequest {
  profile: ConnectionProfile;
  resolve: (answer: PasswordAnswer | null) => void;
}

export const useDialogs = defineStore('dialogs', () => {
  const confirmRequest = shallowRef<ConfirmRequest | null>(null);
  const passwordRequest = shallowRef<PasswordRequest | null>(null);

  function confirm(opts: { title: string; message: string; confirmLabel?: string; danger?: boolean }): Promise<boolean> {
    confirmRequest.value?.resolve(false);
    return new Promise((resolve) => {
      confirmRequest.value = {
        title: opts.title,
        message: opts.message,
        confirmLabel: opts.confirmLabel ?? 'OK',
        danger: opts.danger ?? false,
        resolve: (ok) => {
          confirmRequest.value = null;
          resolve(ok);
        },
      };
    });
  }

  function askPassword(profile: ConnectionProfile): Promise<PasswordAnswer | null> {
    passwordRequest.value?.resolve(null);
    return new Promise((resolve) => {
      passwordRequest.value = {
        profile,
        resolve: (answer) => {
          passwordRequest.value = null;
          resolve(answer);
        },
      };
    });
  }

  return { confirmRequest, passwordRequest, confirm, askPassword };
});
