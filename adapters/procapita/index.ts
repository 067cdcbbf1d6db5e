/** Procapita: legacy XML export, ISO-8859-1, CR LF (formats/README.md section 5). */
import type { FormatAdapter } from '../types.js';
import { parseProcapita } from './parse.js';
import { renderProcapita } from './render.js';

export const procapitaAdapter: FormatAdapter = {
  system: 'procapita',
  contentType: 'application/xml; charset=ISO-8859-1',
  fileExtension: 'xml',
  parse: parseProcapita,
  render: (plan, context) => ({ ok: true, body: renderProcapita(plan, context) }),
};
