import * as path from 'node:path';
import { Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { ConfigError } from '../config/config-error';

/**
 * Loads a team's own Nest modules (custom scorers, feed adapters, ...) named in
 * EXTENSION_MODULES, so a competition is extended without editing core modules.
 * Each entry is a file path (relative to the working directory) whose exports include one or
 * more Nest modules; every exported module class is imported into the app.
 *
 * @example
 *   EXTENSION_MODULES=dist/extensions/hit-rate.module.js npm start
 */
export function loadExtensionModules(list: string | undefined, cwd = process.cwd()): Type[] {
  const entries = (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const modules: Type[] = [];
  for (const entry of entries) {
    const file = path.resolve(cwd, entry);
    let exported: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exported = require(file) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError('EXTENSION_MODULES', `cannot load ${entry}: ${(err as Error).message.split('\n')[0]}`);
    }
    const found = Object.values(exported).filter(isNestModule);
    if (found.length === 0) throw new ConfigError('EXTENSION_MODULES', `${entry} exports no Nest module (@Module class)`);
    modules.push(...found);
  }
  return modules;
}

function isNestModule(value: unknown): value is Type {
  if (typeof value !== 'function') return false;
  return Object.values(MODULE_METADATA).some((key) => Reflect.hasMetadata(key, value));
}
