// What a scenario gets: the workbench page on a fresh copy of examples/queue-service.
import type { Page } from 'playwright-core';

export interface ScenarioContext {
  /** The workbench, loaded, with the extension under development available. */
  page: Page;
  /** Absolute path of this scenario's own copy of examples/queue-service (opened as the folder). */
  workspace: string;
  /** Saves test/e2e/artifacts/<scenario>-<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  log(line: string): void;
}

export type Scenario = (ctx: ScenarioContext) => Promise<void>;
