// The cluster lab end to end: the built `zoolab web` host runs a 3-server lab of ZooLab servers as
// real processes, and Debian's Chromium drives the Lab view. A znode created through the Explorer
// is followed on the ZAB timeline, the load generator fills the charts, the leader is killed and a
// new election shows up, the leader is isolated and the network healed. Screenshots land in
// e2e/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { startWebHost, type RunningWebHost } from './support/web-host';

const screenshots = path.join(__dirname, 'screenshots');
const wait = { timeout: 20_000, interval: 250 };
// Starting three processes, or an election after a kill, takes seconds; more on a busy machine.
const slow = { timeout: 60_000, interval: 250 };

interface ServerCard {
  id: number;
  role: string;
  process: string;
}

describe('cluster lab on a real 3-server ZooLab ensemble', () => {
  let tmp: string;
  let host: RunningWebHost;
  let browser: Browser;
  let page: Page;
  let leader: number;
  const pageErrors: string[] = [];

  const byId = (id: string): Locator => page.getByTestId(id);
  const text = async (l: Locator): Promise<string> => (await l.textContent())?.trim() ?? '';
  const num = async (l: Locator, attr: string): Promise<number> => Number((await l.getAttribute(attr)) ?? 'NaN');
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  const card = (id: number): Locator => page.locator(`[data-testid="lab-server"][data-server="${id}"]`);

  const servers = (): Promise<ServerCard[]> =>
    page.locator('[data-testid="lab-server"]').evaluateAll((els) =>
      els.map((el) => ({ id: Number(el.getAttribute('data-server')), role: el.getAttribute('data-role') ?? '', process: el.getAttribute('data-process') ?? '' })),
    );
  const roles = async (): Promise<string[]> => (await servers()).map((s) => s.role).sort();
  const leaderId = async (): Promise<number | null> => (await servers()).find((s) => s.role === 'leader')?.id ?? null;
  const linkStates = (): Promise<Record<string, string>> =>
    page
      .locator('[data-testid="lab-topology"] [data-link]')
      .evaluateAll((els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-link') ?? '', el.getAttribute('data-state') ?? ''])));

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'zoolab-e2e-lab-'));
    mkdirSync(screenshots, { recursive: true });
    host = await startWebHost(path.join(tmp, 'data'));
    browser = await launchChromium(tmp);
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    // Stopping the host stops the lab's servers.
    await host?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('creates a 3-server lab and starts it: one leader, two followers', async () => {
    await byId('nav-lab').click();
    await byId('lab-empty').waitFor(wait);
    await byId('new-lab').click();
    await byId('lab-name').fill('e2e');
    // A short tick makes the elections quick.
    await byId('lab-tick').fill('200');
    await shot('lab-01-new-lab');
    await byId('lab-create').click();
    await byId('lab-tab-e2e').waitFor(wait);
    await byId('lab-toggle').click();

    await expect.poll(roles, slow).toEqual(['follower', 'follower', 'leader']);
    leader = (await leaderId())!;
    expect(await text(byId('lab-leader'))).toBe(String(leader));
    expect(await text(byId('lab-state'))).toBe('Running');
    expect(await text(byId('lab-connect-string'))).toMatch(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$/);
    expect(Object.values(await linkStates())).toEqual(['open', 'open', 'open']);
    await expect.poll(() => text(card(leader).getByTestId('lab-server-zxid')), wait).toMatch(/^0x[0-9a-f]+$/);
    await shot('lab-02-cluster');
  });

  let czxid = '';

  it('opens the lab in the Explorer and creates a znode there', async () => {
    await byId('lab-open-explorer').click();
    await expect.poll(() => text(byId('session-state')), slow).toBe('Connected');
    await page.locator('[data-testid="tree-row"][data-path="/"]').click();
    await expect.poll(() => text(byId('detail-path')), wait).toBe('/');
    await byId('action-create').click();
    await byId('create-name').fill('lab-node');
    await byId('create-data').fill('written through the lab');
    await byId('create-ok').click();
    await expect.poll(() => text(byId('detail-path')), wait).toBe('/lab-node');
    czxid = await text(byId('stat-czxid').locator('.value'));
    expect(czxid).toMatch(/^0x[0-9a-f]+$/);
    await shot('lab-03-explorer');
  });

  it('follows that zxid on the ZAB timeline: a PROPOSAL and an ACK per follower, then COMMITs', async () => {
    await byId('nav-lab').click();
    await byId('lab-view-timeline').click();
    await expect.poll(() => num(byId('timeline-canvas'), 'data-arrows'), wait).toBeGreaterThan(0);
    await byId('timeline-zxid').fill(czxid);
    await byId('timeline-zxid-go').click();

    const summary = byId('zxid-summary');
    await expect.poll(() => summary.getAttribute('data-zxid'), wait).toBe(czxid);
    await expect.poll(() => num(summary, 'data-commits'), wait).toBe(2);
    expect(await num(summary, 'data-leader')).toBe(leader);
    expect(await num(summary, 'data-proposals')).toBe(2);
    expect(await num(summary, 'data-acks')).toBe(2);
    // Quorum is the leader's own ack and the first follower's: after the proposal, on the leader's clock.
    expect(await num(summary, 'data-quorum')).toBeGreaterThan(0);
    await expect.poll(() => num(summary, 'data-applied'), wait).toBe(3);
    await shot('lab-04-timeline-zxid');
  });

  it('runs the load generator and charts its latency and throughput', async () => {
    await byId('lab-view-metrics').click();
    await byId('load-rate').fill('200');
    await byId('load-toggle').click();
    await expect.poll(() => num(byId('load-samples'), 'data-count'), slow).toBeGreaterThan(0);
    // Several seconds of points on each of the three lines, so the screenshot shows lines rather than dots.
    await expect.poll(() => num(byId('chart-latency'), 'data-points'), slow).toBeGreaterThanOrEqual(20);
    expect(await num(byId('chart-throughput'), 'data-points')).toBeGreaterThan(0);
    expect(await num(byId('chart-connections'), 'data-points')).toBeGreaterThan(0);
    // Writes under load are fsynced on every server: the fsync chart has values too.
    await expect.poll(() => num(byId('chart-fsync'), 'data-points'), slow).toBeGreaterThan(0);
    await shot('lab-05-metrics-load');
  });

  it('kills the leader: it shows as crashed, a new election is listed and a new leader takes over', async () => {
    await byId('lab-view-elections').click();
    await expect.poll(() => num(byId('lab-elections'), 'data-count'), wait).toBeGreaterThanOrEqual(1);
    const electionsBefore = await num(byId('lab-elections'), 'data-count');

    await byId('lab-view-cluster').click();
    await card(leader).getByTestId('fault-kill').click();
    await expect.poll(() => card(leader).getAttribute('data-process'), wait).toBe('crashed');
    expect(await text(card(leader).getByTestId('lab-server-crash'))).toContain('SIGKILL');
    await expect.poll(leaderId, slow).not.toBeNull();
    const newLeader = (await leaderId())!;
    expect(newLeader).not.toBe(leader);
    await shot('lab-06-leader-killed');

    await byId('lab-view-elections').click();
    await expect.poll(() => num(byId('lab-elections'), 'data-count'), slow).toBeGreaterThan(electionsBefore);
    const newest = page.getByTestId('election').first();
    await expect.poll(() => newest.getAttribute('data-winner'), slow).toBe(String(newLeader));
    expect(await newest.getAttribute('data-participants')).not.toContain(String(leader));
    expect(await newest.getByTestId('election-round').count()).toBeGreaterThanOrEqual(2);
    await shot('lab-07-elections');
    leader = newLeader;
  });

  it('isolates the leader, and heals every link', async () => {
    await byId('lab-view-cluster').click();
    // Back to three servers first: the killed one restarts on its data and follows.
    const crashed = (await servers()).find((s) => s.process === 'crashed')!;
    await card(crashed.id).getByTestId('fault-start').click();
    await expect.poll(roles, slow).toEqual(['follower', 'follower', 'leader']);

    const isolated = (await leaderId())!;
    await byId('preset-isolate-leader').click();
    await expect.poll(async () => Object.entries(await linkStates()).filter(([, state]) => state === 'cut').map(([key]) => key).sort(), wait).toEqual(
      ['1-2', '1-3', '2-3'].filter((key) => key.split('-').includes(String(isolated))),
    );
    // The other two elect a leader of their own.
    await expect.poll(async () => (await servers()).some((s) => s.role === 'leader' && s.id !== isolated), slow).toBe(true);
    await shot('lab-08-leader-isolated');

    await byId('heal-all').click();
    await expect.poll(async () => Object.values(await linkStates()), wait).toEqual(['open', 'open', 'open']);
    await expect.poll(roles, slow).toEqual(['follower', 'follower', 'leader']);
  });

  it('cuts a link one way and slows another, shown on the picture and in the table', async () => {
    const row = (key: string): Locator => page.locator(`[data-testid="lab-link"][data-link="${key}"]`);
    await row('1-2').getByTestId('link-cut-ab').click();
    await row('2-3').getByTestId('link-delay').fill('150');
    await row('2-3').getByTestId('link-slow').click();
    await expect.poll(linkStates, wait).toEqual({ '1-2': 'cut', '1-3': 'open', '2-3': 'slow' });
    expect(await text(row('1-2').getByTestId('lab-link-state'))).toBe('1→2 cut');
    expect(await text(row('2-3').getByTestId('lab-link-state'))).toBe('+150 ms');
    await shot('lab-09-links-cut-and-slow');

    // One link healed alone, then the rest at once.
    await row('1-2').getByTestId('link-heal').click();
    await expect.poll(linkStates, wait).toEqual({ '1-2': 'open', '1-3': 'open', '2-3': 'slow' });
    await byId('heal-all').click();
    await expect.poll(async () => Object.values(await linkStates()), wait).toEqual(['open', 'open', 'open']);
    await expect.poll(roles, slow).toEqual(['follower', 'follower', 'leader']);
    await shot('lab-10-healed');
  });

  it('marks the faults on the charts, and stops the load', async () => {
    await byId('lab-view-metrics').click();
    await page.waitForTimeout(1500);
    await shot('lab-11-metrics-faults');
    await byId('load-toggle').click();
    await expect.poll(() => text(byId('load-toggle')), wait).toBe('Start load');
    // Back to the live edge, zoomed out over the whole run: the load, the kill, the partition.
    await byId('lab-view-timeline').click();
    await byId('timeline-follow').click();
    await expect.poll(() => byId('timeline-follow').getAttribute('data-following'), wait).toBe('true');
    await byId('zxid-clear').click();
    await byId('timeline-span-1min').click();
    await expect.poll(() => num(byId('timeline-canvas'), 'data-arrows'), wait).toBeGreaterThan(100);
    await shot('lab-12-timeline-run');
    // Dragging right goes back in time and stops following.
    const box = (await byId('timeline-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => byId('timeline-follow').getAttribute('data-following'), wait).toBe('false');
    expect(pageErrors).toEqual([]);
  });

  it('draws the load charts again from the stored history after the page is reloaded', async () => {
    await page.reload();
    await byId('nav-lab').click();
    await byId('lab-tab-e2e').click();
    await byId('lab-view-metrics').click();
    await expect.poll(() => num(byId('chart-latency'), 'data-points'), wait).toBeGreaterThanOrEqual(20);
    expect(await num(byId('chart-throughput'), 'data-points')).toBeGreaterThan(0);
    expect(await num(byId('chart-fsync'), 'data-points')).toBeGreaterThan(0);
    await shot('lab-13-metrics-after-reload');
  });

  it('replays the first run after the lab is stopped and started again', async () => {
    await byId('lab-toggle').click();
    await expect.poll(() => text(byId('lab-state')), slow).toBe('Stopped');
    await byId('lab-toggle').click();
    await expect.poll(() => text(byId('lab-state')), slow).toBe('Running');
    await byId('lab-view-timeline').click();
    const runs = byId('timeline-run');
    await expect.poll(() => runs.locator('option').count(), wait).toBe(2);
    await runs.selectOption({ index: 1 });
    await expect.poll(() => byId('timeline-follow').getAttribute('data-following'), wait).toBe('false');
    await expect.poll(() => text(byId('timeline-held')), wait).toMatch(/packets held/);
    // The znode written in the first run, traced from that run's stored events.
    await byId('timeline-zxid').fill(czxid);
    await byId('timeline-zxid-go').click();
    const summary = byId('zxid-summary');
    await expect.poll(() => summary.getAttribute('data-zxid'), wait).toBe(czxid);
    await expect.poll(() => num(summary, 'data-commits'), wait).toBe(2);
    expect(await num(summary, 'data-proposals')).toBe(2);
    await shot('lab-14-replayed-run');
    // Back to the run going on now.
    await byId('timeline-follow').click();
    await expect.poll(() => runs.inputValue(), wait).toBe('');
    expect(pageErrors).toEqual([]);
  });
});
