// The Monitor end to end: a real 3-server Apache ZooKeeper ensemble, the built `zoolab web` host as a
// child process, and Debian's Chromium. The ensemble is added through the UI (members discovered),
// polled every second, and its leader is killed for real. Screenshots land in e2e/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireApacheZooKeeper, startEnsemble, type ApacheEnsemble, type ApacheZooKeeperServer } from '../src-main/testing/apache-zk';
import { launchChromium } from './support/browser';
import { MonitorPage, type ChartState } from './support/monitor-page';
import { startWebHost, type RunningWebHost } from './support/web-host';

const screenshots = path.join(__dirname, 'screenshots');
const wait = { timeout: 20_000, interval: 250 };
// An election after the leader dies takes a few seconds (tickTime 500 ms), more on a busy machine.
const failover = { timeout: 45_000, interval: 250 };

describe.skipIf(!requireApacheZooKeeper())('monitor against a real 3-server ZooKeeper ensemble', () => {
  let tmp: string;
  let ensemble: ApacheEnsemble;
  let host: RunningWebHost;
  let browser: Browser;
  let page: Page;
  let ui: MonitorPage;
  let oldLeader: string;
  const pageErrors: string[] = [];

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  const port = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));
  const serverAt = (address: string): ApacheZooKeeperServer | undefined => ensemble.servers.find((s) => s.clientPort === port(address));

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'zoolab-e2e-monitor-'));
    mkdirSync(screenshots, { recursive: true });
    ensemble = await startEnsemble(3);
    host = await startWebHost(path.join(tmp, 'data'));
    browser = await launchChromium(tmp);
    page = await browser.newPage({ viewport: { width: 1360, height: 860 }, acceptDownloads: true });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    ui = new MonitorPage(page);
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await ensemble?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('adds the ensemble, its members discovered', async () => {
    await ui.byId('nav-monitor').click();
    await ui.byId('monitor-empty').waitFor(wait);
    await ui.byId('add-ensemble').click();
    await ui.byId('ens-name').fill('Lab ensemble');
    await ui.byId('ens-connect').fill(ensemble.connectString);
    await ui.byId('ens-discover').click();
    await ui.byId('ens-discovered').waitFor(wait);
    const ports = (await ui.memberAddresses()).map(port).sort();
    expect(ports).toEqual(ensemble.servers.map((s) => s.clientPort).sort());
    await ui.byId('ens-interval').fill('1');
    await shot('monitor-01-add-ensemble');
    await ui.byId('ens-save').click();
    await ui.byId('ensemble-tab-Lab ensemble').waitFor(wait);
  });

  it('shows a card per server: one leader, two followers, with their figures', async () => {
    await expect.poll(() => ui.sortedRoles(), wait).toEqual(['follower', 'follower', 'leader']);
    const leader = (await ui.leader()) ?? '';
    expect(await serverAt(leader)?.mode()).toBe('leader');
    const card = ui.card(leader);
    await expect.poll(() => card.getByTestId('figure-synced').locator('dd').textContent(), wait).toBe('2');
    expect(await card.getByTestId('server-zxid').textContent()).toMatch(/^0x[0-9a-f]+$/);
    expect(await card.getByTestId('figure-znodes').locator('dd').textContent()).toMatch(/^\d[\d,]*$/);
    expect(await ui.byId('ensemble-leader').textContent()).toBe(leader);
    expect(await ui.byId('ensemble-up').textContent()).toBe('3 of 3');
  });

  it('fills the history chart with a line per server', async () => {
    await expect.poll(async () => (await ui.chart()).lines, wait).toBe(3);
    // About twenty polls each, so the screenshot shows lines across the axis rather than a few dots.
    await expect.poll(async () => (await ui.chart()).points, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(60);
    await shot('monitor-02-ensemble');
  });

  it('charts another metric and a downsampled range from the stored history', async () => {
    const shows = async (metric: string, range: string): Promise<ChartState | null> => {
      const chart = ui.byId('history-chart');
      const ok = (await chart.getAttribute('data-metric')) === metric && (await chart.getAttribute('data-range')) === range;
      return ok ? ui.chart() : null;
    };
    await ui.byId('chart-metric').selectOption('znodes');
    await expect.poll(() => shows('znodes', '1h'), wait).toMatchObject({ lines: 3 });
    await ui.byId('range-24h').click();
    await expect.poll(() => shows('znodes', '24h'), wait).toMatchObject({ lines: 3 });
    await ui.byId('range-1h').click();
    await ui.byId('chart-metric').selectOption('probeMs');
    await expect.poll(async () => (await shows('probeMs', '1h'))?.points ?? 0, wait).toBeGreaterThanOrEqual(60);
  });

  it('exports the chart as PNG and the range as CSV', async () => {
    const [png] = await Promise.all([page.waitForEvent('download'), ui.byId('export-png').click()]);
    expect(png.suggestedFilename()).toMatch(/^Lab-ensemble-\d{8}-\d{6}-probeMs-1h\.png$/);
    const pngBytes = readFileSync(await png.path());
    expect(pngBytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(pngBytes.length).toBeGreaterThan(10_000);

    const [csv] = await Promise.all([page.waitForEvent('download'), ui.byId('export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^Lab-ensemble-\d{8}-\d{6}-1h\.csv$/);
    const text = readFileSync(await csv.path(), 'utf8');
    for (const s of ensemble.servers) expect(text).toContain(`:${s.clientPort}`);
    expect(text.trim().split('\n').length).toBeGreaterThan(3);
  });

  it('kills the leader: a down card with its reason, alerts, and a new leader', async () => {
    oldLeader = (await ui.leader()) ?? '';
    serverAt(oldLeader)?.kill();

    const card = ui.card(oldLeader);
    await expect.poll(() => card.getAttribute('data-role'), wait).toBe('down');
    expect((await card.getByTestId('down-reason').textContent())?.trim()).toMatch(/\w{4,}/);
    await expect.poll(() => ui.byId('alert-toast').count(), wait).toBeGreaterThan(0);
    await expect.poll(() => ui.alertKinds(), wait).toContain('down');

    await expect.poll(() => ui.leader(), failover).not.toBeNull();
    const newLeader = (await ui.leader()) ?? '';
    expect(newLeader).not.toBe(oldLeader);
    expect(await serverAt(newLeader)?.mode()).toBe('leader');
    await expect.poll(() => ui.alertKinds(), wait).toContain('leaderChange');
    await expect.poll(() => ui.byId('ensemble-up').textContent(), failover).toBe('2 of 3');
    // The outage and the new leader's role change are marked on the time axis.
    await expect.poll(async () => (await ui.chart()).marks, wait).toBeGreaterThanOrEqual(2);
    await shot('monitor-03-leader-killed');
  });

  it('keeps charting the survivors after the failover, with no page errors', async () => {
    const before = await ui.chart();
    await expect.poll(async () => (await ui.chart()).points, wait).toBeGreaterThan(before.points + 4);
    for (const close of await page.locator('[data-testid="alert-toast"] button').all()) await close.click();
    await expect.poll(() => ui.byId('alert-toast').count(), wait).toBe(0);
    await shot('monitor-04-after-failover');
  });

  it('stops and restarts polling, edits, and removes the ensemble', async () => {
    await ui.byId('ensemble-toggle').click();
    await expect.poll(() => ui.byId('ensemble-state').textContent(), wait).toBe('Stopped');
    const stopped = (await ui.chart()).points;
    await page.waitForTimeout(2500);
    expect((await ui.chart()).points).toBe(stopped);
    await ui.byId('ensemble-toggle').click();
    await expect.poll(() => ui.byId('ensemble-state').textContent(), wait).toBe('Degraded');

    await ui.byId('ensemble-edit').click();
    expect((await ui.memberAddresses()).map(port).sort()).toEqual(ensemble.servers.map((s) => s.clientPort).sort());
    expect(await ui.byId('ens-interval').inputValue()).toBe('1');
    await ui.byId('ens-name').fill('Lab ensemble (renamed)');
    await ui.byId('ens-save').click();
    await ui.byId('ensemble-tab-Lab ensemble (renamed)').waitFor(wait);

    await ui.byId('ensemble-remove').click();
    await ui.byId('confirm-ok').click();
    await ui.byId('monitor-empty').waitFor(wait);
    expect(pageErrors).toEqual([]);
  });
});
