/**
 * What every browser test starts from: the workbench (the real sidebar over the emulator) served on
 * loopback against a running API, and Debian's chromium to open it. Screenshots go to ARTIFACTS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createWorkbench, type Workbench, type WorkbenchOptions } from '../../src/workbench/workbench';
import { CHROMIUM } from './requirements';

export const ARTIFACTS = path.resolve(__dirname, '../artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserWorkbench {
  workbench: Workbench;
  url: string;
  browser: Browser;
  /** Closes the browser, the workbench's server and the workbench (not the API). */
  close(): Promise<void>;
}

export async function openWorkbenchInChromium(options: Omit<WorkbenchOptions, 'addonDir'>): Promise<BrowserWorkbench> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const workbench = await createWorkbench({ ...options, addonDir: path.resolve(__dirname, '../../dist/addon') });
  const server = http.createServer((request, response) => {
    if (!workbench.handle(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM.path, args: CHROMIUM_ARGS });
  return {
    workbench,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await workbench.close();
    },
  };
}
