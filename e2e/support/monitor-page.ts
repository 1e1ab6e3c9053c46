// Reading the Monitor view the way a person would: the server cards' roles and reasons, the alert
// log, and what the history chart holds (its ECharts instance publishes counts as data attributes).
import type { Locator, Page } from 'playwright-core';

export interface CardState {
  address: string;
  /** leader, follower, …, 'down', or 'waiting' before the first poll. */
  role: string;
  health: string;
}

export interface ChartState {
  points: number;
  /** Lines with at least one point. */
  lines: number;
  /** Outage areas and role-change lines. */
  marks: number;
}

export class MonitorPage {
  constructor(private readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  card(address: string): Locator {
    return this.page.locator(`[data-testid="server-card"][data-address="${address}"]`);
  }

  cards(): Promise<CardState[]> {
    return this.page.locator('[data-testid="server-card"]').evaluateAll((els) =>
      els.map((el) => ({
        address: el.getAttribute('data-address') ?? '',
        role: el.getAttribute('data-role') ?? '',
        health: el.getAttribute('data-health') ?? '',
      })),
    );
  }

  async sortedRoles(): Promise<string[]> {
    return (await this.cards()).map((c) => c.role).sort();
  }

  async leader(): Promise<string | null> {
    return (await this.cards()).find((c) => c.role === 'leader')?.address ?? null;
  }

  async chart(): Promise<ChartState> {
    const el = this.byId('history-chart');
    const num = async (name: string): Promise<number> => Number((await el.getAttribute(`data-${name}`)) ?? '0');
    return { points: await num('points'), lines: await num('lines'), marks: await num('marks') };
  }

  alertKinds(): Promise<string[]> {
    return this.page.locator('[data-testid="alert-row"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-kind') ?? ''));
  }

  async memberAddresses(): Promise<string[]> {
    const inputs = await this.page.locator('[data-testid="member-address"]').all();
    return Promise.all(inputs.map((l) => l.inputValue()));
  }
}
