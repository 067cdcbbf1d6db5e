/** The format adapters by system name: adding a system is adding its folder and one line here. */
import { lifecareAdapter } from './lifecare/index.js';
import { procapitaAdapter } from './procapita/index.js';
import { pulsenCombineAdapter } from './pulsen-combine/index.js';
import type { FormatAdapter, SystemName } from './types.js';

export const formatAdapters: Readonly<Record<SystemName, FormatAdapter>> = {
  procapita: procapitaAdapter,
  lifecare: lifecareAdapter,
  'pulsen-combine': pulsenCombineAdapter,
};

/** The adapter for a system name from outside (a URL segment, a CLI flag), or undefined. */
export function getFormatAdapter(name: string): FormatAdapter | undefined {
  return Object.hasOwn(formatAdapters, name) ? formatAdapters[name as SystemName] : undefined;
}
